"""State changes of the finance workspace. Views, CLI, API, tasks, demo and tests call these.

Imports are all-or-nothing: one transaction writes the batch, its lines and the audit event, so an
interrupted import leaves nothing behind and the same file can simply be imported again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleangov.core.audit import PendingEvent, record_event, record_events
from cleangov.deadlines.api import create_deadline, holiday_calendar_rows
from cleangov.orgs.models import Person, Post, Unit

from . import engine as E
from .choices import (
    AuditRunStatusChoices,
    FindingEventKindChoices,
    FindingPersonRoleChoices,
    FindingStatusChoices,
    ImportBatchStatusChoices,
)
from .models import (
    ApiToken,
    AuditRun,
    BatchUnit,
    FinanceProfile,
    Finding,
    FindingEvent,
    FindingLine,
    FindingPerson,
    ImportBatch,
    VoucherLine,
)
from .workflow import transition_for

INSERT_CHUNK = 5000
RECTIFICATION_RULE = "finance.rectification"
TEXT_LIMITS = {f.name: f.max_length for f in VoucherLine._meta.concrete_fields
               if f.name in E.LINE_FIELDS and getattr(f, "max_length", None)}


class ImportRefused(Exception):
    """The import was refused as a whole; ``message`` says why, ``errors`` lists rows."""

    def __init__(self, message, errors: list[E.RowError] | None = None, *, code: str = "invalid",
                 total: int | None = None):
        self.message = message
        self.errors = errors or []
        self.code = code  # invalid | duplicate_file | period_overlap | scope
        self.total = total if total is not None else len(self.errors)
        super().__init__(str(message))


class FindingActionError(Exception):
    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


# ---------------------------------------------------------------- finance profiles

def do_set_finance_profile(unit: Unit, *, acting_user, reception_budget: Decimal | None = None,
                           fleet_plates: Iterable[str] | None = None) -> FinanceProfile:
    with transaction.atomic():
        profile, _created = FinanceProfile.objects.select_for_update().get_or_create(unit=unit)
        before = {"reception_budget": profile.reception_budget, "fleet_plates": list(profile.fleet_plates)}
        profile.reception_budget = reception_budget
        if fleet_plates is not None:
            profile.fleet_plates = sorted({p.strip().upper() for p in fleet_plates if p and p.strip()})
        profile.save()
        record_event(acting_user=acting_user, event_code="finance.profile_set", subject=profile, before=before,
                     after={"reception_budget": profile.reception_budget, "fleet_plates": profile.fleet_plates},
                     unit=unit)
    return profile


def do_remember_column_mapping(unit: Unit, mapping: dict[str, str], *, acting_user) -> FinanceProfile:
    with transaction.atomic():
        profile, _created = FinanceProfile.objects.select_for_update().get_or_create(unit=unit)
        before = dict(profile.column_mapping)
        profile.column_mapping = dict(mapping)
        profile.save(update_fields=["column_mapping", "updated_at"])
        record_event(acting_user=acting_user, event_code="finance.column_mapping_set", subject=profile,
                     before={"column_mapping": before}, after={"column_mapping": profile.column_mapping}, unit=unit)
    return profile


# ---------------------------------------------------------------- import

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
    plan = ImportPlan(parsed=parsed, scope_unit=scope_unit, errors=list(parsed.errors))
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
        lengths = pc.utf8_length(_plain(table.column(name)))
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
    span_input = pa.table({"org_code": _plain(table.column("org_code")), "voucher_date": table.column("voucher_date")})
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
    return plan


def _plain(col):
    """Dictionary-encoded Arrow columns (DuckDB returns some) as plain ones, for the compute kernels."""
    import pyarrow as pa

    if pa.types.is_dictionary(col.type):
        return col.cast(col.type.value_type)
    return col


def _chunks(items: list, n: int):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def do_import_batch(plan: ImportPlan, *, acting_user, sha256: str, source: str, skip_invalid: bool = False,
                    supersedes: ImportBatch | None = None, task_id: str = "",
                    progress: Callable[[int], None] | None = None) -> ImportBatch:
    """Write one immutable batch with its lines, or refuse with :class:`ImportRefused`."""
    parsed = plan.parsed
    if plan.duplicate_of is not None:
        dup = plan.duplicate_of
        raise ImportRefused(
            _("This file has already been imported as batch #%(id)s (%(name)s) on %(when)s; nothing was imported "
              "again. To correct that batch, upload the corrected file as its replacement.")
            % {"id": dup.pk, "name": dup.file_name, "when": timezone.localtime(dup.uploaded_at).strftime("%Y-%m-%d")},
            code="duplicate_file")
    if parsed.missing_columns:
        raise ImportRefused(_("Required columns are missing: %(cols)s.") % {"cols": ", ".join(parsed.missing_columns)},
                            code="invalid")
    if plan.errors and not skip_invalid:
        raise ImportRefused(_("%(n)s invalid rows: nothing was imported.") % {"n": len(plan.errors)},
                            plan.errors, code="invalid")
    if plan.overlaps:
        code, other, start, end = plan.overlaps[0]
        raise ImportRefused(
            _("Unit %(unit)s: the period is already covered by batch #%(id)s (%(start)s – %(end)s). "
              "Upload the file as a replacement of that batch instead.")
            % {"unit": code, "id": other.pk, "start": start, "end": end}, code="period_overlap")
    if supersedes is not None and supersedes.status != ImportBatchStatusChoices.ACTIVE:
        raise ImportRefused(_("Batch #%(id)s has already been replaced.") % {"id": supersedes.pk}, code="invalid")
    bad_rows = {e.row for e in plan.errors}
    table = parsed.table
    keep = [r not in bad_rows and c in plan.units
            for r, c in zip(table.column("_row").to_pylist(), table.column("org_code").to_pylist(), strict=True)]
    import pyarrow as pa

    table = table.filter(pa.array(keep, pa.bool_()))
    if table.num_rows == 0:
        raise ImportRefused(_("The file has no valid voucher lines."), plan.errors, code="invalid")
    starts = [p[0] for p in plan.periods.values()]
    ends = [p[1] for p in plan.periods.values()]
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            sha256=sha256, file_name=parsed.file_name[:255], source=source, scope_unit=plan.scope_unit,
            uploaded_by=acting_user if getattr(acting_user, "pk", None) else None, uploaded_at=timezone.now(),
            period_start=min(starts), period_end=max(ends), rows_read=parsed.rows_read,
            rows_imported=table.num_rows, rows_skipped=parsed.rows_read - table.num_rows,
            skipped_report=[e.as_dict() for e in plan.errors[:1000]], supersedes=supersedes, task_id=task_id)
        BatchUnit.objects.bulk_create([
            BatchUnit(batch=batch, unit=plan.units[c], period_start=s, period_end=e, lines=n)
            for c, (s, e, n) in sorted(plan.periods.items())])
        insert_lines(batch, table, {c: u.pk for c, u in plan.units.items()}, progress=progress)
        events = [PendingEvent("finance.batch_imported", batch, None, {
            "file_name": batch.file_name, "sha256": sha256, "source": source, "rows_imported": batch.rows_imported,
            "rows_skipped": batch.rows_skipped, "period": [batch.period_start, batch.period_end],
            "units": sorted(plan.periods), "supersedes": supersedes.pk if supersedes else None,
        }, plan.scope_unit)]
        if supersedes is not None:
            locked = ImportBatch.objects.select_for_update().get(pk=supersedes.pk)
            if locked.status != ImportBatchStatusChoices.ACTIVE:
                raise ImportRefused(_("Batch #%(id)s has already been replaced.") % {"id": supersedes.pk})
            ImportBatch.objects.filter(pk=supersedes.pk).update(status=ImportBatchStatusChoices.SUPERSEDED)
            events.append(PendingEvent("finance.batch_superseded", supersedes,
                                       {"status": ImportBatchStatusChoices.ACTIVE},
                                       {"status": ImportBatchStatusChoices.SUPERSEDED, "by": batch.pk},
                                       supersedes.scope_unit))
        record_events(acting_user=acting_user, events=events)
    return batch


def insert_lines(batch: ImportBatch, table, unit_ids: dict[str, int],
                 progress: Callable[[int], None] | None = None) -> int:
    """Insert the typed Arrow lines without building a model instance per line (the ORM's
    ``bulk_create`` costs more than the insert itself): values are rendered as text by Arrow, then
    PostgreSQL takes them through ``COPY … FROM STDIN (FORMAT csv)`` and SQLite through one prepared
    ``INSERT`` run by ``executemany``. Inside the caller's transaction."""
    import pyarrow as pa
    import pyarrow.compute as pc

    fields = ["batch_id", "unit_id", "row_no", *E.LINE_FIELDS]
    present = set(table.column_names)
    text_cols = [c for c in E.LINE_FIELDS if pa.types.is_string(E.LINE_SCHEMA.field(c).type)]
    codes = _plain(table.column("org_code"))
    unit_col = pc.cast(pc.index_in(codes, value_set=pa.array(list(unit_ids), pa.string())), pa.int64())
    unit_col = pc.take(pa.array(list(unit_ids.values()), pa.int64()), unit_col)
    n = table.num_rows

    def column(name: str):
        if name == "batch_id":
            return pa.array([batch.pk] * n, pa.int64())
        if name == "unit_id":
            return unit_col
        if name == "row_no":
            return table.column("_row")
        if name not in present:
            return pa.nulls(n, pa.string()) if name not in text_cols else pa.array([""] * n, pa.string())
        col = _plain(table.column(name))
        if name in text_cols:
            return pc.fill_null(col, "")
        if pa.types.is_boolean(col.type):
            return pc.cast(col, pa.int8())
        return pc.cast(col, pa.string())  # dates as ISO, decimals as exact text

    table_name = connection.ops.quote_name(VoucherLine._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(f) for f in fields)
    full = [column(f) for f in fields]  # converted once, sliced per chunk
    with connection.cursor() as cursor:
        for start in range(0, n, INSERT_CHUNK):
            size = min(INSERT_CHUNK, n - start)
            arrays = [a.slice(start, size) for a in full]
            if connection.vendor == "postgresql":
                _copy_rows(cursor, table_name, cols, fields, arrays, text_cols)
            else:
                marks = ", ".join(["%s"] * len(fields))
                sql = f"INSERT INTO {table_name} ({cols}) VALUES ({marks})"  # noqa: S608 - model names, bound values
                cursor.executemany(sql, list(zip(*[a.to_pylist() for a in arrays], strict=True)))
            if progress:
                progress(size)
    return n


def _copy_rows(cursor, table_name: str, cols: str, fields: list[str], arrays, text_cols: list[str]) -> None:
    import io

    import pyarrow as pa
    import pyarrow.csv as pacsv

    block = pa.table({f: a if not pa.types.is_integer(a.type) else a.cast(pa.string()) for f, a in
                      zip(fields, arrays, strict=True)})
    buf = io.BytesIO()
    pacsv.write_csv(block, buf, write_options=pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    # Unquoted empty fields are NULL in CSV COPY; text columns are NOT NULL and blank means "".
    force = ", ".join(connection.ops.quote_name(c) for c in text_cols)
    sql = f"COPY {table_name} ({cols}) FROM STDIN (FORMAT csv, FORCE_NOT_NULL ({force}))"
    with cursor.cursor.copy(sql) as copy:
        copy.write(buf.getvalue())


# ---------------------------------------------------------------- audit runs

def do_create_audit_run(*, acting_user, scope_unit: Unit, trigger: str, unit_ids: Iterable[int] = (),
                        batch: ImportBatch | None = None, task_id: str = "") -> AuditRun:
    with transaction.atomic():
        run = AuditRun.objects.create(scope_unit=scope_unit, unit_ids=sorted(set(unit_ids)), trigger=trigger,
                                      batch=batch, task_id=task_id, created_at=timezone.now(),
                                      started_by=acting_user if getattr(acting_user, "pk", None) else None)
        record_event(acting_user=acting_user, event_code="finance.audit_run_started", subject=run,
                     after={"scope": scope_unit.code, "trigger": trigger, "units": run.unit_ids,
                            "batch": batch.pk if batch else None}, unit=scope_unit)
    return run


def run_units_qs(run: AuditRun):
    if run.unit_ids:
        return Unit.objects.filter(pk__in=run.unit_ids)
    return Unit.objects.filter(path__startswith=run.scope_unit.path)


@dataclass
class LineInfo:
    pk: int
    unit_id: int
    year: int
    people: list[tuple[int, str]]


class LineLookup:
    """Line key → :class:`LineInfo`, built lazily: only the lines named by findings pay for matching
    people, so a million-line run does not build a million Python objects."""

    def __init__(self, keys: list[str], ids: list[int], unit_ids: list[int], years: list[int],
                 people_cols: dict[str, list], people: _People):
        self.pos = {k: i for i, k in enumerate(keys)}
        self.ids, self.unit_ids, self.years, self.cols, self.people = ids, unit_ids, years, people_cols, people

    def __contains__(self, key: str) -> bool:
        return key in self.pos

    def __getitem__(self, key: str) -> LineInfo:
        i = self.pos[key]
        found: list[tuple[int, str]] = []
        code = self.cols["person_code"][i]
        if code and code in self.people.codes:
            found.append((self.people.codes[code], FindingPersonRoleChoices.CLAIMANT))
        names = self.people.names.get(self.unit_ids[i], {})
        for role in ("handler", "witness", "approver"):
            for pid in names.get((self.cols[role][i] or "").strip(), ()):
                found.append((pid, role))
        return LineInfo(self.ids[i], self.unit_ids[i], self.years[i], found)


def _select_sql(unit_ids: list[int]) -> tuple[str, list]:
    """The active lines of some units, every value as text or integer so Arrow does the typing
    (the same SQL on SQLite and PostgreSQL)."""
    import pyarrow as pa

    q = connection.ops.quote_name
    cols = ["l.id", "l.unit_id"]
    for c in E.LINE_FIELDS:
        typ = E.LINE_SCHEMA.field(c).type
        if pa.types.is_boolean(typ):
            cols.append(f"CAST(l.{q(c)} AS INTEGER)")
        elif pa.types.is_string(typ) or pa.types.is_integer(typ):
            cols.append(f"l.{q(c)}")
        else:
            cols.append(f"CAST(l.{q(c)} AS TEXT)")
    marks = ", ".join(["%s"] * len(unit_ids))
    sql = (f"SELECT {', '.join(cols)} FROM {q(VoucherLine._meta.db_table)} l "  # noqa: S608 - model names
           f"JOIN {q(ImportBatch._meta.db_table)} b ON b.id = l.batch_id "
           f"WHERE b.status = %s AND l.unit_id IN ({marks})")
    return sql, [ImportBatchStatusChoices.ACTIVE, *unit_ids]


def _copy_out(unit_ids: list[int], names: list[str]) -> dict[str, list]:
    """PostgreSQL: the same SELECT through ``COPY … TO STDOUT (FORMAT csv)`` parsed by Arrow's C++ CSV
    reader, several times faster than fetching a million rows as Python tuples. COPY takes no bind
    parameters: the values inlined here are integers and a constant."""
    import io

    import pyarrow as pa
    import pyarrow.csv as pacsv

    buf = io.BytesIO()
    with connection.cursor() as cursor:
        for chunk in _chunks(unit_ids, 500):
            sql, params = _select_sql(chunk)
            inline = sql.replace("%s", "{}").format("'" + ImportBatchStatusChoices.ACTIVE.value + "'",
                                                    *[int(p) for p in params[1:]])
            with cursor.cursor.copy(f"COPY ({inline}) TO STDOUT (FORMAT csv)") as copy:
                for block in copy:
                    buf.write(block)
    if not buf.tell():
        return {n: [] for n in names}
    buf.seek(0)
    text_like = {n: pa.string() for n in names}
    text_like["id"] = text_like["unit_id"] = pa.int64()
    table = pacsv.read_csv(buf, read_options=pacsv.ReadOptions(column_names=names, block_size=64 << 20),
                           parse_options=pacsv.ParseOptions(newlines_in_values=True),
                           convert_options=pacsv.ConvertOptions(column_types=text_like, strings_can_be_null=True,
                                                                quoted_strings_can_be_null=False))
    out = {}
    for n in names:
        col = table.column(n)
        typ = E.LINE_SCHEMA.field(n).type if n in E.LINE_FIELDS else pa.int64()
        if pa.types.is_integer(typ) or pa.types.is_boolean(typ):
            col = col.cast(pa.int64())
        out[n] = col.combine_chunks()
    return out


def load_run_input(run: AuditRun, progress: Callable[[str], None] | None = None):
    """The active lines of the run's units as the engine's table, plus what is needed to store findings.

    Read with one raw query per 500 units into Arrow columns (text → date / decimal casts in Arrow):
    the ORM's per-row conversion of a million rows costs more than the whole rule suite."""
    import pyarrow as pa
    import pyarrow.compute as pc

    units = list(run_units_qs(run).select_related("finance_profile"))
    unit_ids = [u.pk for u in units]
    by_id = {u.pk: u for u in units}
    names = ["id", "unit_id", *E.LINE_FIELDS]
    if connection.vendor == "postgresql":
        data = _copy_out(unit_ids, names)
    else:
        data = {n: [] for n in names}
        with connection.cursor() as cursor:
            for chunk in _chunks(unit_ids, 500):
                sql, params = _select_sql(chunk)
                cursor.execute(sql, params)
                while True:
                    block = cursor.fetchmany(50000)
                    if not block:
                        break
                    for n, values in zip(names, zip(*block, strict=True), strict=True):
                        data[n].extend(values)
    if progress:
        progress("lines loaded")
    arrays = {}
    for c in E.LINE_FIELDS:
        typ = E.LINE_SCHEMA.field(c).type
        values = data[c]
        if not isinstance(values, pa.Array):  # SQLite: Python values → Arrow (text or integers)
            raw_type = pa.int64() if pa.types.is_integer(typ) or pa.types.is_boolean(typ) else pa.string()
            values = pa.array([v if v is None or raw_type == pa.int64() else str(v) for v in values], raw_type)
        if pa.types.is_string(typ):
            arr = pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)
        elif pa.types.is_boolean(typ):
            arr = values.cast(pa.bool_())
        elif pa.types.is_integer(typ):
            arr = values
        elif pa.types.is_decimal(typ):
            # SQLite hands back "320" or "320.5" for a decimal column; Arrow parses both exactly
            arr = values.cast(pa.decimal128(38, 10)).cast(typ)
        else:
            arr = pc.utf8_slice_codeunits(values, 0, 10).cast(typ)
        arrays[c] = arr
    keys = pc.binary_join_element_wise(arrays["org_code"], arrays["line_id"], E.KEY_SEPARATOR)
    arrays["line_id"] = keys
    lines = pa.table(arrays, schema=E.LINE_SCHEMA)
    years = pc.year(arrays["voucher_date"]).to_pylist()
    def plain(values):
        return values.to_pylist() if isinstance(values, pa.Array) else values

    lookup = LineLookup(keys.to_pylist(), plain(data["id"]), plain(data["unit_id"]), years,
                        {c: plain(data[c]) for c in ("person_code", "handler", "witness", "approver")},
                        _people_index(unit_ids))
    unit_rows = []
    fleet = []
    for u in units:
        profile = getattr(u, "finance_profile", None)
        unit_rows.append({"org_code": u.code, "name": u.name, "level": u.level, "province": None, "city": u.city,
                          "reception_budget": profile.reception_budget if profile else None})
        for plate in (profile.fleet_plates if profile else []):
            fleet.append((u.code, plate))
    return lines, E.units_table(unit_rows), E.fleet_table(fleet), lookup, by_id


@dataclass
class _People:
    codes: dict[str, int]
    names: dict[int, dict[str, list[int]]]  # unit id → name → person ids


def _people_index(unit_ids: list[int]) -> _People:
    """People "within the unit": registered there (home unit) or holding or having held a post there.
    Names match within the unit only, so a common name elsewhere in the county is not a subject."""
    names: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    codes: dict[str, int] = {}
    for chunk in _chunks(unit_ids, 500):
        for pid, code, name, home in Person.objects.filter(home_unit_id__in=chunk).values_list(
                "pk", "code", "name", "home_unit_id"):
            names[home][name].add(pid)
            codes[code] = pid
        for pid, code, name, unit_id in Post.objects.filter(unit_id__in=chunk).values_list(
                "person_id", "person__code", "person__name", "unit_id"):
            names[unit_id][name].add(pid)
            codes[code] = pid
    return _People(codes=codes, names={u: {n: sorted(p) for n, p in d.items()} for u, d in names.items()})


def do_record_findings(run: AuditRun, result, index, units: dict[int, Unit], *,
                       acting_user, std_version: str, standards_chain: str, as_of: dt.date) -> AuditRun:
    """Store the engine's findings for a run. A finding whose fingerprint exists is the same finding:
    it is updated (last run, lines, numbers), never duplicated. Findings of the audited units that this
    run no longer finds stop being current. One audit event for the run; one history entry per new
    finding."""
    code_to_unit = {u.code: u for u in units.values()}
    merged: dict[str, dict] = {}
    for f in result.findings:
        infos = [index[k] for k in f.line_ids if k in index]
        unit = code_to_unit.get(f.org_code) if f.org_code else run.scope_unit
        if unit is None:
            continue
        year = E.finding_year(f.rule, f.zh, [i.year for i in infos])
        fp = E.fingerprint(f.rule, f.org_code, list(f.line_ids), year)
        item = merged.get(fp)
        if item is None:
            merged[fp] = {"f": f, "unit": unit, "year": year, "lines": {i.pk for i in infos},
                          "people": {p for i in infos for p in i.people}, "stake": f.amount_at_stake}
        else:  # two engine findings with one identity (unit-year rules): one finding, all lines
            item["lines"] |= {i.pk for i in infos}
            item["people"] |= {p for i in infos for p in i.people}
            if f.amount_at_stake is not None:
                item["stake"] = (item["stake"] or Decimal(0)) + f.amount_at_stake
    now = timezone.now()
    with transaction.atomic():
        existing: dict[str, Finding] = {}
        fps = list(merged)
        for chunk in _chunks(fps, 900):
            existing.update({f.fingerprint: f for f in Finding.objects.filter(fingerprint__in=chunk)})
        new_objs, updated = [], []
        for fp, item in merged.items():
            f = item["f"]
            values = {"rule": f.rule, "severity": f.severity, "unit": item["unit"], "year": item["year"],
                      "amount_at_stake": item["stake"], "message_zh": f.zh, "message_en": f.en, "source": f.source,
                      "standards_version": std_version, "last_run": run, "current": True}
            if fp in existing:
                obj = existing[fp]
                for k, v in values.items():
                    setattr(obj, k, v)
                obj.updated_at = now
                updated.append(obj)
            else:
                new_objs.append(Finding(fingerprint=fp, first_run=run, created_at=now, updated_at=now, **values))
        Finding.objects.bulk_create(new_objs, batch_size=1000)
        if updated:
            Finding.objects.bulk_update(updated, ["severity", "unit", "year", "amount_at_stake", "message_zh",
                                                  "message_en", "source", "standards_version", "last_run",
                                                  "current", "updated_at"], batch_size=1000)
        ids: dict[str, int] = {}
        for chunk in _chunks(fps, 900):
            ids.update(dict(Finding.objects.filter(fingerprint__in=chunk).values_list("fingerprint", "pk")))
        upd_ids = [f.pk for f in updated]
        for chunk in _chunks(upd_ids, 900):
            FindingLine.objects.filter(finding_id__in=chunk).delete()
        FindingLine.objects.bulk_create([FindingLine(finding_id=ids[fp], line_id=lp)
                                         for fp, item in merged.items() for lp in item["lines"]], batch_size=5000)
        FindingPerson.objects.bulk_create([FindingPerson(finding_id=ids[fp], person_id=pid, role=role)
                                           for fp, item in merged.items() for pid, role in item["people"]],
                                          batch_size=5000, ignore_conflicts=True)
        FindingEvent.objects.bulk_create([
            FindingEvent(finding_id=ids[o.fingerprint], kind=FindingEventKindChoices.FOUND, run=run, created_at=now)
            for o in new_objs], batch_size=5000)
        # Findings of the audited units that this run did not find again are no longer current.
        unit_ids = [u.pk for u in units.values()]
        gone = 0
        for chunk in _chunks(unit_ids, 500):
            gone += Finding.objects.filter(unit_id__in=chunk, current=True).exclude(last_run=run).update(
                current=False, updated_at=now)
        run.status = AuditRunStatusChoices.SUCCEEDED
        run.finished_at = timezone.now()
        run.lines = result.lines
        run.findings_total = len(merged)
        run.findings_new = len(new_objs)
        run.coverage = result.coverage
        run.standards_chain = standards_chain[:200]
        run.standards_version = std_version
        run.as_of = as_of
        run.seconds = {k: round(v, 3) for k, v in result.timings.items()}
        run.save()
        record_event(acting_user=acting_user, event_code="finance.audit_run_finished", subject=run,
                     after={"lines": run.lines, "findings": run.findings_total, "new": run.findings_new,
                            "no_longer_found": gone, "standards": std_version}, unit=run.scope_unit)
    return run


def do_fail_audit_run(run: AuditRun, *, acting_user, message: str) -> AuditRun:
    with transaction.atomic():
        AuditRun.objects.filter(pk=run.pk).update(status=AuditRunStatusChoices.FAILED, finished_at=timezone.now(),
                                                  message=message[:2000])
        run.refresh_from_db()
        record_event(acting_user=acting_user, event_code="finance.audit_run_failed", subject=run,
                     after={"message": message[:500]}, unit=run.scope_unit)
    return run


def execute_audit_run(run: AuditRun, *, acting_user=None, progress: Callable[[str], None] | None = None,
                      pack: str | None = None) -> AuditRun:
    """Load → engine → store. Used by the worker task, the CLI, the demo and tests."""
    import time

    from django.conf import settings

    AuditRun.objects.filter(pk=run.pk).update(status=AuditRunStatusChoices.RUNNING)
    started = time.perf_counter()
    lines, units_t, fleet_t, index, units = load_run_input(run, progress)
    loaded = time.perf_counter()
    as_of = timezone.localdate()
    # The holiday calendar the deadline clocks use, with the years an administrator loaded.
    std = E.load_standards(pack or getattr(settings, "CLEANGOV_STANDARDS_PACK", "central"), as_of,
                           calendar=holiday_calendar_rows())
    result = E.audit(lines, std, units=units_t, fleet=fleet_t, progress=progress)
    result.timings["load_from_database"] = loaded - started
    result.timings["engine_total"] = time.perf_counter() - loaded
    return do_record_findings(run, result, index, units, acting_user=acting_user,
                              std_version=E.standards_version(std), standards_chain=" → ".join(std.chain),
                              as_of=as_of)


# ---------------------------------------------------------------- review

def _subject_people(finding: Finding) -> list[int]:
    return sorted(set(finding.subject_links.values_list("person_id", flat=True)))


def _check_transition(finding: Finding, verb: str, user) -> str:
    from cleangov.core.access import scope_q

    t = transition_for(finding.status, verb)
    if t is None:
        raise FindingActionError(_("This finding cannot be %(verb)s in its current state.") % {"verb": verb})
    if user is not None and not Finding.objects.filter(pk=finding.pk).filter(
            scope_q(user, roles=t.roles, path_field="unit__path")).exists():
        raise FindingActionError(_("You may not do this to this finding."))
    return t.target


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise FindingActionError(_("A reason is required."))
    return reason


def _decide(finding: Finding, verb: str, kind: str, *, acting_user, reason: str, extra: dict | None = None,
            responsible_person: Person | None = None, due_date: dt.date | None = None) -> Finding:
    reason = _reason(reason)
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        target = _check_transition(locked, verb, acting_user)
        before = {"status": locked.status}
        locked.status = target
        if verb != "escalate":
            locked.decided_by = acting_user if getattr(acting_user, "pk", None) else None
            locked.decided_at = timezone.now()
        if responsible_person is not None:
            locked.responsible_person = responsible_person
            locked.due_date = due_date
        locked.save()
        FindingEvent.objects.create(finding=locked, kind=kind, text=reason, created_at=timezone.now(),
                                    actor=acting_user if getattr(acting_user, "pk", None) else None)
        people = _subject_people(locked)
        record_event(acting_user=acting_user, event_code=f"finance.finding_{kind}", subject=locked, before=before,
                     after={"status": target, "reason": reason, **(extra or {})}, unit=locked.unit,
                     subject_people=people)
        if verb == "confirm":
            # The rectification clock: cleangov.deadlines escalates it one level up when overdue.
            create_deadline(locked, RECTIFICATION_RULE, due_date=due_date, unit=locked.unit, acting_user=acting_user,
                            assignee=getattr(responsible_person, "user", None) if responsible_person else None,
                            title=str(_("Rectify finding #%(id)s") % {"id": locked.pk}),
                            link=f"/finance/findings/{locked.pk}/", subject_people=people)
    return locked


def do_confirm_finding(finding: Finding, *, acting_user, reason: str, responsible_person: Person,
                       due_date: dt.date) -> Finding:
    if responsible_person is None or due_date is None:
        raise FindingActionError(_("Confirming names a responsible person and a deadline."))
    if due_date <= timezone.localdate():
        raise FindingActionError(_("The deadline must be in the future."))
    return _decide(finding, "confirm", FindingEventKindChoices.CONFIRMED, acting_user=acting_user, reason=reason,
                   responsible_person=responsible_person, due_date=due_date,
                   extra={"responsible_person": responsible_person.pk, "due_date": due_date})


def do_dismiss_finding(finding: Finding, *, acting_user, reason: str) -> Finding:
    return _decide(finding, "dismiss", FindingEventKindChoices.DISMISSED, acting_user=acting_user, reason=reason)


def do_escalate_finding(finding: Finding, *, acting_user, reason: str) -> Finding:
    return _decide(finding, "escalate", FindingEventKindChoices.ESCALATED, acting_user=acting_user, reason=reason)


def do_comment_finding(finding: Finding, *, acting_user, text: str) -> FindingEvent:
    text = _reason(text)
    with transaction.atomic():
        event = FindingEvent.objects.create(finding=finding, kind=FindingEventKindChoices.COMMENTED, text=text,
                                            actor=acting_user, created_at=timezone.now())
        record_event(acting_user=acting_user, event_code="finance.finding_commented", subject=finding,
                     after={"comment": text}, unit=finding.unit, subject_people=_subject_people(finding))
    return event


def false_positive_rates():
    """Per rule: findings decided, dismissed as false positives, and the rate (dismissed / decided)."""
    from django.db.models import Count

    rows = (Finding.objects.filter(status__in=[FindingStatusChoices.CONFIRMED, FindingStatusChoices.DISMISSED])
            .values("rule").annotate(decided=Count("pk"),
                                     dismissed=Count("pk", filter=Q(status=FindingStatusChoices.DISMISSED))))
    totals = dict(Finding.objects.values("rule").annotate(n=Count("pk")).values_list("rule", "n"))
    out = {r: {"rule": r, "total": n, "decided": 0, "dismissed": 0, "rate": None} for r, n in totals.items()}
    for r in rows:
        item = out[r["rule"]]
        item["decided"], item["dismissed"] = r["decided"], r["dismissed"]
        item["rate"] = r["dismissed"] / r["decided"] if r["decided"] else None
    return sorted(out.values(), key=lambda x: (-(x["rate"] or 0), x["rule"]))


# ---------------------------------------------------------------- API tokens

def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def do_create_api_token(*, acting_user, user, name: str) -> tuple[ApiToken, str]:
    raw = "cgf_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name.strip()[:100] or "API", token_hash=hash_token(raw),
                                        prefix=raw[:8], created_at=timezone.now())
        record_event(acting_user=acting_user, event_code="finance.api_token_created", subject=token,
                     after={"name": token.name, "user": user.pk, "prefix": token.prefix})
    return token, raw


def do_revoke_api_token(token: ApiToken, *, acting_user) -> ApiToken:
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        token.refresh_from_db()
        record_event(acting_user=acting_user, event_code="finance.api_token_revoked", subject=token,
                     after={"revoked_at": token.revoked_at})
    return token
