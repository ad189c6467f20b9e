"""The deadline tick: mark overdue, notify, escalate. Run by ``cleangov tick`` and by the worker."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from .actions import do_mark_overdue
from .choices import DeadlineStatusChoices
from .models import Deadline
from .workdays import get_calendar


@dataclass
class TickSummary:
    day: date
    open_checked: int = 0
    marked_overdue: int = 0
    assignee_notices: int = 0
    escalation_notices: int = 0
    # Overdue deadlines whose escalation found nobody holding the supervising role up to the county.
    escalations_unreached: int = 0
    # Years around ``day`` with no holiday calendar: clocks running into them count weekends only.
    missing_calendar_years: list[int] = field(default_factory=list)
    open_on_fallback: int = 0

    def as_dict(self) -> dict:
        return {
            "day": self.day.isoformat(),
            "open_checked": self.open_checked,
            "marked_overdue": self.marked_overdue,
            "assignee_notices": self.assignee_notices,
            "escalation_notices": self.escalation_notices,
            "escalations_unreached": self.escalations_unreached,
            "missing_calendar_years": self.missing_calendar_years,
            "open_on_fallback": self.open_on_fallback,
        }


def run_tick(*, today: date | None = None, acting_user=None) -> TickSummary:
    """Mark every open deadline whose due date is before ``today`` overdue.

    ``today`` defaults to the current date in the county's time zone (settings.TIME_ZONE), because a
    due date is a local calendar day: a clock due on the 9th is overdue from 00:00 on the 10th in the
    county, not in UTC. Each deadline is its own transaction, so one failure cannot undo the others,
    and do_mark_overdue re-checks under a row lock, so concurrent ticks never notify twice.
    """
    today = today or timezone.localdate()
    summary = TickSummary(day=today)
    summary.open_checked = Deadline.objects.filter(status=DeadlineStatusChoices.OPEN).count()
    due = Deadline.objects.filter(status=DeadlineStatusChoices.OPEN, due_date__lt=today).order_by("due_date", "pk")
    for pk in due.values_list("pk", flat=True):
        outcome = do_mark_overdue(Deadline(pk=pk), acting_user=acting_user, today=today)
        if outcome is None:
            continue
        summary.marked_overdue += 1
        summary.assignee_notices += int(outcome.assignee_notified)
        summary.escalation_notices += len(outcome.escalation_recipients)
        summary.escalations_unreached += int(not outcome.escalation_reached)
    calendar = get_calendar()
    summary.missing_calendar_years = [y for y in (today.year,) if not calendar.covers(y)]
    summary.open_on_fallback = Deadline.objects.filter(
        status=DeadlineStatusChoices.OPEN, uses_fallback_calendar=True
    ).count()
    return summary
