"""Working-day arithmetic on the PRC statutory holiday calendar, with make-up working days (调休).

A day is a working day when it is listed as a make-up working day, or when it is a Monday to
Friday not listed as a holiday. Years with no calendar (neither shipped nor loaded by an
administrator) fall back to "weekends only" — and every result says which years did, so a clock
that reaches an unpublished year is never silently wrong (docs/design.md §5, "Deadlines").

The engine is the union of the shipped data files and the database-loaded years; the database
wins for a year it has, so an administrator can correct a shipped year without a release.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import DatabaseError, connection, transaction

from .calendars import YearCalendar, shipped_years

logger = logging.getLogger(__name__)

ONE_DAY = timedelta(days=1)
# A guard against runaway loops from absurd inputs; 10 000 working days is about forty years.
MAX_WORKDAYS = 10_000


@dataclass(frozen=True)
class WorkdayResult:
    """A date computed by the engine, and the years in which it had to count weekends only."""

    date: date
    fallback_years: tuple[int, ...] = ()

    @property
    def used_fallback(self) -> bool:
        return bool(self.fallback_years)


@dataclass(frozen=True)
class WorkdayCount:
    count: int
    fallback_years: tuple[int, ...] = ()

    @property
    def used_fallback(self) -> bool:
        return bool(self.fallback_years)


class WorkCalendar:
    """An immutable view over a set of year calendars."""

    def __init__(self, years: Mapping[int, YearCalendar], *, database_available: bool = True):
        self.years = dict(years)
        self.database_available = database_available
        self._holidays = {d for y in self.years.values() for d in y.holidays}
        self._makeups = {d for y in self.years.values() for d in y.makeup_workdays}

    def covers(self, year: int) -> bool:
        return year in self.years

    def year(self, year: int) -> YearCalendar | None:
        return self.years.get(year)

    def is_workday(self, day: date) -> bool:
        if day in self._makeups:
            return True
        if day in self._holidays:
            return False
        return day.weekday() < 5

    def add_workdays(self, start: date, n: int) -> WorkdayResult:
        """The n-th working day after ``start`` (``start`` itself never counts); n ≥ 1."""
        if not 1 <= n <= MAX_WORKDAYS:
            raise ValueError(f"number of working days must be between 1 and {MAX_WORKDAYS}")
        day, counted, fallback = start, 0, set()
        while counted < n:
            day += ONE_DAY
            if not self.covers(day.year):
                fallback.add(day.year)
            if self.is_workday(day):
                counted += 1
        return WorkdayResult(day, tuple(sorted(fallback)))

    def workdays_between(self, start: date, end: date) -> WorkdayCount:
        """Working days d with start < d ≤ end (0 when end ≤ start): "how many working days later"."""
        day, count, fallback = start, 0, set()
        while day < end:
            day += ONE_DAY
            if not self.covers(day.year):
                fallback.add(day.year)
            if self.is_workday(day):
                count += 1
        return WorkdayCount(count, tuple(sorted(fallback)))

    def fallback_years_between(self, start: date, end: date) -> tuple[int, ...]:
        return tuple(y for y in range(min(start, end).year, max(start, end).year + 1) if not self.covers(y))


def database_years() -> dict[int, YearCalendar]:
    """Years an administrator loaded. Raises DatabaseError when the tables do not exist yet."""
    from .models import CalendarDay, CalendarYear

    years: dict[int, dict] = {}
    for cy in CalendarYear.objects.all():
        years[cy.year] = {"source": cy.source, "notes": cy.notes, "holidays": {}, "makeups": {}}
    for year, day, kind, name in CalendarDay.objects.values_list("calendar_year__year", "date", "kind", "name"):
        years[year]["makeups" if kind == "makeup_workday" else "holidays"][day] = name
    return {
        y: YearCalendar(y, v["holidays"], v["makeups"], v["source"], v["notes"], origin="database")
        for y, v in years.items()
    }


def get_calendar(*, use_database: bool = True) -> WorkCalendar:
    """Shipped years ∪ database years (the database wins). Works before ``migrate`` too: the
    calendar CLI must answer on a fresh install, so a database error means shipped data only."""
    years = dict(shipped_years())
    available = True
    if use_database:
        try:
            if connection.in_atomic_block:
                # A savepoint, so a failed query cannot poison the caller's PostgreSQL transaction.
                with transaction.atomic():
                    years.update(database_years())
            else:
                years.update(database_years())
        except DatabaseError:
            logger.info("calendar tables unavailable; using the shipped calendars only", exc_info=True)
            available = False
    return WorkCalendar(years, database_available=available)


def add_workdays(start: date, n: int) -> WorkdayResult:
    return get_calendar().add_workdays(start, n)


def is_workday(day: date) -> bool:
    return get_calendar().is_workday(day)


def workdays_between(start: date, end: date) -> WorkdayCount:
    return get_calendar().workdays_between(start, end)
