"""Read-only helpers shared by the pages and the metrics."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from . import taxonomy
from .choices import ItemStatusChoices as S
from .models import Repayment


def is_overdue(item, today=None) -> bool:
    """Still waiting for the unit's measures after its deadline (the deadline engine's clock is overdue)."""
    return item.status == S.OPEN and item.deadline < (today or timezone.localdate())


def _row():
    return {"open": 0, "overdue": 0, "closed_on_time": 0, "closed_late": 0, "recurring": 0,
            "to_recover": Decimal(0), "recovered": Decimal(0)}


def dashboard_rows(items):
    """Counts by unit and by problem type over ``items`` (a queryset already limited to what the
    reader may see): open, overdue, closed on time, closed late, recurrences, money to recover and
    recovered. Two queries."""
    today = timezone.localdate()
    rows = list(items.exclude(status=S.CANCELLED).values_list(
        "pk", "unit_id", "unit__name", "problem_type", "status", "deadline", "closed_on", "recurrence_of_id",
        "amount_to_recover", "submitted_at"))
    paid = dict(Repayment.objects.filter(item_id__in=[r[0] for r in rows]).values("item_id")
                .annotate(s=Sum("amount")).values_list("item_id", "s"))
    by_unit, by_type, totals = defaultdict(_row), defaultdict(_row), _row()
    names = {}
    for pk, unit_id, unit_name, ptype, status, deadline, _closed_on, recurrence_of, amount, submitted in rows:
        names[unit_id] = unit_name
        for bucket in (by_unit[unit_id], by_type[ptype], totals):
            if status in (S.OPEN, S.SUBMITTED, S.VERIFIED):
                bucket["open"] += 1
            if status == S.OPEN and deadline < today:
                bucket["overdue"] += 1
            if status == S.CLOSED:
                on_time = submitted is not None and timezone.localdate(submitted) <= deadline
                bucket["closed_on_time" if on_time else "closed_late"] += 1
            if recurrence_of:
                bucket["recurring"] += 1
            bucket["to_recover"] += amount or 0
            bucket["recovered"] += paid.get(pk) or 0
    unit_rows = sorted(({"name": names[u], **r} for u, r in by_unit.items()), key=lambda r: r["name"])
    type_rows = sorted(({"name": taxonomy.label(t), **r} for t, r in by_type.items()), key=lambda r: r["name"])
    return unit_rows, type_rows, totals
