"""The input of an audit run: the active lines of its units as the engine's Arrow table, the unit
and fleet side tables, and the lazy line → (id, unit, year, people) lookup used to store findings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection

from cleangov.orgs.models import Person, Post, Unit

from . import engine as E
from .choices import FindingPersonRoleChoices
from .lines_sql import chunks, copy_out, select_sql
from .models import AuditRun


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
                 people_cols: dict[str, list], people: People):
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
        data = copy_out(unit_ids, names)
    else:
        data = {n: [] for n in names}
        with connection.cursor() as cursor:
            for chunk in chunks(unit_ids, 500):
                sql, params = select_sql(chunk)
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
                        people_index(unit_ids))
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
class People:
    codes: dict[str, int]
    names: dict[int, dict[str, list[int]]]  # unit id → name → person ids


def people_index(unit_ids: list[int]) -> People:
    """People "within the unit": registered there (home unit) or holding or having held a post there.
    Names match within the unit only, so a common name elsewhere in the county is not a subject."""
    names: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    codes: dict[str, int] = {}
    for chunk in chunks(unit_ids, 500):
        for pid, code, name, home in Person.objects.filter(home_unit_id__in=chunk).values_list(
                "pk", "code", "name", "home_unit_id"):
            names[home][name].add(pid)
            codes[code] = pid
        for pid, code, name, unit_id in Post.objects.filter(unit_id__in=chunk).values_list(
                "person_id", "person__code", "person__name", "unit_id"):
            names[unit_id][name].add(pid)
            codes[code] = pid
    return People(codes=codes, names={u: {n: sorted(p) for n, p in d.items()} for u, d in names.items()})

