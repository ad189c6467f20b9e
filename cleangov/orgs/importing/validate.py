"""Checks across rows and against the database, run before anything is written.

An import creates objects only (codes already in the database are errors, see
docs/import-orgs.md); posts and relations may refer to units and people that already exist.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cleangov.orgs.choices import ALLOWED_PARENT_LEVELS, UnitLevelChoices
from cleangov.orgs.models import Person, Post, Relation, Unit

from .plan import ImportReport, Location, OrgImportPlan, UnitRow

CHUNK = 500
MISSING = _("A value is required.")


def _chunks(values: Iterable, size: int = CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def existing_units(codes: Iterable[str]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for chunk in _chunks({c for c in codes if c}):
        for row in Unit.objects.filter(code__in=chunk).values("id", "code", "level", "path", "depth", "city"):
            out[row["code"]] = row
    return out


def existing_people(codes: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for chunk in _chunks({c for c in codes if c}):
        out.update(Person.objects.filter(code__in=chunk).values_list("code", "id"))
    return out


def _first(loc: Location | None) -> str:
    """Where the first occurrence was, for "appears twice" messages."""
    if loc is None:
        return "?"
    if loc.sheet:
        return str(_("sheet “%(sheet)s” row %(row)s") % {"sheet": loc.sheet, "row": loc.row})
    return str(_("%(source)s row %(row)s") % {"source": loc.source, "row": loc.row})


def _masked(last4: str) -> str:
    return "*" * 14 + last4


def _level_label(level: str) -> str:
    return str(UnitLevelChoices(level).label) if level in UnitLevelChoices.values else level


def validate_plan(plan: OrgImportPlan, report: ImportReport) -> None:
    """Add every cross-row and database problem of ``plan`` to ``report``. Fills a unit's empty city
    from its parent (units inherit the city they sit in)."""
    unit_rows = _check_units(plan, report)
    people_codes = _check_people(plan, report, unit_rows)
    _check_posts(plan, report, unit_rows, people_codes)
    _check_relations(plan, report, people_codes)


def _check_units(plan: OrgImportPlan, report: ImportReport) -> dict[str, UnitRow]:
    first: dict[str, UnitRow] = {}
    for row in plan.units:
        if row.code in first:
            report.error(row.loc, "code", _("Unit code “%(code)s” appears twice (first in %(first)s)."),
                         code=row.code, first=_first(first[row.code].loc))
        else:
            first[row.code] = row
    referenced = set(first) | {r.parent_code for r in plan.units} | {p.home_unit_code for p in plan.people} | {
        p.unit_code for p in plan.posts}
    db = existing_units(referenced)
    for code, row in first.items():
        if code in db:
            report.error(row.loc, "code", _("Unit code “%(code)s” already exists in the database."), code=code)

    for row in first.values():
        if row.active_from and row.active_to and row.active_to < row.active_from:
            report.error(row.loc, "active_to", _("The end date %(end)s is before the start date %(start)s."),
                         end=row.active_to.isoformat(), start=row.active_from.isoformat())
        if not row.level:
            continue  # already reported as an unknown level
        allowed = ALLOWED_PARENT_LEVELS[row.level]
        if not allowed:
            if row.parent_code:
                report.error(row.loc, "parent_code", _("A county has no parent unit."))
            continue
        if not row.parent_code:
            report.error(row.loc, "parent_code", _("A unit of level “%(level)s” needs a parent unit."),
                         level=_level_label(row.level))
            continue
        parent = first.get(row.parent_code) or db.get(row.parent_code)
        if parent is None:
            report.error(row.loc, "parent_code",
                         _("Unknown parent unit “%(code)s”: it is neither in the file nor in the database."),
                         code=row.parent_code)
            continue
        parent_level = parent.level if isinstance(parent, UnitRow) else parent["level"]
        if parent_level and parent_level not in allowed:
            report.error(row.loc, "parent_code",
                         _("A unit of level “%(level)s” cannot sit under “%(parent)s”, which is of level "
                           "“%(parent_level)s”."),
                         level=_level_label(row.level), parent=row.parent_code, parent_level=_level_label(parent_level))

    in_cycle = _check_cycles(first, report)
    # Cities: a unit without one sits in its parent's city; resolve parents first.
    for row in _parent_first(first, db, in_cycle):
        if not row.city:
            parent = first.get(row.parent_code)
            row.city = parent.city if parent is not None else db.get(row.parent_code, {}).get("city", "")
        parent_known = not row.parent_code or row.parent_code in first or row.parent_code in db
        if not row.city and parent_known:  # with an unknown parent, that is the problem to report
            report.error(row.loc, "city", MISSING)
    return first


def _check_cycles(first: dict[str, UnitRow], report: ImportReport) -> set[str]:
    state: dict[str, str] = {}
    in_cycle: set[str] = set()
    for start in first:
        path: list[str] = []
        current = start
        while current in first and current not in state:
            state[current] = "visiting"
            path.append(current)
            current = first[current].parent_code
        if current in first and state.get(current) == "visiting":
            cycle = path[path.index(current):]
            shown = " → ".join([*cycle, current])
            for code in cycle:
                report.error(first[code].loc, "parent_code", _("Parent references form a cycle: %(cycle)s."),
                             cycle=shown)
            in_cycle.update(cycle)
        for code in path:
            state[code] = "done"
    return in_cycle


def _parent_first(first: dict[str, UnitRow], db: dict, skip: set[str]) -> list[UnitRow]:
    """Units of the plan ordered so every parent in the plan comes before its children."""
    depth: dict[str, int] = {}

    def depth_of(code: str) -> int:
        chain = []
        current = code
        while current in first and current not in depth and current not in skip:
            chain.append(current)
            current = first[current].parent_code
        base = depth.get(current, -1) if current in first else (db[current]["depth"] if current in db else -1)
        for c in reversed(chain):
            base += 1
            depth[c] = base
        return depth.get(code, 0)

    ordered = [(depth_of(code), index, row) for index, (code, row) in enumerate(first.items()) if code not in skip]
    return [row for _d, _i, row in sorted(ordered, key=lambda item: (item[0], item[1]))]


def _check_people(plan: OrgImportPlan, report: ImportReport, units: dict[str, UnitRow]) -> set[str]:
    first = {}
    by_hash = {}
    for row in plan.people:
        if row.code in first:
            report.error(row.loc, "code", _("Person code “%(code)s” appears twice (first in %(first)s)."),
                         code=row.code, first=_first(first[row.code].loc))
        else:
            first[row.code] = row
        if row.id_hash:
            if row.id_hash in by_hash:
                report.error(row.loc, "identity_number",
                             _("Identity number %(masked)s appears twice (first in %(first)s)."),
                             masked=_masked(row.id_last4), first=_first(by_hash[row.id_hash].loc))
            else:
                by_hash[row.id_hash] = row
    referenced = set(first) | {p.person_code for p in plan.posts} | {r.person_code for r in plan.relations} | {
        r.relative_code for r in plan.relations}
    db = existing_people(referenced)
    for code, row in first.items():
        if code in db:
            report.error(row.loc, "code", _("Person code “%(code)s” already exists in the database."), code=code)
    for chunk in _chunks(by_hash):
        for id_hash, code in Person.objects.filter(id_hash__in=chunk).values_list("id_hash", "code"):
            row = by_hash[id_hash]
            if row.code != code:
                report.error(row.loc, "identity_number",
                             _("A person with identity number %(masked)s already exists (code “%(code)s”)."),
                             masked=_masked(row.id_last4), code=code)
    db_units = existing_units({r.home_unit_code for r in first.values()} - set(units))
    for row in first.values():
        if row.home_unit_code and row.home_unit_code not in units and row.home_unit_code not in db_units:
            report.error(row.loc, "home_unit_code",
                         _("Unknown unit “%(code)s”: it is neither in the file nor in the database."),
                         code=row.home_unit_code)
    return set(first) | set(db)


def _check_posts(plan: OrgImportPlan, report: ImportReport, units: dict[str, UnitRow], people: set[str]) -> None:
    db_units = existing_units({p.unit_code for p in plan.posts} - set(units))
    spans = defaultdict(list)
    for row in plan.posts:
        if row.person_code not in people:
            report.error(row.loc, "person_code",
                         _("Unknown person “%(code)s”: it is neither in the file nor in the database."),
                         code=row.person_code)
        if row.unit_code not in units and row.unit_code not in db_units:
            report.error(row.loc, "unit_code",
                         _("Unknown unit “%(code)s”: it is neither in the file nor in the database."),
                         code=row.unit_code)
        if row.start_date and row.end_date and row.end_date < row.start_date:
            report.error(row.loc, "end_date", _("The end date %(end)s is before the start date %(start)s."),
                         end=row.end_date.isoformat(), start=row.start_date.isoformat())
            continue
        if row.start_date:
            spans[(row.person_code, row.unit_code, row.post_type)].append(row)
    # Posts already in the database for the same person, unit and post (a person holds a post once at a time).
    existing = defaultdict(list)
    for chunk in _chunks({key[0] for key in spans}):
        for person, unit, post_type, start, end in Post.objects.filter(person__code__in=chunk).values_list(
                "person__code", "unit__code", "post_type", "start_date", "end_date"):
            existing[(person, unit, post_type)].append((start, end))
    for key, rows in spans.items():
        rows.sort(key=lambda r: r.start_date)
        for earlier, later in itertools.pairwise(rows):
            if earlier.end_date is None or later.start_date <= earlier.end_date:
                report.error(later.loc, "start_date",
                             _("This post overlaps the same post of the same person in %(first)s."),
                             first=_first(earlier.loc))
        for row in rows:
            for start, end in existing.get(key, ()):
                if start <= (row.end_date or row.start_date.max) and row.start_date <= (end or start.max):
                    report.error(row.loc, "start_date",
                                 _("This post overlaps the same post of the same person held since %(start)s in "
                                   "the database."), start=start.isoformat())
                    break


def _check_relations(plan: OrgImportPlan, report: ImportReport, people: set[str]) -> None:
    seen = {}
    for row in plan.relations:
        bad = False
        for field_name in ("person_code", "relative_code"):
            code = getattr(row, field_name)
            if code not in people:
                bad = True
                report.error(row.loc, field_name,
                             _("Unknown person “%(code)s”: it is neither in the file nor in the database."), code=code)
        if row.person_code == row.relative_code:
            report.error(row.loc, "relative_code", _("A person cannot be related to themselves."))
            continue
        pair = frozenset((row.person_code, row.relative_code))
        if pair in seen:
            report.error(row.loc, "relative_code",
                         _("The relation between “%(person)s” and “%(relative)s” appears twice (first in %(first)s)."),
                         person=row.person_code, relative=row.relative_code, first=_first(seen[pair].loc))
        elif not bad:
            seen[pair] = row
    registered = set()
    codes = sorted({c for pair in seen for c in pair})
    for chunk in _chunks(codes):
        rows = Relation.objects.filter(Q(person__code__in=chunk) | Q(relative__code__in=chunk)).values_list(
            "person__code", "relative__code")
        registered.update(frozenset(r) for r in rows)
    for pair, row in seen.items():
        if pair in registered:
            report.error(row.loc, "relative_code",
                         _("The relation between “%(person)s” and “%(relative)s” is already registered."),
                         person=row.person_code, relative=row.relative_code)
