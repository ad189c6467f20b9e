"""Finance metrics for inspections and assessments (cleangov.core.metrics).

Each metric counts a unit's OWN findings (a township's value is its own books', not its villages';
the framework aggregates subtrees if it wants to). Fixed query count for any number of units.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleangov.core.metrics import MetricResult, MetricSpec

from .choices import FindingRuleChoices, FindingStatusChoices, code_label
from .models import Finding

EVIDENCE_LIMIT = 200



def _evidence(pk: int, rule: str) -> tuple[str, str]:
    """A finding as evidence of a figure: its number and its rule in words, linked to its page."""
    return f"#{pk} {code_label(FindingRuleChoices, rule)}", reverse("finance:finding_detail", kwargs={"finding_id": pk})

def _bounds(start: date, end: date):
    tz = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(start, time.min), tz),
            timezone.make_aware(datetime.combine(end, time.max), tz))


def compute_findings_confirmed(unit_ids: list[int], period_start: date, period_end: date) -> dict[int, MetricResult]:
    """Findings confirmed by a reviewer during the period (decision date), per unit."""
    lo, hi = _bounds(period_start, period_end)
    rows = (Finding.objects.filter(unit_id__in=list(unit_ids), status=FindingStatusChoices.CONFIRMED,
                                   decided_at__gte=lo, decided_at__lte=hi)
            .order_by("unit_id", "pk").values_list("unit_id", "pk", "rule"))
    by_unit: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for unit_id, pk, rule in rows:
        by_unit[unit_id].append((pk, rule))
    out = {}
    for unit_id in unit_ids:
        items = by_unit.get(unit_id, [])
        out[unit_id] = MetricResult(
            value=Decimal(len(items)), numerator=Decimal(len(items)),
            evidence=[_evidence(pk, rule)
                      for pk, rule in items[:EVIDENCE_LIMIT]])
    return out


def compute_findings_open(unit_ids: list[int], period_start: date, period_end: date) -> dict[int, MetricResult]:
    """Findings of the period's books (by year) still waiting for a decision (open or escalated)."""
    rows = (Finding.objects.filter(unit_id__in=list(unit_ids), current=True,
                                   status__in=[FindingStatusChoices.OPEN, FindingStatusChoices.ESCALATED],
                                   year__gte=period_start.year, year__lte=period_end.year)
            .order_by("unit_id", "pk").values_list("unit_id", "pk", "rule"))
    by_unit: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for unit_id, pk, rule in rows:
        by_unit[unit_id].append((pk, rule))
    return {u: MetricResult(value=Decimal(len(by_unit.get(u, []))), numerator=Decimal(len(by_unit.get(u, []))),
                            evidence=[_evidence(pk, rule)
                                      for pk, rule in by_unit.get(u, [])[:EVIDENCE_LIMIT]])
            for u in unit_ids}


METRICS = {
    "finance.findings_confirmed": MetricSpec(
        label=_("Confirmed spending findings"),
        description=_("Only voucher-audit findings confirmed by a reviewer during the period, in the unit's own "
                      "books; findings still waiting for review are not counted (see the findings awaiting review)."),
        unit="count", compute=compute_findings_confirmed),
    "finance.findings_open": MetricSpec(
        label=_("Spending findings awaiting review"),
        description=_("Current voucher-audit findings of the period's years still open or escalated."),
        unit="count", compute=compute_findings_open),
}
