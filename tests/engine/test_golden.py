"""Each rule against its golden fixture: findings (line ids, amount at stake, both messages) and coverage counts."""

from __future__ import annotations

import csv

import pytest
from voucher_audit.rules import RULES

from tests.engine.conftest import GOLDEN, audit_dir, expected


def test_every_rule_has_a_golden_fixture():
    assert sorted(p.name for p in GOLDEN.iterdir() if p.is_dir()) == sorted(RULES)


def _outcomes(d):
    with (d / "lines.csv").open(encoding="utf-8") as f:
        ids = [r["line_id"] for r in csv.DictReader(f)]
    flagged = sum(1 for i in ids if i.startswith("F"))
    not_eval = sum(1 for i in ids if i.startswith("N"))
    applicable = sum(1 for i in ids if not i.startswith("X"))
    return {"applicable": applicable, "evaluated": applicable - not_eval, "flagged": flagged,
            "not_evaluable": not_eval}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_golden(rule):
    d = GOLDEN / rule
    result = audit_dir(d, rules=[rule])
    got = sorted((list(f.line_ids), None if f.amount_at_stake is None else f"{f.amount_at_stake:.2f}", f.zh, f.en)
                 for f in result.findings if f.rule == rule)
    want = sorted((e["line_ids"], e["amount_at_stake"], e["message"]["zh"], e["message"]["en"])
                  for e in expected(d)["findings"])
    assert got == want
    cov = next(c for c in result.coverage if c["rule"] == rule)
    assert {k: cov[k] for k in ("applicable", "evaluated", "flagged", "not_evaluable")} == _outcomes(d)
    # every not-evaluable line has a named reason
    assert sum(result.reasons.get(rule, {}).values()) == cov["not_evaluable"]


def test_findings_carry_messages_and_sources():
    result = audit_dir(GOLDEN / "lodging_over_cap")
    f = next(f for f in result.findings if f.rule == "lodging_over_cap" and f.line_ids == ("F1",))
    assert f.zh.startswith("住宿费 500.01 元/晚，超过北京其他人员标准 500.00 元/晚")
    assert "500.00 yuan/night" in f.en
    assert "财行〔2016〕71号" in f.source
    assert f.severity == "warn"


def test_regeneration_reproduces_the_committed_fixtures(tmp_path):
    """``python -m tests.engine.golden_cases`` writes exactly the files the tests read, messages included."""
    from tests.engine import golden_cases

    golden_cases.write_all(tmp_path)
    for committed in sorted(p for p in GOLDEN.rglob("*") if p.is_file()):
        regenerated = tmp_path / committed.relative_to(GOLDEN)
        assert regenerated.read_bytes() == committed.read_bytes(), committed


def test_regeneration_refuses_output_that_contradicts_the_specification(tmp_path):
    from tests.engine import golden_cases

    spec = golden_cases.CASES["iou_receipt"]
    d = tmp_path / "iou_receipt"
    golden_cases.write_all(tmp_path)  # the fixture as specified
    wrong = [{"line_ids": ["P1"], "amount_at_stake": "50.00"}]  # a line the rule rightly passes
    with pytest.raises(golden_cases.SpecificationMismatch):
        golden_cases._with_message_snapshots("iou_receipt", d, wrong)
    assert spec["expected"] != wrong
