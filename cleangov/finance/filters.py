from __future__ import annotations

from django.db.models import QuerySet


def filter_findings(qs: QuerySet, data: dict) -> QuerySet:
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("rule"):
        qs = qs.filter(rule=data["rule"].strip())
    if data.get("category"):
        # A finding names the voucher lines it is about; one line of the category is enough.
        qs = qs.filter(lines__category=data["category"]).distinct()
    if data.get("unit"):
        qs = qs.filter(unit__code=data["unit"].strip())
    if data.get("current"):
        qs = qs.filter(current=True)
    return qs
