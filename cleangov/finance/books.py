"""Read-only view of the imported books for other apps (the village disclosure reads it).

The one interface through which a domain app outside finance reads voucher lines: only the active
lines (a superseded batch's lines are the record of what was replaced, not the books), only sums
and the few columns a public disclosure shows. Nothing here writes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum

from .choices import ImportBatchStatusChoices
from .models import ImportBatch, VoucherLine


def _active_lines(unit_id: int, start: date, end: date):
    return VoucherLine.objects.filter(unit_id=unit_id, voucher_date__gte=start, voucher_date__lte=end,
                                      batch__status=ImportBatchStatusChoices.ACTIVE)


def totals_by_category(unit_id: int, start: date, end: date) -> dict[str, tuple[Decimal, int]]:
    """category → (sum of amounts, number of lines) of the unit's active lines in the period."""
    rows = (_active_lines(unit_id, start, end).values("category")
            .annotate(total=Sum("amount"), n=Count("pk")).order_by("category"))
    return {r["category"]: (r["total"] or Decimal("0.00"), r["n"]) for r in rows}


def lines_at_least(unit_id: int, start: date, end: date, threshold: Decimal) -> list[dict]:
    """The active lines whose absolute amount reaches ``threshold``, in date order."""
    qs = (_active_lines(unit_id, start, end).filter(Q(amount__gte=threshold) | Q(amount__lte=-threshold))
          .order_by("voucher_date", "voucher_no", "line_id"))
    return list(qs.values("line_id", "voucher_no", "voucher_date", "category", "summary", "payee", "amount"))


def active_batch_ids(unit_id: int, start: date, end: date) -> list[int]:
    """The batches whose active lines the period's figures come from."""
    return sorted(set(_active_lines(unit_id, start, end).values_list("batch_id", flat=True).distinct()))


def superseded_batch_ids(batch_ids) -> list[int]:
    """Which of ``batch_ids`` a corrected batch has since replaced."""
    return sorted(ImportBatch.objects.filter(pk__in=list(batch_ids), status=ImportBatchStatusChoices.SUPERSEDED)
                  .values_list("pk", flat=True))


def category_label(code: str) -> str:
    """The Chinese name of a voucher category (the books' own name for it)."""
    from voucher_audit.schema import CATEGORIES

    names = CATEGORIES.get(code)
    return names[0] if names else code


def monthly_totals(unit_id: int, start: date, end: date) -> dict[tuple[int, int], dict[str, tuple[Decimal, int]]]:
    """(year, month) → category → (sum, lines) of the unit's active lines, in one query."""
    from django.db.models.functions import ExtractMonth, ExtractYear

    rows = (_active_lines(unit_id, start, end)
            .annotate(y=ExtractYear("voucher_date"), m=ExtractMonth("voucher_date"))
            .values("y", "m", "category").annotate(total=Sum("amount"), n=Count("pk")).order_by("y", "m", "category"))
    out: dict[tuple[int, int], dict[str, tuple[Decimal, int]]] = {}
    for r in rows:
        out.setdefault((r["y"], r["m"]), {})[r["category"]] = (r["total"] or Decimal("0.00"), r["n"])
    return out


def batch_ids_by_month(unit_id: int, start: date, end: date) -> dict[tuple[int, int], list[int]]:
    """(year, month) → the batches whose active lines fall in that month."""
    from django.db.models.functions import ExtractMonth, ExtractYear

    rows = (_active_lines(unit_id, start, end)
            .annotate(y=ExtractYear("voucher_date"), m=ExtractMonth("voucher_date"))
            .values_list("y", "m", "batch_id").distinct())
    out: dict[tuple[int, int], set[int]] = {}
    for y, m, b in rows:
        out.setdefault((y, m), set()).add(b)
    return {k: sorted(v) for k, v in out.items()}
