"""Computing scores: metrics for many units at once, formulas per unit, totals over available weights.

One call of each metric's ``compute`` covers every unit of the run that needs it, so the query count
is fixed per metric, whatever the number of units (performance target: the whole county's
year-end assessment in under 30 s).

The rule for missing metrics (docs/assessment.md): an indicator whose formula needs a metric without
a value — its module not built yet, or nothing to count for the unit — has no score ("not
available"), never a made-up one. The total is the weighted mean of the AVAILABLE indicator scores,
Σ(weight × score) / Σ(available weights), and the snapshot records the available and applicable
weights so every page shows "computed over X of Y weight". With no indicator available there is no
total. Indicators whose ``unit_levels`` exclude the unit's level do not apply and count nowhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from cleangov.core.metrics import MetricResult, MetricSpec, registry
from cleangov.core.scores import RATIO_PLACES, round_score
from cleangov.orgs.models import Unit

from .choices import FrameworkKindChoices, UnitSelectionChoices
from .frameworks import FrameworkSpec

EVIDENCE_LIMIT = 200
SELECTION_LEVELS = {
    UnitSelectionChoices.TOWNSHIP: ("township",),
    UnitSelectionChoices.VILLAGE: ("village",),
    UnitSelectionChoices.DEPARTMENT: ("department",),
    UnitSelectionChoices.ALL: ("township", "department", "village"),
}


def period_for(kind: str, year: int) -> tuple[date, date]:
    """Mid-year inspection: Jan 1 – Jun 30; year-end assessment: the calendar year."""
    if kind == FrameworkKindChoices.MIDYEAR:
        return date(year, 1, 1), date(year, 6, 30)
    return date(year, 1, 1), date(year, 12, 31)


def select_units(scope_unit: Unit, selection: str) -> list[Unit]:
    levels = SELECTION_LEVELS[UnitSelectionChoices(selection)]
    return list(Unit.objects.filter(path__startswith=scope_unit.path, level__in=levels).order_by("path"))


def _q(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _metric_json(metric_id: str, spec: MetricSpec | None, result: MetricResult | None) -> dict:
    if spec is None:
        return {"label": metric_id, "available": False, "value": None, "numerator": None, "denominator": None,
                "note": _("Not available: no module publishes this metric yet."), "evidence": [], "unit": ""}
    if result is None:
        result = MetricResult(value=None, note=_("The module returned no value for this unit."))
    return {
        "label": str(spec.label), "available": result.value is not None, "unit": spec.unit,
        "value": _q(result.value), "numerator": _q(result.numerator), "denominator": _q(result.denominator),
        "note": str(result.note or ""),
        "evidence": [[str(label), str(url or "")] for label, url in result.evidence[:EVIDENCE_LIMIT]],
        "evidence_total": len(result.evidence),
    }


@dataclass
class UnitScore:
    unit: Unit
    computed_score: Decimal | None
    available_weight: Decimal
    total_weight: Decimal
    indicators: list[dict] = field(default_factory=list)
    metrics: dict = field(default_factory=dict)


@dataclass
class ScoreSet:
    scores: list[UnitScore]
    metrics_available: list[str]
    metrics_missing: list[str]


def score_unit(spec: FrameworkSpec, level: str, values: dict[str, Decimal | None],
               compiled: dict | None = None) -> tuple[Decimal | None, Decimal, Decimal, list[dict]]:
    """(total, available weight, applicable weight, indicator rows) of one unit from its metric values."""
    rows = []
    weighted = Decimal(0)
    available = Decimal(0)
    applicable = Decimal(0)
    for indicator in spec.indicators:
        if level not in indicator.unit_levels:
            continue
        formula = compiled[indicator.id] if compiled else indicator.compiled()
        weight = indicator.weight_value
        applicable += weight
        outcome = formula.evaluate(values)
        low, high = indicator.band
        score = None
        capped = outcome.value is not None and not (low <= outcome.value <= high)
        if outcome.value is not None:
            score = round_score(min(high, max(low, outcome.value)))
            # The band maps onto 0..100 so weights mean what they say whatever the band.
            normalised = (score - low) * 100 / (high - low)
            weighted += weight * normalised
            available += weight
        rows.append({
            "id": indicator.id, "name": indicator.name, "name_en": indicator.name_en, "weight": indicator.weight,
            "formula": indicator.formula, "band": [indicator.band_min, indicator.band_max],
            "source": indicator.source, "description": indicator.description,
            "metrics": {m: _q(values.get(m)) for m in formula.metrics},
            "raw": _q(round_score(outcome.value, RATIO_PLACES) if outcome.value is not None else None),
            "score": _q(score), "capped": capped, "missing": list(outcome.missing), "reason": outcome.reason,
        })
    total = round_score(weighted / available) if available else None
    return total, available, applicable, rows


def compute_scores(spec: FrameworkSpec, units: list[Unit], start: date, end: date, *,
                   metrics: dict[str, MetricSpec] | None = None,
                   progress: Callable[[int], None] | None = None) -> ScoreSet:
    """Scores of ``units`` for the period; ``metrics`` defaults to the installed modules' registry."""
    published = registry() if metrics is None else metrics
    compiled = {i.id: i.compiled() for i in spec.indicators}
    needed: dict[str, set[int]] = {}
    for unit in units:
        for indicator in spec.indicators:
            if unit.level in indicator.unit_levels:
                for metric in compiled[indicator.id].metrics:
                    needed.setdefault(metric, set()).add(unit.pk)
    results: dict[str, dict[int, MetricResult]] = {}
    for metric_id, unit_ids in needed.items():
        if metric_id in published:
            results[metric_id] = published[metric_id].compute(sorted(unit_ids), start, end)
        if progress:
            progress(len(unit_ids))
    scores = []
    for unit in units:
        values = {}
        metric_rows = {}
        for metric_id, unit_ids in needed.items():
            if unit.pk not in unit_ids:
                continue
            result = results.get(metric_id, {}).get(unit.pk)
            values[metric_id] = result.value if result is not None else None
            metric_rows[metric_id] = _metric_json(metric_id, published.get(metric_id), result)
        total, available, applicable, rows = score_unit(spec, unit.level, values, compiled)
        scores.append(UnitScore(unit, total, available, applicable, rows, metric_rows))
        if progress:
            progress(1)
    available = sorted(m for m in needed if m in published)
    return ScoreSet(scores, available, sorted(m for m in needed if m not in published))


def final_score(computed: Decimal | None, adjustment_total: Decimal) -> Decimal | None:
    """Computed score plus adjustments, kept within 0..100 (a score outside makes no sense)."""
    if computed is None:
        return None
    return round_score(min(Decimal(100), max(Decimal(0), computed + adjustment_total)))


def rank(snapshots) -> list:
    """Rank snapshots per unit level by final score (ties share a rank; unavailable scores last, unranked)."""
    by_level: dict[str, list] = {}
    for snap in snapshots:
        by_level.setdefault(snap.unit_level, []).append(snap)
    for group in by_level.values():
        scored = sorted((s for s in group if s.final_score is not None), key=lambda s: (-s.final_score, s.unit.path))
        previous, position = None, 0
        for index, snap in enumerate(scored, start=1):
            if snap.final_score != previous:
                position, previous = index, snap.final_score
            snap.rank = position
            snap.rank_of = len(scored)
        for snap in group:
            if snap.final_score is None:
                snap.rank, snap.rank_of = None, len(scored)
    order = {"township": 0, "department": 1, "village": 2}
    return sorted(snapshots, key=lambda s: (order.get(s.unit_level, 9), s.rank is None, s.rank or 0, s.unit.path))
