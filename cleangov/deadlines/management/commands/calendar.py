"""``cleangov calendar``: ask the working-day calendar, show a year, load the next year's notice.

stdout carries only the answer (scripts compare it exactly); warnings — a year with no calendar,
a database that is not there yet — go to stderr.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from django.core.management.base import CommandError
from django.db import DatabaseError

from cleangov.deadlines.calendars import KIND_HOLIDAY, CalendarFileError, parse_calendar_file
from cleangov.deadlines.management.base import ContractCommand
from cleangov.deadlines.workdays import MAX_WORKDAYS, WorkCalendar, get_calendar

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

EPILOG = """\
subcommands:
  is-workday YYYY-MM-DD      print 'workday' or 'rest'
  add-workdays YYYY-MM-DD N  print the N-th working day after the date (the date itself never counts)
  show YEAR                  list the year's holidays and make-up working days, and where they come from
  load FILE                  load or replace one year from a CSV file (date,kind,name; '# source:' line)

Years without a holiday calendar count weekends only; the command then warns on stderr.

exit codes: 0 ok; 2 bad usage or input (bad date, N < 1, invalid calendar file); 3 database not ready (load)
"""


def parse_day(value: str) -> date:
    if _DATE_RE.match(value or ""):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise CommandError(f"invalid date {value!r}: expected a real date as YYYY-MM-DD", returncode=2)


class Command(ContractCommand):
    help = "Working-day calendar (PRC statutory holidays and make-up working days)."
    epilog = EPILOG
    # The calendar answers on a fresh install and must stay fast for scripts: no URL or model checks.
    requires_system_checks: list = []

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="action", metavar="{is-workday,add-workdays,show,load}", required=True)
        p = sub.add_parser("is-workday", help="print 'workday' or 'rest' for a date",
                           description="Print 'workday' or 'rest' for the date. Exit 0; exit 2 on a bad date.")
        p.add_argument("date", help="YYYY-MM-DD")
        p = sub.add_parser("add-workdays", help="print the N-th working day after a date",
                           description="Print the date of the N-th working day after DATE (DATE itself never "
                                       "counts). Exit 0; exit 2 on a bad date or N < 1.")
        p.add_argument("date", help="YYYY-MM-DD")
        p.add_argument("n", help="number of working days, at least 1")
        p = sub.add_parser("show", help="list a year's holidays and make-up working days",
                           description="List the year's holidays and make-up working days and say whether the "
                                       "year is loaded (shipped file or database) or falls back to weekends only.")
        p.add_argument("year", help="YYYY")
        p = sub.add_parser("load", help="load or replace one year from a CSV file",
                           description="Validate and load one year (atomic: all or nothing). Errors name the row "
                                       "(line of the file), the column and the reason. Exit 0 loaded; 2 invalid "
                                       "file; 3 database not ready (run 'cleangov setup').")
        p.add_argument("file", help="CSV file: '# source: ...' line, then date,kind,name")
        p.add_argument("--as-user", dest="as_user", default=None,
                       help="username recorded as the actor in the audit trail (default: system)")

    def handle(self, *args, action, **options):
        return getattr(self, "handle_" + action.replace("-", "_"))(**options)

    # --- helpers ---

    def _calendar(self, verbosity: int) -> WorkCalendar:
        calendar = get_calendar()
        if not calendar.database_available and verbosity >= 2:
            self.stderr.write("note: database not available; using the shipped calendar files only")
        return calendar

    def _warn_fallback(self, years) -> None:
        if years:
            listed = ", ".join(str(y) for y in years)
            self.stderr.write(
                f"warning: no holiday calendar loaded for {listed}; counted weekends only for "
                f"{'that year' if len(years) == 1 else 'those years'} (load it with 'cleangov calendar load FILE')"
            )

    # --- subcommands ---

    def handle_is_workday(self, *, date, verbosity, **_):
        day = parse_day(date)
        calendar = self._calendar(verbosity)
        self._warn_fallback(calendar.fallback_years_between(day, day))
        self.stdout.write("workday" if calendar.is_workday(day) else "rest")

    def handle_add_workdays(self, *, date, n, verbosity, **_):
        day = parse_day(date)
        if not re.fullmatch(r"[+-]?\d+", n.strip()):
            raise CommandError(f"invalid N {n!r}: expected a whole number of working days", returncode=2)
        count = int(n)
        if count < 1 or count > MAX_WORKDAYS:
            raise CommandError(f"invalid N {count}: must be between 1 and {MAX_WORKDAYS}", returncode=2)
        result = self._calendar(verbosity).add_workdays(day, count)
        self._warn_fallback(result.fallback_years)
        self.stdout.write(result.date.isoformat())

    def handle_show(self, *, year, verbosity, **_):
        if not re.fullmatch(r"\d{4}", year):
            raise CommandError(f"invalid year {year!r}: expected YYYY", returncode=2)
        number = int(year)
        calendar = self._calendar(verbosity)
        data = calendar.year(number)
        if data is None:
            self.stdout.write(f"{number}: not loaded (working days fall back to weekends only)")
            self._warn_fallback([number])
            return
        self.stdout.write(f"{number}: loaded from {data.origin}")
        self.stdout.write(f"source: {data.source}")
        if data.notes:
            self.stdout.write(f"notes: {data.notes}")
        self.stdout.write("holidays (rest days):")
        for day, kind, name in data.entries():
            if kind == KIND_HOLIDAY:
                self.stdout.write(f"  {day.isoformat()} {WEEKDAYS[day.weekday()]} {name}")
        self.stdout.write("make-up working days:")
        for day, kind, name in data.entries():
            if kind != KIND_HOLIDAY:
                self.stdout.write(f"  {day.isoformat()} {WEEKDAYS[day.weekday()]} {name}")
        workdays = calendar.workdays_between(date(number - 1, 12, 31), date(number, 12, 31)).count
        total = (date(number, 12, 31) - date(number - 1, 12, 31)).days
        self.stdout.write(f"working days: {workdays}, rest days: {total - workdays}")

    def handle_load(self, *, file, as_user, verbosity, **_):
        from cleangov.deadlines.actions import do_load_calendar_year

        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file", returncode=2)
        try:
            calendar = parse_calendar_file(path)
        except CalendarFileError as exc:
            raise CommandError(
                f"{file}: invalid calendar file, nothing loaded:\n" + "\n".join(f"  {p}" for p in exc.problems),
                returncode=2,
            ) from exc
        try:
            acting_user = self._acting_user(as_user)
            cy, moved = do_load_calendar_year(calendar, acting_user=acting_user, file_name=path.name,
                                              file_bytes=path.read_bytes())
        except DatabaseError as exc:
            raise CommandError(f"database not ready ({exc}); run 'cleangov setup' first", returncode=3) from exc
        self.stdout.write(
            f"loaded {cy.year}: {len(calendar.holidays)} holidays, {len(calendar.makeup_workdays)} make-up "
            f"working days; {moved} open deadline(s) recomputed"
        )

    def _acting_user(self, username):
        if not username:
            return None
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}", returncode=2)
        return user
