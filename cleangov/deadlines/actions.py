"""State changes of deadlines and of the holiday calendar. Views, CLI, tasks and tests call these."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cleangov.accounts.models import RoleAssignment
from cleangov.core.audit import PendingEvent, record_event, record_events, snapshot
from cleangov.core.models import Notification
from cleangov.orgs.models import related_person_ids

from .calendars import KIND_HOLIDAY, KIND_MAKEUP_WORKDAY, YearCalendar
from .choices import DeadlineEscalationChoices, DeadlineStatusChoices
from .models import CalendarDay, CalendarYear, Deadline, DeadlineSubjectPerson
from .workdays import WorkCalendar, get_calendar
from .workflow import can_transition, escalation_target

DEADLINE_FIELDS = (
    "subject_type", "subject_id", "rule", "title", "start_date", "workdays", "due_date", "assignee", "unit",
    "status", "calendar_fallback_years", "escalation_level", "escalated_to",
    "escalation_outcome", "escalation_passed_over", "due_date_as_set", "responsible_post",
)
NOTIFICATION_OVERDUE = "deadline.overdue"
NOTIFICATION_ESCALATED = "deadline.escalated"


def _check_transition(deadline: Deadline, to_status: str) -> None:
    if not can_transition(deadline.status, to_status):
        raise ValidationError(
            _("A deadline that is %(status)s cannot become %(target)s.")
            % {"status": deadline.get_status_display(), "target": DeadlineStatusChoices(to_status).label}
        )


# --- Calendar ------------------------------------------------------------------------------------


@transaction.atomic
def do_load_calendar_year(
    calendar: YearCalendar, *, acting_user, file_name: str = "", file_bytes: bytes | None = None
) -> tuple[CalendarYear, int]:
    """Load (or replace) one year of the holiday calendar from a parsed, validated file.

    Open deadlines whose due dates were computed on weekends only because this year was missing are
    recomputed on the new calendar, each with its own audit event. Returns (year, deadlines moved).
    """
    existing = CalendarYear.objects.select_for_update().filter(year=calendar.year).first()
    before = None
    if existing is not None:
        before = _calendar_snapshot(existing.source, existing.days.values_list("date", "kind", "name"))
        existing.days.all().delete()
        cy = existing
    else:
        cy = CalendarYear(year=calendar.year)
    cy.source = calendar.source
    cy.notes = calendar.notes
    cy.file_name = file_name[:200]
    cy.file_sha256 = hashlib.sha256(file_bytes).hexdigest() if file_bytes is not None else ""
    cy.loaded_by = acting_user if getattr(acting_user, "pk", None) else None
    cy.full_clean()
    cy.save()
    CalendarDay.objects.bulk_create(
        [CalendarDay(calendar_year=cy, date=d, kind=k, name=n) for d, k, n in calendar.entries()]
    )
    after = _calendar_snapshot(cy.source, calendar.entries())
    record_event(acting_user=acting_user, event_code="deadlines.calendar_year_loaded", subject=cy,
                 before=before, after=after)
    moved = _recompute_fallback_deadlines(calendar.year, acting_user=acting_user)
    return cy, moved


def _calendar_snapshot(source: str, rows: Iterable) -> dict:
    rows = sorted(rows)
    return {
        "source": source,
        "holidays": [d for d, k, _n in rows if k == KIND_HOLIDAY],
        "makeup_workdays": [d for d, k, _n in rows if k == KIND_MAKEUP_WORKDAY],
    }


def _recompute_fallback_deadlines(year: int, *, acting_user) -> int:
    calendar = get_calendar()
    events = []
    candidates = Deadline.objects.select_for_update().filter(
        Q(workdays__isnull=False) | Q(due_date_as_set__isnull=False),
        status=DeadlineStatusChoices.OPEN, uses_fallback_calendar=True,
    )
    for deadline in candidates:
        if year not in deadline.calendar_fallback_years:
            continue
        before = snapshot(deadline, DEADLINE_FIELDS)
        if deadline.workdays is not None:
            result = calendar.add_workdays(deadline.start_date, deadline.workdays)
            due, fallback = result.date, result.fallback_years
        else:
            # A date moved off a rest day: move it again on the loaded calendar (it may stay put now).
            as_set, due, fallback = _off_rest_day(deadline.due_date_as_set, calendar)
            deadline.due_date_as_set = as_set
        deadline.due_date = due
        deadline.calendar_fallback_years = list(fallback)
        deadline.uses_fallback_calendar = bool(fallback)
        deadline.save(update_fields=["due_date", "due_date_as_set", "calendar_fallback_years",
                                     "uses_fallback_calendar", "updated_at"])
        events.append(PendingEvent("deadlines.deadline_recomputed", deadline, before,
                                   snapshot(deadline, DEADLINE_FIELDS), deadline.unit, deadline.subject_person_ids))
    record_events(acting_user=acting_user, events=events)
    return len(events)


# --- Deadlines -----------------------------------------------------------------------------------


@transaction.atomic
def do_create_deadline(
    *,
    acting_user,
    subject: models.Model,
    rule: str,
    unit,
    start: date | None = None,
    workdays: int | None = None,
    due_date: date | None = None,
    assignee=None,
    title: str = "",
    link: str = "",
    subject_people: Iterable = (),
    calendar: WorkCalendar | None = None,
    responsible_post=None,
    rest_day_moves_on: bool = False,
) -> Deadline:
    """Start a clock on ``subject``: either ``start`` + ``workdays`` working days, or an explicit
    ``due_date`` (calendar dates, e.g. "within one month"). The due date is the last day allowed.

    ``responsible_post`` names the post answerable for the clock (shown when nobody with an account
    is). With ``rest_day_moves_on``, an explicit due date on a rest day moves to the next working
    day and the date as set is kept (docs/deadlines.md, "Due dates on rest days")."""
    if (workdays is None) == (due_date is None):
        raise ValidationError(_("Give either a number of working days or a due date, not both."))
    fallback: tuple[int, ...] = ()
    if workdays is not None:
        if start is None:
            raise ValidationError({"start_date": _("A deadline counted in working days needs a start date.")})
        if workdays < 1:
            raise ValidationError({"workdays": _("The number of working days must be at least 1.")})
        result = (calendar or get_calendar()).add_workdays(start, workdays)
        due_date, fallback = result.date, result.fallback_years
    due_date_as_set = None
    if workdays is None and rest_day_moves_on:
        due_date_as_set, due_date, fallback = _off_rest_day(due_date, calendar or get_calendar())
    person_ids = sorted({p if isinstance(p, int) else p.pk for p in subject_people})
    deadline = Deadline(
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        subject_repr=str(subject)[:300],
        rule=rule,
        title=str(title)[:300],
        link=link,
        start_date=start,
        workdays=workdays,
        due_date=due_date,
        due_date_as_set=due_date_as_set,
        assignee=assignee,
        unit=unit,
        responsible_post=responsible_post,
        calendar_fallback_years=list(fallback),
        uses_fallback_calendar=bool(fallback),
        subject_person_ids=person_ids,
    )
    deadline.full_clean()
    deadline.save()
    DeadlineSubjectPerson.objects.bulk_create(
        [DeadlineSubjectPerson(deadline=deadline, person_id=pid) for pid in person_ids]
    )
    record_event(acting_user=acting_user, event_code="deadlines.deadline_created", subject=deadline,
                 after=snapshot(deadline, DEADLINE_FIELDS), unit=unit, subject_people=person_ids)
    return deadline


def _off_rest_day(day: date, calendar: WorkCalendar) -> tuple[date | None, date, tuple[int, ...]]:
    """(date as set or None, due date, fallback years) for an explicit due date: a rest day moves to
    the next working day; a year without a calendar counts weekends only and says so."""
    fallback = () if calendar.covers(day.year) else (day.year,)
    if calendar.is_workday(day):
        return None, day, fallback
    result = calendar.add_workdays(day, 1)
    return day, result.date, tuple(sorted({*fallback, *result.fallback_years}))


@transaction.atomic
def do_meet_deadline(deadline: Deadline, *, acting_user) -> Deadline:
    """The duty was done: stop the clock. An overdue deadline met late keeps its ``overdue_at``."""
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    before = snapshot(deadline, DEADLINE_FIELDS)
    _check_transition(deadline, DeadlineStatusChoices.MET)
    deadline.status = DeadlineStatusChoices.MET
    deadline.met_at = timezone.now()
    deadline.save(update_fields=["status", "met_at", "updated_at"])
    record_event(acting_user=acting_user, event_code="deadlines.deadline_met", subject=deadline, before=before,
                 after={**snapshot(deadline, DEADLINE_FIELDS), "late": deadline.is_late},
                 unit=deadline.unit, subject_people=deadline.subject_person_ids)
    return deadline


@transaction.atomic
def do_cancel_deadline(deadline: Deadline, *, acting_user, reason: str) -> Deadline:
    """The clock no longer applies (e.g. the matter went to another organ). A reason is required."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the deadline no longer applies.")})
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    before = snapshot(deadline, DEADLINE_FIELDS)
    _check_transition(deadline, DeadlineStatusChoices.CANCELLED)
    deadline.status = DeadlineStatusChoices.CANCELLED
    deadline.cancelled_at = timezone.now()
    deadline.save(update_fields=["status", "cancelled_at", "updated_at"])
    record_event(acting_user=acting_user, event_code="deadlines.deadline_cancelled", subject=deadline,
                 before=before, after={**snapshot(deadline, DEADLINE_FIELDS), "reason": reason},
                 unit=deadline.unit, subject_people=deadline.subject_person_ids)
    return deadline


@dataclass
class OverdueOutcome:
    deadline: Deadline
    assignee_notified: bool = False
    escalation_recipients: list = field(default_factory=list)

    @property
    def escalation_reached(self) -> bool:
        return bool(self.escalation_recipients)


@dataclass
class EscalationRoute:
    """Where an overdue deadline's escalation lands: the nearest unit up the tree where someone holds
    the supervising role (``target``, None when nobody does up to the county), its ``recipients``,
    how many levels up that is, and the units passed over because nobody held the role there."""

    target: object | None
    recipients: list
    level: int = 0
    passed_over: list = field(default_factory=list)


def _role_holders(deadline: Deadline, target, roles, *, today: date) -> list:
    """Holders of ``roles`` on ``target`` (directly or through a subtree assignment above it), active
    on ``today``, minus the assignee and anyone who is a subject of the matter or related to one."""
    if not roles:
        return []
    covering = Q(unit=target) | Q(unit__in=target.ancestors(), include_subtree=True)
    assignments = (
        RoleAssignment.objects.filter(covering, role__in=roles, user__is_active=True)
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=today))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("user")
        .order_by("user_id")
    )
    excluded_people = related_person_ids(deadline.subject_person_ids)
    users, seen = [], set()
    for assignment in assignments:
        user = assignment.user
        if user.pk in seen or user.pk == deadline.assignee_id:
            continue
        if user.person_id and user.person_id in excluded_people:
            continue
        seen.add(user.pk)
        users.append(user)
    return users


def escalation_route(deadline: Deadline, *, today: date) -> EscalationRoute:
    """Walk up the tree by the escalation table until a unit has someone holding its supervising
    role. A notice to an empty chair is no supervision: responsibility runs 一级抓一级、层层抓落实
    (中发〔2010〕19号 Art. 5), so when a township has no account holding the role the county above it
    hears instead, and the levels that had nobody are recorded."""
    unit, passed, tried = deadline.unit, [], set()
    while True:
        target, roles = escalation_target(unit, deadline.rule)
        if target.pk in tried or not roles:
            return EscalationRoute(None, [], 0, passed)
        tried.add(target.pk)
        users = _role_holders(deadline, target, roles, today=today)
        if users:
            return EscalationRoute(target, users, len(passed) + 1, passed)
        passed.append({"id": target.pk, "name": str(target)})
        unit = target


OVERDUE_TEXT = gettext_noop("Overdue: %(what)s was due on %(due)s.")
ESCALATED_TEXT = gettext_noop("Escalated to you: %(what)s (%(unit)s) was due on %(due)s and is overdue.")


def _what(deadline: Deadline) -> str:
    """What is due, said once: a subject that only repeats the title (the title with the unit in brackets, say)
    is left out."""
    title, subject = (deadline.title or deadline.rule).strip(), (deadline.subject_repr or "").strip()
    if not subject or subject.startswith(title) or title.startswith(subject):
        return title
    return f"{title} — {subject}"


def _notify(user, *, kind: str, deadline: Deadline, escalated_from=None) -> Notification:
    msgid = OVERDUE_TEXT if kind == NOTIFICATION_OVERDUE else ESCALATED_TEXT
    values = {"what": _what(deadline), "due": deadline.due_date.isoformat(), "unit": str(deadline.unit)}
    # The text as first written, in the recipient's language; the page shows the message in its own language.
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        text = translation.gettext(msgid) % values
    return Notification.objects.create(recipient=user, kind=kind, text=text, link=deadline.link,
                                       message={"message": msgid, "values": values})


@transaction.atomic
def do_mark_overdue(deadline: Deadline, *, acting_user, today: date) -> OverdueOutcome | None:
    """Mark an open deadline whose due date is before ``today`` overdue, notify its assignee and
    escalate one level up. Idempotent: the row is locked and re-read, so a second call (or a second
    worker) finds it already overdue and does nothing — nobody is notified twice."""
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to the assignee.
    deadline = (
        Deadline.objects.select_for_update(of=("self",)).select_related("unit", "assignee").get(pk=deadline.pk)
    )
    if deadline.status != DeadlineStatusChoices.OPEN or deadline.due_date >= today:
        return None
    before = snapshot(deadline, DEADLINE_FIELDS)
    now = timezone.now()
    route = escalation_route(deadline, today=today)
    recipients = route.recipients
    deadline.status = DeadlineStatusChoices.OVERDUE
    deadline.overdue_at = now
    # Escalated only when someone received it; otherwise it is listed as unreached, never "done".
    deadline.escalation_level = route.level
    deadline.escalated_to = route.target
    deadline.escalated_at = now if recipients else None
    deadline.escalation_outcome = (
        DeadlineEscalationChoices.REACHED if recipients else DeadlineEscalationChoices.UNREACHED
    )
    deadline.escalation_passed_over = route.passed_over
    deadline.save(update_fields=["status", "overdue_at", "escalation_level", "escalated_to", "escalated_at",
                                 "escalation_outcome", "escalation_passed_over", "updated_at"])
    outcome = OverdueOutcome(deadline)
    if deadline.assignee is not None and deadline.assignee.is_active:
        _notify(deadline.assignee, kind=NOTIFICATION_OVERDUE, deadline=deadline)
        outcome.assignee_notified = True
    for user in recipients:
        _notify(user, kind=NOTIFICATION_ESCALATED, deadline=deadline)
    outcome.escalation_recipients = recipients
    record_event(
        acting_user=acting_user, event_code="deadlines.deadline_overdue", subject=deadline, before=before,
        after={**snapshot(deadline, DEADLINE_FIELDS), "as_of": today,
               "notified": ([deadline.assignee_id] if outcome.assignee_notified else []),
               "escalated_to_users": [u.pk for u in recipients]},
        unit=deadline.unit, subject_people=deadline.subject_person_ids,
    )
    record_event(
        acting_user=acting_user,
        event_code=("deadlines.deadline_escalated" if recipients else "deadlines.escalation_unreached"),
        subject=deadline, unit=deadline.unit, subject_people=deadline.subject_person_ids,
        after={"escalated_to": route.target.pk if route.target else None, "escalation_level": route.level,
               "recipients": [u.pk for u in recipients], "passed_over": route.passed_over, "as_of": today},
    )
    return outcome
