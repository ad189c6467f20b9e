"""Holiday calendar data files: the format, its validation, and the years shipped with CleanGov.

Every working-day clock depends on the State Council's annual holiday notice (国务院办公厅关于
XXXX年部分节假日安排的通知), which moves rest days around with make-up working days (调休). One
year is one UTF-8 CSV file::

    # PRC statutory holidays and make-up working days (调休) for 2027.
    # year: 2027
    # source: 国务院办公厅关于2027年部分节假日安排的通知 (published 2026-11-xx)
    # notes: anything worth knowing
    date,kind,name
    2027-01-01,holiday,元旦
    2027-02-06,makeup_workday,春节

Lines starting with ``#`` are comments; ``# key: value`` comments carry the metadata (``source``
is required, ``year`` and ``notes`` optional). ``kind`` is ``holiday`` (a rest day even on a
weekday) or ``makeup_workday`` (a Saturday or Sunday worked instead). Problems are reported with
the file's line number ("row"), the column and the reason, all at once, so an administrator can fix
a file in one pass. This module is pure Python (no database): the engine and the CLI use it before
the database exists. The shipped files are the voucher audit's (``voucher_audit/standards/calendars``),
so the audit rules and every clock read one copy; years an administrator loads reach the audits
through :func:`calendar_rows` (cleangov/finance/engine.py passes them to the standards loader).
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType

from voucher_audit.standards import CALENDAR_DIR

KIND_HOLIDAY = "holiday"
KIND_MAKEUP_WORKDAY = "makeup_workday"
KINDS = (KIND_HOLIDAY, KIND_MAKEUP_WORKDAY)
COLUMNS = ("date", "kind", "name")

# One copy of the shipped years, read by the deadline engine and by the voucher audit rules alike: it
# lives in voucher_audit's package data because the audit engine imports nothing of CleanGov.
SHIPPED_DIR = CALENDAR_DIR
SHIPPED_GLOB = "cn-*.csv"

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_META_RE = re.compile(r"^#\s*([A-Za-z_]+)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class YearCalendar:
    """One year's listed days. Days not listed follow the week: Monday–Friday work, weekends rest."""

    year: int
    holidays: Mapping[date, str]
    makeup_workdays: Mapping[date, str]
    source: str
    notes: str = ""
    origin: str = ""  # where it came from: "shipped file cn-2025.csv" or "database"

    def entries(self) -> list[tuple[date, str, str]]:
        rows = [(d, KIND_HOLIDAY, n) for d, n in self.holidays.items()]
        rows += [(d, KIND_MAKEUP_WORKDAY, n) for d, n in self.makeup_workdays.items()]
        return sorted(rows)


@dataclass(frozen=True)
class CalendarFileProblem:
    row: int | None  # line number in the file (1-based), None for the file as a whole
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where) or 'file'}: {self.reason}"


@dataclass
class CalendarFileError(ValueError):
    problems: list[CalendarFileProblem] = field(default_factory=list)
    origin: str = ""

    def __str__(self) -> str:
        prefix = f"{self.origin}: " if self.origin else ""
        return "\n".join(f"{prefix}{p}" for p in self.problems)


MAX_CALENDAR_CHARS = 100_000  # a year's file is about 2 KB
MAX_LINE_CHARS = 1_000  # well under csv's own field limit, so a long cell is a problem here, not a traceback


def parse_calendar_text(text: str, *, origin: str = "") -> YearCalendar:
    """Parse and validate one year's file; raise :class:`CalendarFileError` listing every problem."""
    problems: list[CalendarFileProblem] = []

    def problem(row, column, reason):
        problems.append(CalendarFileProblem(row, column, reason))

    text = text.removeprefix("\ufeff")  # spreadsheets save UTF-8 with a byte-order mark
    # a year holds a few dozen days: a file far larger is a mistake, refused before it is parsed
    if len(text) > MAX_CALENDAR_CHARS:
        problem(None, None, f"the file holds {len(text):,} characters; a calendar file holds at most "
                            f"{MAX_CALENDAR_CHARS:,} (limit of the calendar reader)")
        raise CalendarFileError(problems, origin)
    long_line = next((n for n, line in enumerate(text.splitlines(), start=1) if len(line) > MAX_LINE_CHARS), None)
    if long_line is not None:
        problem(long_line, None, f"the line is longer than {MAX_LINE_CHARS:,} characters")
        raise CalendarFileError(problems, origin)
    meta: dict[str, str] = {}
    data_lines: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            match = _META_RE.match(stripped)
            if match and match.group(1).lower() in {"source", "notes", "year"}:
                meta[match.group(1).lower()] = match.group(2)
            continue
        data_lines.append((number, line))

    if not meta.get("source"):
        problem(None, None, "missing '# source: ...' header line naming the State Council notice")
    declared_year = None
    if "year" in meta:
        if re.fullmatch(r"\d{4}", meta["year"]):
            declared_year = int(meta["year"])
        else:
            problem(None, "year", f"'# year:' header must be a four-digit year, not {meta['year']!r}")

    if not data_lines:
        problem(None, None, "no header row 'date,kind,name' and no days")
        raise CalendarFileError(problems, origin)
    header_number, header_line = data_lines[0]
    header = [c.strip().lower() for c in next(csv.reader([header_line]))]
    if tuple(header) != COLUMNS:
        problem(header_number, None, f"header must be exactly 'date,kind,name', found {','.join(header)!r}")
        raise CalendarFileError(problems, origin)
    if len(data_lines) == 1:
        problem(None, None, "the file lists no days")

    holidays: dict[date, str] = {}
    makeups: dict[date, str] = {}
    seen: dict[date, int] = {}
    year = declared_year
    for number, line in data_lines[1:]:
        cells = next(csv.reader(io.StringIO(line)), [])
        if len(cells) != len(COLUMNS):
            problem(number, None, f"expected 3 columns (date,kind,name), found {len(cells)}")
            continue
        raw_date, kind, name = (c.strip() for c in cells)
        day = None
        if not _DATE_RE.match(raw_date):
            problem(number, "date", f"{raw_date!r} is not a date in the form YYYY-MM-DD")
        else:
            try:
                day = date.fromisoformat(raw_date)
            except ValueError:
                problem(number, "date", f"{raw_date!r} is not a real calendar date")
        if kind not in KINDS:
            problem(number, "kind", f"{kind!r} is not a kind; use 'holiday' or 'makeup_workday'")
        if not name:
            problem(number, "name", "the holiday name is empty")
        if day is None:
            continue
        if year is None:
            year = day.year
        if day.year != year:
            problem(number, "date", f"{raw_date} is not in {year}; one file holds one year")
            continue
        if day in seen:
            problem(number, "date", f"{raw_date} is already listed on row {seen[day]}")
            continue
        seen[day] = number
        if kind == KIND_MAKEUP_WORKDAY and day.weekday() < 5:
            problem(number, "kind", f"{raw_date} is a weekday; a make-up working day is a Saturday or Sunday")
        elif kind == KIND_HOLIDAY:
            holidays[day] = name
        elif kind == KIND_MAKEUP_WORKDAY:
            makeups[day] = name

    if problems or year is None:
        if year is None and not problems:
            problem(None, None, "the file lists no days")
        raise CalendarFileError(problems, origin)
    return YearCalendar(
        year=year,
        holidays=MappingProxyType(holidays),
        makeup_workdays=MappingProxyType(makeups),
        source=meta["source"],
        notes=meta.get("notes", ""),
        origin=origin,
    )


def parse_calendar_file(path: str | Path) -> YearCalendar:
    path = Path(path)
    if path.stat().st_size > MAX_CALENDAR_CHARS * 4:  # refused before it is read (UTF-8: at most 4 bytes a char)
        raise CalendarFileError([CalendarFileProblem(None, None, f"the file is {path.stat().st_size:,} bytes; a "
                                                     f"calendar file is at most {MAX_CALENDAR_CHARS * 4:,}")],
                                str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CalendarFileError([CalendarFileProblem(None, None, "the file is not UTF-8 text")], str(path)) from exc
    return parse_calendar_text(text, origin=str(path))


@functools.cache
def shipped_years() -> Mapping[int, YearCalendar]:
    """The calendars shipped in ``voucher_audit/standards/calendars``; a broken shipped file is a bug, so
    it raises."""
    years = {}
    for path in sorted(SHIPPED_DIR.glob(SHIPPED_GLOB)):
        calendar = parse_calendar_file(path)
        years[calendar.year] = YearCalendar(
            calendar.year, calendar.holidays, calendar.makeup_workdays, calendar.source, calendar.notes,
            origin=f"shipped file {path.name}",
        )
    return MappingProxyType(years)


def calendar_rows(years: Mapping[int, YearCalendar]) -> list[dict[str, str]]:
    """Years as the rows the voucher audit's standards loader reads (``date``, ``kind``, ``name``)."""
    return [{"date": d.isoformat(), "kind": kind, "name": name}
            for year in sorted(years) for d, kind, name in years[year].entries()]
