"""Raw tables → typed rows of the plan, with a problem for every cell that cannot be read.

The header is found, not assumed: it may sit below a title row, and a two-row header whose upper
cells are merged ("任职期间" over "开始" and "结束") is read as one header per column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from cleangov.orgs.actions import hash_identity_number
from cleangov.orgs.choices import PersonPartyChoices

from .columns import COLUMNS, KINDS, PEOPLE, POSTS, RELATIONS, UNITS, Column, header_index, lookup, normalise_header
from .plan import ImportReport, Location, OrgImportPlan, PersonRow, PostRow, RelationRow, UnitRow
from .readers import RawTable
from .values import (
    cell_text,
    identity_gender,
    identity_problem,
    mask_identity_number,
    normalise_identity_number,
    parse_date,
)

HEADER_SEARCH_ROWS = 10

MISSING = _("A value is required.")
BAD_DATE = _("“%(value)s” is not a date: write it as YYYY-MM-DD, YYYY/M/D or YYYY年M月D日.")
UNKNOWN_VALUE = {
    "level": _("Unknown level “%(value)s”: use 县/乡镇/县直部门/村/村民小组 or "
               "county/township/department/village/group."),
    "gender": _("Unknown gender “%(value)s”: use 男/女 or male/female."),
    "party": _("Unknown party membership “%(value)s”: use 中共党员, 预备党员 or 群众."),
    "post_type": _("Unknown post “%(value)s”."),
    "relation": _("Unknown relation “%(value)s”: use 配偶/父母/子女/兄弟姐妹/姻亲/生意伙伴 or the English codes."),
}
IDENTITY_PROBLEMS = {
    "length": _("Identity number %(masked)s must have 18 characters."),
    "characters": _("Identity number %(masked)s may hold only digits and a final X."),
    "birth_date": _("Identity number %(masked)s does not hold a valid birth date."),
    "checksum": _("Identity number %(masked)s has a wrong check character (GB 11643-1999)."),
}


@dataclass
class Header:
    row: int  # number of the (last) header row
    data_start: int  # index in table.rows of the first data row
    double: bool = False  # read from two header rows
    columns: dict[int, tuple[Column, str]] = field(default_factory=dict)  # cell index → (column, header text)
    unknown: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)

    @property
    def fields(self) -> set[str]:
        return {column.field for column, _text in self.columns.values()}

    def score(self) -> int:
        return len(self.fields)


def _header_grid(table: RawTable) -> list[list[str]]:
    """The first rows as text, each merged range's value spread over all of its cells."""
    grid = [[cell_text(v) for v in values] for _n, values in table.rows[:HEADER_SEARCH_ROWS + 1]]
    for min_col, min_row, max_col, max_row in table.merges:
        if min_row > len(grid):
            continue
        top_row = grid[min_row - 1]
        value = top_row[min_col - 1] if min_col - 1 < len(top_row) else ""
        for r in range(min_row - 1, min(max_row, len(grid))):
            row = grid[r]
            if len(row) < max_col:
                row.extend([""] * (max_col - len(row)))
            for c in range(min_col - 1, max_col):
                row[c] = value
    return grid


def _header_candidate(kind: str, texts: list[tuple[int, list[str]]], row: int, data_start: int,
                      double: bool = False) -> Header:
    index = header_index(kind)
    header = Header(row=row, data_start=data_start, double=double)
    for position, options in texts:
        if not options:
            continue
        column = next((index[normalise_header(o)] for o in options if normalise_header(o) in index), None)
        display = options[-1]
        if column is None:
            header.unknown.append(display)
        elif column.field in header.fields:
            header.duplicates.append(display)
        else:
            header.columns[position] = (column, display)
    return header


def detect_header(table: RawTable, kind: str) -> Header | None:
    grid = _header_grid(table)
    best: Header | None = None
    for r in range(min(HEADER_SEARCH_ROWS, len(grid))):
        top = grid[r]
        single = [(c, [t]) for c, t in enumerate(top) if t]
        candidates = [_header_candidate(kind, single, table.rows[r][0], r + 1)]
        if r + 1 < len(grid):
            below = grid[r + 1]
            width = max(len(top), len(below))
            double = []
            for c in range(width):
                upper = top[c] if c < len(top) else ""
                lower = below[c] if c < len(below) else ""
                if not upper and not lower:
                    continue
                if upper == lower or not lower:
                    double.append((c, [upper]))
                elif not upper:
                    double.append((c, [lower]))
                else:
                    # "开始" under a merged "任职": try the lower cell, then both together.
                    double.append((c, [lower, upper + lower, f"{upper}/{lower}"]))
            candidates.append(_header_candidate(kind, double, table.rows[r + 1][0], r + 2, double=True))
        for candidate in candidates:
            # On a tie a one-row header wins: a title row merged over the table is not a header row.
            single_wins = candidate is candidates[0] and best is not None and best.double
            if best is None or candidate.score() > best.score() or (
                    candidate.score() == best.score() and single_wins):
                best = candidate
    if best is None or best.score() == 0:
        return None
    return best


def guess_kind(table: RawTable) -> str | None:
    """The kind whose required columns all appear in the header, preferring the best match."""
    scored = []
    for kind in KINDS:
        header = detect_header(table, kind)
        if header is None:
            continue
        required = {c.field for c in COLUMNS[kind] if c.required}
        if required <= header.fields:
            scored.append((header.score() - len(header.unknown) * 0.1, kind))
    if not scored:
        return None
    return max(scored)[1]


def parse_table(table: RawTable, kind: str, plan: OrgImportPlan, report: ImportReport) -> int:
    """Add the table's rows to the plan; return how many data rows were read."""
    header = detect_header(table, kind)
    where = Location(table.source, table.sheet, 1)
    if header is None:
        report.error(where, None, _("No header row with known columns found for %(kind)s."), kind=_kind_label(kind))
        return 0
    header_loc = Location(table.source, table.sheet, header.row)
    for text in header.unknown:
        report.warning(header_loc, text, _("Unknown column “%(column)s” is ignored."), column=text)
    for text in header.duplicates:
        report.warning(header_loc, text, _("Column “%(column)s” repeats another column and is ignored."), column=text)
    missing = [c for c in COLUMNS[kind] if c.required and c.field not in header.fields]
    for column in missing:
        report.error(header_loc, column.aliases[0], _("Required column “%(column)s” is missing."),
                     column=column.aliases[0])
    if missing:
        return 0
    columns_by_field = {column.field: text for column, text in header.columns.values()}
    count = 0
    for number, values in table.rows[header.data_start:]:
        raw = {column.field: (values[i] if i < len(values) else None) for i, (column, _t) in header.columns.items()}
        if all(cell_text(v) == "" for v in raw.values()):
            continue
        count += 1
        loc = Location(table.source, table.sheet, number, columns_by_field)
        _ROW_PARSERS[kind](raw, loc, table, plan, report)
    return count


def _kind_label(kind: str):
    return {UNITS: _("units"), PEOPLE: _("people"), POSTS: _("posts"), RELATIONS: _("relations")}[kind]


class _Cells:
    """Typed access to one row's cells that records a problem for each unreadable cell."""

    def __init__(self, raw: dict, loc: Location, table: RawTable, report: ImportReport, kind: str):
        self.raw, self.loc, self.table, self.report = raw, loc, table, report
        self.columns = {c.field: c for c in COLUMNS[kind]}
        self.failed = False

    def _error(self, field_name: str, message, **params) -> None:
        self.failed = True
        self.report.error(self.loc, field_name, message, **params)

    def text(self, field_name: str) -> str:
        value = cell_text(self.raw.get(field_name))
        if not value and self.columns[field_name].required:
            self._error(field_name, MISSING)
        return value

    def date(self, field_name: str):
        value = self.raw.get(field_name)
        if cell_text(value) == "":
            if self.columns[field_name].required:
                self._error(field_name, MISSING)
            return None
        try:
            return parse_date(value, epoch=self.table.epoch)
        except (ValueError, OverflowError):
            self._error(field_name, BAD_DATE, value=cell_text(value))
            return None

    def choice(self, field_name: str, vocabulary: str, default: str = "") -> str:
        value = self.text(field_name)
        if not value:
            return default
        code = lookup(vocabulary, value)
        if code is None:
            self._error(field_name, UNKNOWN_VALUE[vocabulary], value=value)
            return ""
        return code


def _parse_unit(raw, loc, table, plan, report) -> None:
    cells = _Cells(raw, loc, table, report, UNITS)
    code, name = cells.text("code"), cells.text("name")
    level = cells.choice("level", "level")
    row = UnitRow(code=code, name=name, level=level, parent_code=cells.text("parent_code"),
                  name_en=cells.text("name_en"), city=cells.text("city"),
                  active_from=cells.date("active_from"), active_to=cells.date("active_to"), loc=loc)
    if code:  # kept even with other errors so rows referring to it do not report it unknown
        plan.units.append(row)


def _parse_person(raw, loc, table, plan, report) -> None:
    cells = _Cells(raw, loc, table, report, PEOPLE)
    code, name = cells.text("code"), cells.text("name")
    gender = cells.choice("gender", "gender")
    party = cells.choice("party", "party", default=PersonPartyChoices.NONE) or PersonPartyChoices.NONE
    row = PersonRow(code=code, name=name, gender=gender, party=party, local_grade=cells.text("local_grade"),
                    phone=cells.text("phone"), home_unit_code=cells.text("home_unit_code"), loc=loc)
    raw_id = raw.get("identity_number")
    if cell_text(raw_id):
        _apply_identity(row, raw_id, cells)
    if code:
        plan.people.append(row)


def _apply_identity(row: PersonRow, raw_id, cells: _Cells) -> None:
    """Check the number and keep only its keyed hash and last four characters: the raw number is
    never put into the plan, the report or the database (messages show it masked)."""
    if isinstance(raw_id, int | float) and not isinstance(raw_id, bool):
        cells._error("identity_number", _("Identity number %(masked)s is stored as a number, which loses digits in "
                                          "Excel: format the column as text and enter it again."),
                     masked=mask_identity_number(cell_text(raw_id)))
        return
    number = normalise_identity_number(raw_id)
    problem = identity_problem(number)
    if problem:
        cells._error("identity_number", IDENTITY_PROBLEMS[problem], masked=mask_identity_number(number))
        return
    row.id_hash = hash_identity_number(number)
    row.id_last4 = number[-4:]
    derived = identity_gender(number)
    if not row.gender:
        row.gender = derived
    elif row.gender != derived:
        cells.report.warning(cells.loc, "gender", _("The gender does not match identity number %(masked)s."),
                             masked=mask_identity_number(number))


def _parse_post(raw, loc, table, plan, report) -> None:
    cells = _Cells(raw, loc, table, report, POSTS)
    row = PostRow(person_code=cells.text("person_code"), unit_code=cells.text("unit_code"),
                  post_type=cells.choice("post_type", "post_type"), start_date=cells.date("start_date"),
                  end_date=cells.date("end_date"), loc=loc)
    if not cells.failed:
        plan.posts.append(row)


def _parse_relation(raw, loc, table, plan, report) -> None:
    cells = _Cells(raw, loc, table, report, RELATIONS)
    row = RelationRow(person_code=cells.text("person_code"), relative_code=cells.text("relative_code"),
                      kind=cells.choice("kind", "relation"), loc=loc)
    if not cells.failed:
        plan.relations.append(row)


_ROW_PARSERS = {UNITS: _parse_unit, PEOPLE: _parse_person, POSTS: _parse_post, RELATIONS: _parse_relation}
