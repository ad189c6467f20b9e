"""Small frameworks and stand-in metrics for the assessment tests."""

from __future__ import annotations

from decimal import Decimal

from cleangov.assessment.actions import do_load_framework
from cleangov.assessment.frameworks import parse_framework
from cleangov.core.metrics import MetricResult, MetricSpec

FRAMEWORK = """
format: cleangov-assessment-framework/1
code: test_year_end
kind: year_end
version: "t1"
name: 测试年终考核
name_en: Test year-end assessment
indicators:
  - id: T-LEDGER
    name: 台账完整率
    weight: 30
    formula: "100 * ledgers.completeness"
  - id: T-BURST
    name: 突击补记
    weight: 10
    formula: "100 if ledgers.burst_count == 0 else max(0, 100 - 40 * ledgers.burst_count)"
  - id: T-FUTURE
    name: 未建模块
    weight: 20
    formula: "100 * future.metric"
  - id: T-TOWNSHIP
    name: 仅乡镇
    weight: 40
    formula: "100 * ledgers.completeness"
    unit_levels: [township]
"""


class FakeMetrics:
    """A metrics registry whose values the test sets per unit; counts compute calls per metric."""

    def __init__(self, values: dict[str, dict[int, str | None]], evidence=None):
        self.values = values
        self.evidence = evidence or {}
        self.calls: dict[str, list[list[int]]] = {}

    def registry(self) -> dict[str, MetricSpec]:
        out = {}
        for metric_id in self.values:
            def compute(unit_ids, start, end, metric_id=metric_id):
                self.calls.setdefault(metric_id, []).append(list(unit_ids))
                found = self.values[metric_id]
                return {uid: MetricResult(value=None if found.get(uid) is None else Decimal(found[uid]),
                                          evidence=self.evidence.get((metric_id, uid), []))
                        for uid in unit_ids if uid in found}
            out[metric_id] = MetricSpec(label=metric_id, description="", unit="ratio", compute=compute)
        return out


def load_test_framework(text: str = FRAMEWORK):
    return do_load_framework(parse_framework(text), acting_user=None).version
