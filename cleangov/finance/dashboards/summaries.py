"""Building the dashboards' summary tables (see :mod:`.models`).

``refresh_summaries`` is incremental and idempotent: it summarises the batches that have no marker
yet and gives a month to the findings that have none. It runs after every successful audit run
(:mod:`.signals`) and, as a safety net, before a dashboard is drawn when a cheap check says that
something is missing (:func:`is_stale`). Two refreshes racing each other insert the same rows; the
unique constraints and ``ignore_conflicts`` make the second one a no-op.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, CharField, Count, Exists, Min, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import ExtractYear
from django.utils import timezone

from cleangov.finance.models import Finding, FindingLine, ImportBatch, VoucherLine

from .models import (
    BatchLineSummary,
    ExpenseGroupChoices,
    FindingMonth,
    FindingMonthStat,
    FindingStat,
    StaleUnit,
    SummarizedBatch,
)

DIGITS = range(1, 10)
# Amounts are below 10^16 yuan (18 digits, 2 decimal places); the Benford population is amounts ≥ 10,
# as in the engine's rule (voucher_audit/rules/benford_nonconformity.py).
_MAGNITUDES = range(1, 16)
BATCH_CHUNK = 200
FINDING_CHUNK = 900


def expense_group():
    """The expense group of a line's category (voucher_audit/schema.py CATEGORIES)."""
    return Case(
        When(category__startswith="travel_", then=Value(ExpenseGroupChoices.TRAVEL)),
        When(category__startswith="vehicle_", then=Value(ExpenseGroupChoices.VEHICLE)),
        When(category="reception", then=Value(ExpenseGroupChoices.RECEPTION)),
        default=Value(ExpenseGroupChoices.OTHER), output_field=CharField())


def first_digit_q(digit: int, field: str = "amount") -> Q:
    """Amounts whose first significant digit is ``digit``, among amounts ≥ 10.

    Written as ranges (d·10^k ≤ x < (d+1)·10^k) rather than string slicing, so SQLite and PostgreSQL
    give exactly the same answer on decimals without any casting rules of their own."""
    q = Q(pk__in=[])
    for k in _MAGNITUDES:
        low = Decimal(digit) * (Decimal(10) ** k)
        q |= Q(**{f"{field}__gte": low, f"{field}__lt": low + Decimal(10) ** k})
    return q


def _summarise_batches(batch_ids: list[int]) -> int:
    digit_counts = {f"d{d}": Count("pk", filter=first_digit_q(d)) for d in DIGITS}
    rows = (VoucherLine.objects.filter(batch_id__in=batch_ids)
            .annotate(yr=ExtractYear("voucher_date"), grp=expense_group())
            .values("batch_id", "unit_id", "yr", "grp")
            .annotate(n=Count("pk"), total=Sum("amount"), **digit_counts)
            .order_by())
    objs = [BatchLineSummary(batch_id=r["batch_id"], unit_id=r["unit_id"], year=r["yr"], group=r["grp"],
                             lines=r["n"], amount=r["total"] or Decimal(0),
                             **{f"d{d}": r[f"d{d}"] for d in DIGITS}) for r in rows]
    now = timezone.now()
    with transaction.atomic():
        BatchLineSummary.objects.bulk_create(objs, batch_size=2000, ignore_conflicts=True)
        SummarizedBatch.objects.bulk_create([SummarizedBatch(batch_id=b, summarized_at=now) for b in batch_ids],
                                            ignore_conflicts=True)
    return len(objs)


def _month_of(day: dt.date | None) -> dt.date | None:
    return day.replace(day=1) if day else None


def _date_of(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _give_months(finding_ids: list[int]) -> int:
    firsts = dict(FindingLine.objects.filter(finding_id__in=finding_ids).values("finding_id")
                  .annotate(first=Min("line__voucher_date")).values_list("finding_id", "first").order_by())
    years = dict(Finding.objects.filter(pk__in=finding_ids).values_list("pk", "year"))
    objs = []
    for fid in finding_ids:
        first = _date_of(firsts.get(fid))
        if first is None and years.get(fid):
            first = dt.date(years[fid], 1, 1)
        objs.append(FindingMonth(finding_id=fid, month=_month_of(first)))
    FindingMonth.objects.bulk_create(objs, batch_size=2000, ignore_conflicts=True)
    return len(objs)


def _give_missing_months(unit_ids: list[int] | None = None) -> int:
    dated = FindingMonth.objects.filter(finding_id=OuterRef("pk"))
    qs = Finding.objects.filter(~Exists(dated))
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    finding_ids = list(qs.order_by("pk").values_list("pk", flat=True))
    months = 0
    for i in range(0, len(finding_ids), FINDING_CHUNK):
        months += _give_months(finding_ids[i:i + FINDING_CHUNK])
    return months


def rebuild_finding_stats(unit_ids: list[int] | None = None) -> int:
    """Recount the findings of ``unit_ids`` (all units when None) into FindingStat/FindingMonthStat.

    The stale markers are cleared first, inside the same transaction, so a decision saved while the
    recount runs marks its unit again and is counted by the next rebuild."""
    with transaction.atomic():
        markers = StaleUnit.objects.all() if unit_ids is None else StaleUnit.objects.filter(unit_id__in=unit_ids)
        markers.delete()
        stats = FindingStat.objects.all() if unit_ids is None else FindingStat.objects.filter(unit_id__in=unit_ids)
        stats.delete()
        mstats = (FindingMonthStat.objects.all() if unit_ids is None
                  else FindingMonthStat.objects.filter(unit_id__in=unit_ids))
        mstats.delete()
        findings = Finding.objects.all() if unit_ids is None else Finding.objects.filter(unit_id__in=unit_ids)
        rows = [FindingStat(unit_id=r["unit_id"], year=r["year"], rule=r["rule"], severity=r["severity"],
                            status=r["status"], findings=r["n"], stake=r["s"] or Decimal(0))
                for r in findings.values("unit_id", "year", "rule", "severity", "status")
                .annotate(n=Count("pk"), s=Sum("amount_at_stake")).order_by()]
        FindingStat.objects.bulk_create(rows, batch_size=2000)
        mrows = [FindingMonthStat(unit_id=r["unit_id"], year=r["year"], month=r["dash_month__month"],
                                  status=r["status"], findings=r["n"])
                 for r in findings.values("unit_id", "year", "dash_month__month", "status")
                 .annotate(n=Count("pk")).order_by()]
        FindingMonthStat.objects.bulk_create(mrows, batch_size=2000)
    return len(rows) + len(mrows)


def refresh_summaries() -> dict[str, int]:
    """Summarise new batches, date new findings and recount every unit's findings (after a run)."""
    done = SummarizedBatch.objects.filter(batch_id=OuterRef("pk"))
    batch_ids = list(ImportBatch.objects.filter(~Exists(done)).order_by("pk").values_list("pk", flat=True))
    summary_rows = 0
    for i in range(0, len(batch_ids), BATCH_CHUNK):
        summary_rows += _summarise_batches(batch_ids[i:i + BATCH_CHUNK])
    months = _give_missing_months()
    stats = rebuild_finding_stats()
    return {"batches": len(batch_ids), "summary_rows": summary_rows, "finding_months": months, "stat_rows": stats}


def refresh_stale_units() -> int:
    """Recount the units marked stale since the last rebuild (review decisions)."""
    unit_ids = list(StaleUnit.objects.values_list("unit_id", flat=True))
    if not unit_ids:
        return 0
    _give_missing_months(unit_ids)
    return rebuild_finding_stats(unit_ids)


def is_stale() -> bool:
    """Two cheap queries: is a batch not summarised, or is the newest finding without a month?

    Batches are few (an anti-join over them is cheap); findings are many, so only the highest id is
    looked at — findings get increasing ids, and the refresh after each run covers any gap."""
    done = SummarizedBatch.objects.filter(batch_id=OuterRef("pk"))
    if ImportBatch.objects.filter(~Exists(done)).exists():
        return True
    newest = Finding.objects.order_by("-pk").values("pk")[:1]
    return Finding.objects.filter(pk=Subquery(newest), dash_month__isnull=True).exists()


def ensure_fresh() -> None:
    """Before a dashboard is drawn: the safety net behind the refresh after audit runs, and the
    recount of units whose findings were decided since (three cheap queries when nothing is due)."""
    if is_stale():
        refresh_summaries()
    elif StaleUnit.objects.exists():
        refresh_stale_units()
