from __future__ import annotations

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.utils.translation import get_language

from cleangov.orgs.filters import unit_places

from .choices import FindingSeverityChoices

# What a discipline officer works on first: the most serious findings, then the most money, then the newest.
SEVERITY_RANK = Case(
    When(severity=FindingSeverityChoices.BLOCK, then=Value(0)),
    When(severity=FindingSeverityChoices.WARN, then=Value(1)),
    default=Value(2), output_field=IntegerField())
# Sort keys offered by the column headers (``?sort=amount``, ``?sort=-amount``) → the order they mean.
FINDING_SORTS = {
    "severity": ("severity_rank", F("amount_at_stake").desc(nulls_last=True), "-created_at", "-pk"),
    "amount": (F("amount_at_stake").desc(nulls_last=True), "severity_rank", "-pk"),
    "found": ("-created_at", "severity_rank", "-pk"),
    "rule": ("rule", "severity_rank", "-pk"),
    "unit": ("unit__path", "severity_rank", "-pk"),
    "status": ("status", "severity_rank", "-pk"),
}
DEFAULT_SORT = "severity"


def filter_findings(qs: QuerySet, data: dict) -> QuerySet:
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("rule"):
        qs = qs.filter(rule=data["rule"].strip())
    if data.get("category"):
        # A finding names the voucher lines it is about; one line of the category is enough.
        qs = qs.filter(lines__category=data["category"]).distinct()
    if data.get("unit"):
        qs = qs.filter(unit__code=data["unit"])
    if data.get("current"):
        qs = qs.filter(current=True)
    return qs


def sort_findings(qs: QuerySet, sort: str) -> tuple[QuerySet, str]:
    """The findings in the order ``sort`` names (``-`` in front reverses it); an unknown key is the default."""
    key = sort.lstrip("-")
    if key not in FINDING_SORTS:
        key, sort = DEFAULT_SORT, DEFAULT_SORT
    order = list(FINDING_SORTS[key])
    if sort.startswith("-"):
        first = order[0]
        order[0] = (first.lstrip("-") if first.startswith("-") else "-" + first) if isinstance(first, str) else (
            F("amount_at_stake").asc(nulls_last=True))
    return qs.annotate(severity_rank=SEVERITY_RANK).order_by(*order), sort


def unit_paths(units: QuerySet) -> dict[str, str]:
    """Code → the unit's place as a reader names it (镇 › 村 › 组), in the page's language, for a picker, in the
    order of the places."""
    paths = unit_places(list(units.values("code", "path")), get_language() or "")
    return dict(sorted(paths.items(), key=lambda kv: kv[1]))
