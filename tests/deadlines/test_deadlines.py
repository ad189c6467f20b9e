"""Deadline objects: computing due dates, the fallback note, meeting and cancelling, access."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils import translation

from cleangov.core.models import AuditEvent
from cleangov.deadlines.access import access_deadline_by_id, visible_deadlines
from cleangov.deadlines.actions import do_cancel_deadline, do_load_calendar_year, do_meet_deadline
from cleangov.deadlines.api import cancel_deadlines, create_deadline, deadlines_for, meet_deadlines
from cleangov.deadlines.calendars import parse_calendar_text
from cleangov.deadlines.choices import DeadlineStatusChoices as S
from cleangov.orgs.actions import do_add_relation


@pytest.fixture
def village(county):
    return county.villages["a"]


def new(county, subject=None, **kwargs):
    kwargs.setdefault("unit", county.villages["a"])
    kwargs.setdefault("assignee", county.persona("village_secretary"))
    kwargs.setdefault("acting_user", county.persona("township_discipline"))
    if "due_date" not in kwargs:
        kwargs.setdefault("workdays", 5)
        kwargs.setdefault("start", date(2025, 9, 26))
    return create_deadline(subject or county.villages["a"], kwargs.pop("rule", "reports.acceptance"), **kwargs)


def test_due_date_counts_working_days_and_is_audited(county):
    deadline = new(county, title="受理检举")
    # Fri 26 Sep 2025 + 5 working days: Sun 28 (make-up), Mon 29, Tue 30, Thu 9 Oct, Fri 10 Oct.
    assert deadline.due_date == date(2025, 10, 10)
    assert deadline.status == S.OPEN and deadline.calendar_note == "" and not deadline.uses_fallback_calendar
    assert deadline.subject_type == "orgs.unit" and deadline.subject_id == str(county.villages["a"].pk)
    event = AuditEvent.objects.get(event_code="deadlines.deadline_created")
    assert event.after["due_date"] == "2025-10-10" and event.unit_id == county.villages["a"].pk
    assert event.actor == county.persona("township_discipline")


def test_explicit_due_date(county):
    deadline = new(county, due_date=date(2025, 11, 30))
    assert deadline.due_date == date(2025, 11, 30) and deadline.workdays is None


@pytest.mark.parametrize(
    "kwargs",
    [{"workdays": 5, "due_date": date(2025, 1, 1), "start": date(2025, 1, 1)}, {"workdays": 0}, {"start": None}],
)
def test_bad_arguments_are_refused(county, kwargs):
    with pytest.raises(ValidationError):
        new(county, **kwargs)


def test_no_calendar_for_the_year_is_noted_on_the_deadline_and_fixed_by_loading_it(county):
    deadline = new(county, start=date(2026, 12, 28), workdays=5)
    # Tue 29, Wed 30, Thu 31 Dec 2026, then 2027 has no calendar: Fri 1 Jan counts, Mon 4 Jan.
    assert deadline.due_date == date(2027, 1, 4)
    assert deadline.calendar_fallback_years == [2027] and deadline.uses_fallback_calendar
    with translation.override("en"):
        assert "No holiday calendar is loaded for 2027" in deadline.calendar_note
    with translation.override("zh-hans"):
        assert "2027" in deadline.calendar_note and "节假日" in deadline.calendar_note
    text = "# source: 国务院办公厅关于2027年部分节假日安排的通知\ndate,kind,name\n2027-01-01,holiday,元旦\n"
    _cy, moved = do_load_calendar_year(parse_calendar_text(text), acting_user=county.persona("sysadmin"))
    assert moved == 1
    deadline.refresh_from_db()
    assert deadline.due_date == date(2027, 1, 5)
    assert deadline.calendar_fallback_years == [] and deadline.calendar_note == ""
    event = AuditEvent.objects.get(event_code="deadlines.deadline_recomputed")
    assert (event.before["due_date"], event.after["due_date"]) == ("2027-01-04", "2027-01-05")


def test_meet_and_met_late(county):
    deadline = do_meet_deadline(new(county), acting_user=county.persona("village_secretary"))
    assert deadline.status == S.MET and deadline.met_at is not None and not deadline.is_late
    with pytest.raises(ValidationError):
        do_meet_deadline(deadline, acting_user=county.persona("village_secretary"))
    late = new(county, rule="questions.reply", due_date=date(2025, 1, 10))
    from cleangov.deadlines.tick import run_tick

    run_tick(today=date(2025, 1, 11))
    late = do_meet_deadline(late, acting_user=county.persona("village_secretary"))
    assert late.status == S.MET and late.is_late
    assert AuditEvent.objects.filter(event_code="deadlines.deadline_met").order_by("seq").last().after["late"] is True


def test_cancel_needs_a_reason(county):
    deadline = new(county)
    with pytest.raises(ValidationError):
        do_cancel_deadline(deadline, acting_user=county.persona("township_discipline"), reason=" ")
    deadline = do_cancel_deadline(deadline, acting_user=county.persona("township_discipline"), reason="转上级办理")
    assert deadline.status == S.CANCELLED
    assert AuditEvent.objects.get(event_code="deadlines.deadline_cancelled").after["reason"] == "转上级办理"


def test_one_open_clock_per_subject_and_rule(county):
    new(county)
    with pytest.raises((ValidationError, IntegrityError)):
        new(county)
    new(county, rule="questions.reply")  # another rule on the same subject is fine


def test_subject_helpers(county):
    subject = county.villages["b"]
    new(county, subject, unit=subject)
    new(county, subject, unit=subject, rule="questions.reply")
    assert deadlines_for(subject).count() == 2
    assert meet_deadlines(subject, rule="questions.reply", acting_user=None) == 1
    assert cancel_deadlines(subject, acting_user=None, reason="撤回") == 1
    assert sorted(deadlines_for(subject).values_list("status", flat=True)) == [S.CANCELLED, S.MET]


def test_access_follows_scope_assignee_and_conflicts(county):
    deadline = new(county)
    for role in ("village_secretary", "township_discipline", "county_commission"):
        assert access_deadline_by_id(county.persona(role, "a"), deadline.pk) == deadline
    for role in ("village_secretary", "township_discipline"):
        with pytest.raises(Http404):
            access_deadline_by_id(county.persona(role, "b"), deadline.pk)
    with pytest.raises(Http404):
        access_deadline_by_id(county.persona("county_commission"), deadline.pk + 1000)
    # The assignee sees their own deadline even outside their role scope.
    elsewhere = new(county, county.villages["b"], unit=county.villages["b"])
    assert elsewhere in visible_deadlines(county.persona("village_secretary", "a"))
    # A matter about the township discipline secretary's relative is hidden from them.
    relative = county.persona("committee_director", "a").person
    do_add_relation(acting_user=None, person=county.persona("township_discipline").person, relative=relative,
                    kind="sibling")
    about = new(county, county.groups["a"], unit=county.villages["a"], subject_people=[relative])
    with pytest.raises(Http404):
        access_deadline_by_id(county.persona("township_discipline"), about.pk)
    assert access_deadline_by_id(county.persona("township_secretary"), about.pk) == about
