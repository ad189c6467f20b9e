"""``cleangov tick``: mark overdue deadlines, notify assignees, escalate one level up."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db import DatabaseError

from cleangov.deadlines.management.base import ContractCommand
from cleangov.deadlines.management.commands.calendar import parse_day
from cleangov.deadlines.tick import run_tick

EPILOG = """\
Open deadlines whose due date is before the day (in the county's time zone, settings.TIME_ZONE)
become overdue; the assignee is notified and the supervising roles one level up the organisation
tree receive an escalation notice (see cleangov/deadlines/workflow.py). Running it twice for the
same day changes nothing the second time. The worker runs it every CLEANGOV_TICK_SECONDS.

When nobody holds the supervising role on that level, the escalation goes on up to the nearest
unit where someone does; when nobody does up to the county, it is recorded as reaching nobody and
listed for the county commission.

stdout: one summary line. stderr: warnings (e.g. no holiday calendar for the current year,
escalations that reached nobody).

exit codes: 0 done (whether or not anything became overdue); 2 bad usage or bad --date;
3 database not ready (run 'cleangov setup')
"""


class Command(ContractCommand):
    help = "Mark overdue deadlines, notify their assignees and escalate one level up."
    epilog = EPILOG

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--date", dest="day", default=None, metavar="YYYY-MM-DD",
                            help="simulate the tick as on this day (default: today in the county's time zone)")

    def handle(self, *args, day=None, **options):
        today = parse_day(day) if day is not None else None
        try:
            summary = run_tick(today=today)
        except DatabaseError as exc:
            raise CommandError(f"database not ready ({exc}); run 'cleangov setup' first", returncode=3) from exc
        for year in summary.missing_calendar_years:
            self.stderr.write(
                f"warning: no holiday calendar loaded for {year}; new working-day clocks count weekends only "
                "(load the State Council notice with 'cleangov calendar load FILE')"
            )
        if summary.escalations_unreached:
            self.stderr.write(
                f"warning: {summary.escalations_unreached} escalation(s) reached nobody: no one holds the "
                "supervising role up to the county (listed on the deadlines page 'Clocks nobody receives')"
            )
        if summary.open_on_fallback:
            self.stderr.write(
                f"warning: {summary.open_on_fallback} open deadline(s) were computed without a holiday calendar"
            )
        self.stdout.write(
            f"tick {summary.day.isoformat()}: {summary.marked_overdue} deadline(s) marked overdue "
            f"({summary.open_checked} open checked); {summary.assignee_notices} assignee notice(s), "
            f"{summary.escalation_notices} escalation notice(s)"
        )
