"""Plan: a parsed file checked against the platform (units known and within reach, line ids not
already active, periods not already covered). Nothing is written here; :mod:`.write` repeats the
database checks under the per-unit lock inside its transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cleangov.finance import engine as E
from cleangov.finance.choices import ImportBatchStatusChoices
from cleangov.finance.lines_sql import plain
from cleangov.finance.models import BatchUnit, ImportBatch, VoucherLine
from cleangov.orgs.models import Unit

TEXT_LIMITS = {f.name: f.max_length for f in VoucherLine._meta.concrete_fields
               if f.name in E.LINE_FIELDS and getattr(f, "max_length", None)}


@dataclass
class ImportPlan:
    """A parsed file checked against the platform: units resolved, periods computed. Built by
    :func:`plan_import`; nothing has been written yet."""

    parsed: E.Parsed
    scope_unit: Unit
    units: dict[str, Unit] = field(default_factory=dict)
    errors: list[E.RowError] = field(default_factory=list)  # engine errors + platform errors
    periods: dict[str, tuple[dt.date, dt.date, int]] = field(default_factory=dict)
    overlaps: list[tuple[str, ImportBatch, dt.date, dt.date]] = field(default_factory=list)
    duplicate_of: ImportBatch | None = None
    sha256: str = ""
    supersedes: ImportBatch | None = None
    allowed_units: object = None  # a Unit queryset, or None for no restriction beyond ``scope_unit``
    # The active batches of each planned unit when the plan was made: the write compares it under the
    # unit lock, and plans again only when another import changed those units in the meantime.
    seen_batches: dict[int, list[int]] = field(default_factory=dict)

    @property
    def rows_to_import(self) -> int:
        return sum(p[2] for p in self.periods.values())


def _find_duplicate(sha256: str) -> ImportBatch | None:
    return ImportBatch.objects.filter(sha256=sha256).select_related("uploaded_by").first()


def plan_import(parsed: E.Parsed, *, scope_unit: Unit, allowed_units=None, sha256: str,
                supersedes: ImportBatch | None = None) -> ImportPlan:
    """Check what the engine cannot: every org_code is a known unit inside ``scope_unit`` (and inside
    ``allowed_units``, the uploader's reach), line ids are not already active for the unit, and no other
    active batch already covers the same unit and period."""
    plan = ImportPlan(parsed=parsed, scope_unit=scope_unit, errors=list(parsed.errors), sha256=sha256,
                      supersedes=supersedes, allowed_units=allowed_units)
    plan.duplicate_of = _find_duplicate(sha256)
    table = parsed.table
    if table is None or table.num_rows == 0:
        return plan
    codes = table.column("org_code").to_pylist()
    rows = table.column("_row").to_pylist()
    found = {u.code: u for u in Unit.objects.filter(code__in=set(codes))}
    inside = set(Unit.objects.filter(path__startswith=scope_unit.path, code__in=set(codes))
                 .values_list("code", flat=True))
    allowed = set(allowed_units.filter(code__in=set(codes)).values_list("code", flat=True)) \
        if allowed_units is not None else inside
    fname = parsed.file_name
    bad_rows: set[int] = set()
    distinct = set(codes)
    bad_codes = {c for c in distinct if c not in found or c not in inside or c not in allowed}
    for code, row in zip(codes, rows, strict=True) if bad_codes else ():
        if code not in found:
            plan.errors.append(E.RowError(fname, row, "org_code", code, "unknown unit code"))
            bad_rows.add(row)
        elif code not in inside or code not in allowed:
            plan.errors.append(E.RowError(fname, row, "org_code", code,
                                          "unit outside the units you import for"))
            bad_rows.add(row)
    import pyarrow as pa
    import pyarrow.compute as pc

    for name, limit in TEXT_LIMITS.items():
        if name not in table.column_names:
            continue
        lengths = pc.utf8_length(plain(table.column(name)))
        if (pc.max(lengths).as_py() or 0) <= limit:
            continue  # the common case: one vectorised pass, no Python loop
        for value, row in zip(table.column(name).to_pylist(), rows, strict=True):
            if value is not None and len(value) > limit:
                plan.errors.append(E.RowError(fname, row, name, value[:50] + "…", f"longer than {limit} characters"))
                bad_rows.add(row)
    plan.units = {c: u for c, u in found.items() if c in inside and c in allowed}
    # line ids already active for the unit (a corrected file goes through "supersede")
    ids = None
    for code, unit in plan.units.items():
        existing = VoucherLine.objects.filter(unit=unit, batch__status=ImportBatchStatusChoices.ACTIVE)
        if supersedes is not None:
            existing = existing.exclude(batch=supersedes)
        if not existing.exists():
            continue  # new books: nothing to compare with
        taken = set(existing.values_list("line_id", flat=True))
        if ids is None:
            ids = table.column("line_id").to_pylist()
        for c, line_id, row in zip(codes, ids, rows, strict=True):
            if c == code and line_id in taken and row not in bad_rows:
                plan.errors.append(E.RowError(fname, row, "line_id", line_id,
                                              "line already imported for this unit in an active batch"))
                bad_rows.add(row)
    # periods per unit, over the rows that will be imported
    span_input = pa.table({"org_code": plain(table.column("org_code")), "voucher_date": table.column("voucher_date")})
    keep = pc.is_in(span_input.column("org_code"), value_set=pa.array(list(plan.units), pa.string()))
    if bad_rows:
        keep = pc.and_(keep, pc.invert(pc.is_in(table.column("_row"), value_set=pa.array(sorted(bad_rows),
                                                                                           pa.int64()))))
    spans = (span_input.filter(keep).group_by("org_code")
             .aggregate([("voucher_date", "min"), ("voucher_date", "max"), ("voucher_date", "count")]))
    plan.periods = {c: (lo, hi, n) for c, lo, hi, n in zip(
        spans.column("org_code").to_pylist(), spans.column("voucher_date_min").to_pylist(),
        spans.column("voucher_date_max").to_pylist(), spans.column("voucher_date_count").to_pylist(), strict=True)}
    for code, (start, end, _n) in plan.periods.items():
        clash = (BatchUnit.objects.filter(unit=plan.units[code], batch__status=ImportBatchStatusChoices.ACTIVE,
                                          period_start__lte=end, period_end__gte=start)
                 .select_related("batch"))
        if supersedes is not None:
            clash = clash.exclude(batch=supersedes)
        for bu in clash:
            plan.overlaps.append((code, bu.batch, bu.period_start, bu.period_end))
    plan.errors.sort(key=lambda e: (e.row or 0, e.column or ""))
    plan.seen_batches = active_batches([u.pk for u in plan.units.values()], supersedes)
    return plan


def active_batches(unit_ids: list[int], supersedes: ImportBatch | None = None) -> dict[int, list[int]]:
    """Unit id → ids of the active batches holding its lines (the batch being replaced left out)."""
    qs = BatchUnit.objects.filter(unit_id__in=unit_ids, batch__status=ImportBatchStatusChoices.ACTIVE)
    if supersedes is not None:
        qs = qs.exclude(batch=supersedes)
    out: dict[int, list[int]] = {u: [] for u in unit_ids}
    for unit_id, batch_id in qs.order_by("unit_id", "batch_id").values_list("unit_id", "batch_id"):
        out[unit_id].append(batch_id)
    return out

