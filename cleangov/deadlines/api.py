"""The helpers other modules use to put clocks on their objects.

    from cleangov.deadlines.api import create_deadline, meet_deadlines

    create_deadline(report, "reports.acceptance", received_on, workdays=5,
                    assignee=handler, unit=report.unit, acting_user=request.user)
    ...
    meet_deadlines(report, rule="reports.acceptance", acting_user=request.user)

Each call goes through the actions in :mod:`cleangov.deadlines.actions`, so every clock started,
met or cancelled is in the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import models, transaction

from .actions import do_cancel_deadline, do_create_deadline, do_meet_deadline
from .calendars import calendar_rows
from .choices import DeadlineStatusChoices
from .models import Deadline
from .workdays import WorkdayResult, get_calendar

ACTIVE_STATUSES = (DeadlineStatusChoices.OPEN, DeadlineStatusChoices.OVERDUE)


def create_deadline(
    subject: models.Model,
    rule: str,
    start: date | None = None,
    *,
    workdays: int | None = None,
    due_date: date | None = None,
    assignee=None,
    unit,
    acting_user,
    title: str = "",
    link: str = "",
    subject_people: Iterable = (),
    responsible_post=None,
    rest_day_moves_on: bool = False,
) -> Deadline:
    """Start a clock of ``workdays`` working days after ``start`` (or ending on ``due_date``; with
    ``rest_day_moves_on`` a due date on a rest day moves to the next working day)."""
    return do_create_deadline(
        acting_user=acting_user, subject=subject, rule=rule, unit=unit, start=start, workdays=workdays,
        due_date=due_date, assignee=assignee, title=title, link=link, subject_people=subject_people,
        responsible_post=responsible_post, rest_day_moves_on=rest_day_moves_on,
    )


def deadlines_for(subject: models.Model, *, rule: str | None = None) -> models.QuerySet[Deadline]:
    qs = Deadline.objects.filter(subject_type=subject._meta.label_lower, subject_id=str(subject.pk))
    return qs.filter(rule=rule) if rule else qs


@transaction.atomic
def meet_deadlines(subject: models.Model, *, rule: str | None = None, acting_user) -> int:
    """Stop the subject's open or overdue clocks (under ``rule`` only, when given); returns how many."""
    active = list(deadlines_for(subject, rule=rule).filter(status__in=ACTIVE_STATUSES))
    for deadline in active:
        do_meet_deadline(deadline, acting_user=acting_user)
    return len(active)


@transaction.atomic
def cancel_deadlines(subject: models.Model, *, rule: str | None = None, acting_user, reason: str) -> int:
    active = list(deadlines_for(subject, rule=rule).filter(status__in=ACTIVE_STATUSES))
    for deadline in active:
        do_cancel_deadline(deadline, acting_user=acting_user, reason=reason)
    return len(active)


def add_workdays(start: date, n: int) -> WorkdayResult:
    """The n-th working day after ``start``, with the years that fell back to weekends only."""
    return get_calendar().add_workdays(start, n)


def is_workday(day: date) -> bool:
    return get_calendar().is_workday(day)


def holiday_calendar_rows() -> list[dict[str, str]]:
    """The holiday calendar the clocks use (shipped years and years an administrator loaded, the loaded
    ones winning), as the rows ``voucher_audit.standards.load(..., calendar=...)`` reads, so the voucher
    audits judge rest days on the same calendar."""
    return calendar_rows(get_calendar().years)
