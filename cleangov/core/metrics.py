"""Metrics that modules publish for inspections and assessments.

An app publishes metrics by declaring ``metrics=METRICS`` (a dict of metric id → :class:`MetricSpec`)
in its ``AppDeclaration`` (cleangov.core.declarations). The assessment module evaluates indicator
formulas over these ids.
A metric whose module is not installed is simply absent from :func:`registry`, and formulas show it
as "not available" — never as a made-up value.

``compute`` is called once per metric for many units at a time (the whole county in one call), so
an implementation makes a fixed number of queries, not one per unit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .declarations import declarations


@dataclass
class MetricResult:
    """One unit's value of one metric for a period, with what it was computed from.

    ``value`` is None when the metric cannot be computed for the unit (say so in ``note``).
    ``evidence`` lists the records behind the value (up to a few hundred) as
    (label, URL path or empty string) pairs, for the "explain this score" page.
    """

    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    note: str = ""
    evidence: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class MetricSpec:
    label: str  # translatable (gettext_lazy)
    description: str  # translatable: what is counted, from which records
    unit: str  # "ratio" (0..1), "count", "days", "score" (0..100)
    # compute(unit_ids, period_start, period_end) -> {unit_id: MetricResult}; units missing from the
    # result have no value for the period.
    compute: Callable[[list[int], date, date], dict[int, MetricResult]]


def registry() -> dict[str, MetricSpec]:
    """Every published metric of the installed CleanGov apps, by id (``<app>.<name>``)."""
    found: dict[str, MetricSpec] = {}
    for _label, declaration in declarations():
        found.update(declaration.metrics)
    return found
