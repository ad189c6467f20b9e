"""Plan: a parsed file checked against the platform (units known and within reach, line ids not
already active, periods not already covered). Nothing is written here; :mod:`.write` repeats the
database checks under the per-unit lock inside its transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pyarrow as pa

from cleangov.finance import engine as E
from cleangov.finance.choices import ImportBatchStatusChoices
from cleangov.finance.models import BatchUnit, ImportBatch, VoucherLine
from cleangov.finance.spool import STAGE_PLAN, STAGE_READ
from cleangov.orgs.models import Unit

TEXT_LIMITS = {f.name: f.max_length for f in VoucherLine._meta.concrete_fields
               if f.name in E.LINE_FIELDS and getattr(f, "max_length", None)}


@dataclass
class ImportPlan:
    """A parsed file checked against the platform: units resolved, periods computed. Built by
    :func:`plan_import`; nothing has been written yet. Every problem (the file's and the platform's) is in
    the parsed file's spool; ``errors`` holds the first (``spool.PROBLEMS_KEPT``) in the order of the file and
    ``error_total`` their number."""

    parsed: E.Parsed
    scope_unit: Unit
    units: dict[str, Unit] = field(default_factory=dict)
    errors: list[E.RowError] = field(default_factory=list)  # engine errors + platform errors (the first)
    error_total: int = 0
    bad_rows: int = 0  # rows with at least one problem
    periods: dict[str, tuple[dt.date, dt.date, int]] = field(default_factory=dict)
    overlaps: list[tuple[str, ImportBatch, dt.date, dt.date]] = field(default_factory=list)
    duplicate_of: ImportBatch | None = None
    sha256: str = ""
    supersedes: ImportBatch | None = None
    allowed_units: object = None  # a Unit queryset, or None for no restriction beyond ``scope_unit``
    # The active batches of each planned unit when the plan was made: the write compares it under the
    # unit lock, and plans again only when another import changed those units in the meantime.
    seen_batches: dict[int, list[int]] = field(default_factory=dict)
    stage: str = STAGE_PLAN  # the spool's stage that holds this plan's own problems

    @property
    def rows_to_import(self) -> int:
        return sum(p[2] for p in self.periods.values())

    @property
    def stages(self) -> tuple[str, str]:
        return (STAGE_READ, self.stage)


def _find_duplicate(sha256: str) -> ImportBatch | None:
    return ImportBatch.objects.filter(sha256=sha256).select_related("uploaded_by").first()


def _unit_states(scope_unit: Unit, allowed_units) -> pa.Table:
    """Every unit code with whether this import may write it ('ok') or not ('outside'): the units of a
    county are a few thousand at most, so they are listed whole rather than looked up per file code."""
    allowed = None if allowed_units is None else set(allowed_units.values_list("code", flat=True))
    codes, states = [], []
    for code, path in Unit.objects.values_list("code", "path").iterator(chunk_size=5000):
        inside = path.startswith(scope_unit.path) and (allowed is None or code in allowed)
        codes.append(code)
        states.append("ok" if inside else "outside")
    return pa.table({"code": pa.array(codes, pa.string()), "state": pa.array(states, pa.string())})


def _load_taken(con, units: dict[str, Unit], supersedes: ImportBatch | None, block: int = 100_000) -> bool:
    """The line ids already active for the planned units, into the spool's table ``taken``; False when there
    are none (new books: nothing to compare with)."""
    con.execute("CREATE OR REPLACE TABLE taken (org_code VARCHAR, line_id VARCHAR)")
    any_taken = False
    for code, unit in units.items():
        existing = VoucherLine.objects.filter(unit=unit, batch__status=ImportBatchStatusChoices.ACTIVE)
        if supersedes is not None:
            existing = existing.exclude(batch=supersedes)
        if not existing.exists():
            continue
        any_taken = True
        ids: list[str] = []
        for line_id in existing.values_list("line_id", flat=True).iterator(chunk_size=10_000):
            ids.append(line_id)
            if len(ids) >= block:
                _insert_taken(con, code, ids)
                ids = []
        _insert_taken(con, code, ids)
    return any_taken


def _insert_taken(con, code: str, ids: list[str]) -> None:
    if not ids:
        return
    con.register("_taken", pa.table({"org_code": pa.array([code] * len(ids), pa.string()),
                                     "line_id": pa.array(ids, pa.string())}))
    try:
        con.execute("INSERT INTO taken SELECT * FROM _taken")
    finally:
        con.unregister("_taken")


def plan_import(parsed: E.Parsed, *, scope_unit: Unit, allowed_units=None, sha256: str,
                supersedes: ImportBatch | None = None, stage: str = STAGE_PLAN) -> ImportPlan:
    """Check what the engine cannot: every org_code is a known unit inside ``scope_unit`` (and inside
    ``allowed_units``, the uploader's reach), line ids are not already active for the unit, and no other
    active batch already covers the same unit and period. The checks are queries over the parsed file's
    spool (:mod:`cleangov.finance.spool`); their problems are stored there under ``stage``."""
    plan = ImportPlan(parsed=parsed, scope_unit=scope_unit, errors=list(parsed.errors), sha256=sha256,
                      supersedes=supersedes, allowed_units=allowed_units, stage=stage,
                      error_total=max(parsed.error_total, len(parsed.errors)))
    plan.duplicate_of = _find_duplicate(sha256)
    spool = parsed.lines()
    if spool is None:
        plan.bad_rows = len({e.row for e in plan.errors if e.row is not None})
        return plan
    if parsed.valid_rows == 0:
        plan.bad_rows = spool.bad_row_total((STAGE_READ,))
        return plan
    con = spool.con
    spool.clear_problems(stage)
    fname = parsed.file_name
    # units: unknown, or outside the units this import is for
    con.register("_units", _unit_states(scope_unit, allowed_units))
    try:
        spool.add_problems_sql(
            "SELECT l._row, 'org_code', l.org_code, CASE WHEN u.code IS NULL THEN 'unknown unit code' "
            "ELSE 'unit outside the units you import for' END FROM lines l LEFT JOIN _units u "
            "ON u.code = l.org_code WHERE u.state IS DISTINCT FROM 'ok'", stage=stage)
        codes = [c for (c,) in con.execute("SELECT DISTINCT l.org_code FROM lines l JOIN _units u "
                                           "ON u.code = l.org_code WHERE u.state = 'ok'").fetchall()]
    finally:
        con.unregister("_units")
    columns = set(spool.column_names())
    for name, limit in TEXT_LIMITS.items():
        if name not in columns:
            continue
        q = f'"{name}"'
        spool.add_problems_sql(
            f"SELECT _row, '{name}', left({q}, 50) || '…', 'longer than {int(limit)} characters' FROM lines "  # noqa: S608
            f"WHERE length({q}) > {int(limit)}", stage=stage)
    plan.units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    bad = spool.bad_rows_sql((stage,))
    # line ids already active for the unit (a corrected file goes through "supersede")
    if _load_taken(con, plan.units, supersedes):
        spool.add_problems_sql(
            "SELECT l._row, 'line_id', l.line_id, 'line already imported for this unit in an active batch' "  # noqa: S608
            f"FROM lines l JOIN taken t ON t.org_code = l.org_code AND t.line_id = l.line_id "
            f"WHERE l._row NOT IN {bad}", stage=stage)
    con.execute("DROP TABLE IF EXISTS taken")
    # periods per unit, over the rows that will be imported
    con.register("_planned", pa.table({"code": pa.array(list(plan.units), pa.string())}))
    try:
        spans = con.execute(
            "SELECT org_code, MIN(voucher_date), MAX(voucher_date), COUNT(voucher_date) FROM lines "  # noqa: S608
            f"WHERE org_code IN (SELECT code FROM _planned) AND _row NOT IN {bad} GROUP BY org_code").fetchall()
    finally:
        con.unregister("_planned")
    plan.periods = {c: (lo, hi, n) for c, lo, hi, n in spans}
    for code, (start, end, _n) in plan.periods.items():
        clash = (BatchUnit.objects.filter(unit=plan.units[code], batch__status=ImportBatchStatusChoices.ACTIVE,
                                          period_start__lte=end, period_end__gte=start)
                 .select_related("batch"))
        if supersedes is not None:
            clash = clash.exclude(batch=supersedes)
        for bu in clash:
            plan.overlaps.append((code, bu.batch, bu.period_start, bu.period_end))
    plan.errors = spool.problems(fname, stages=plan.stages)
    plan.error_total = spool.problem_total(plan.stages)
    plan.bad_rows = spool.bad_row_total(plan.stages)
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

