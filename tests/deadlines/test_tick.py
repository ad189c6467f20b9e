"""The tick: overdue in the county's time zone, notices to the assignee, escalation one level up by
the table in workflow.py, idempotence, and the command's contract."""

from datetime import UTC, date, datetime
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cleangov.core.models import AuditEvent, Notification
from cleangov.deadlines.actions import NOTIFICATION_ESCALATED, NOTIFICATION_OVERDUE
from cleangov.deadlines.api import create_deadline
from cleangov.deadlines.choices import DeadlineStatusChoices as S
from cleangov.deadlines.tick import run_tick
from cleangov.deadlines.workflow import ESCALATION_ROLES
from cleangov.orgs.actions import do_add_relation

from .helpers import env_for_test_database, run_cleangov

DUE = date(2025, 10, 10)


def clock(county, unit, assignee_role, *, rule="reports.acceptance", subject=None, **kwargs):
    return create_deadline(subject or unit, rule, due_date=DUE, unit=unit, acting_user=None,
                           assignee=county.persona(assignee_role, "a"), title="受理检举", **kwargs)


def notices(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def tick(*args):
    out, err = StringIO(), StringIO()
    call_command("tick", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_village_deadline_goes_overdue_and_escalates_to_the_township(county):
    deadline = clock(county, county.villages["a"], "village_secretary")
    assert run_tick(today=DUE).marked_overdue == 0  # due today: still in time
    summary = run_tick(today=date(2025, 10, 11))
    assert (summary.marked_overdue, summary.assignee_notices, summary.escalation_notices) == (1, 1, 2)
    deadline.refresh_from_db()
    assert deadline.status == S.OVERDUE and deadline.overdue_at is not None
    assert deadline.escalation_level == 1 and deadline.escalated_to == county.townships["a"]
    assert notices(NOTIFICATION_OVERDUE) == ["village_secretary_a"]
    # Only township A's secretary and discipline secretary: not township B's, not the county's.
    assert notices(NOTIFICATION_ESCALATED) == ["township_discipline_a", "township_secretary_a"]
    text = Notification.objects.get(kind=NOTIFICATION_OVERDUE).text
    assert "受理检举" in text and "2025-10-10" in text
    event = AuditEvent.objects.get(event_code="deadlines.deadline_overdue")
    assert event.after["status"] == "overdue" and event.after["as_of"] == "2025-10-11"
    assert sorted(event.after["escalated_to_users"]) == sorted(
        [county.persona("township_discipline").pk, county.persona("township_secretary").pk])


def test_tick_twice_does_not_notify_twice(county):
    clock(county, county.villages["a"], "village_secretary")
    assert tick("--date", "2025-10-13")[0] == (
        "tick 2025-10-13: 1 deadline(s) marked overdue (1 open checked); 1 assignee notice(s), "
        "2 escalation notice(s)\n")
    count = Notification.objects.count()
    assert tick("--date", "2025-10-14")[0] == (
        "tick 2025-10-14: 0 deadline(s) marked overdue (0 open checked); 0 assignee notice(s), "
        "0 escalation notice(s)\n")
    assert Notification.objects.count() == count
    assert AuditEvent.objects.filter(event_code="deadlines.deadline_overdue").count() == 1


@pytest.mark.parametrize(
    ("level", "side_unit", "assignee_role", "expected"),
    [
        ("township", "township", "township_leader", ["county_commission_a", "county_leader_a"]),
        ("department", "department", "department_staff", ["county_commission_a", "county_leader_a"]),
        ("county", "county", "county_leader", ["county_commission_a"]),
        ("group", "group", "village_secretary", ["committee_director_a"]),  # the assignee is not told twice
    ],
)
def test_escalation_table_per_level(county, level, side_unit, assignee_role, expected):
    unit = county.unit(side_unit, "a")
    assert unit.level == level
    clock(county, unit, assignee_role)
    run_tick(today=date(2025, 10, 11))
    assert notices(NOTIFICATION_ESCALATED) == expected
    assert notices(NOTIFICATION_OVERDUE) == [f"{assignee_role}_a"]


def test_table_covers_every_level():
    assert set(ESCALATION_ROLES) == {"county", "township", "department", "village", "group"}


def test_escalation_skips_subjects_and_their_relatives(county):
    discipline = county.persona("township_discipline")
    accused = county.persona("committee_director", "a").person
    do_add_relation(acting_user=None, person=discipline.person, relative=accused, kind="spouse")
    clock(county, county.villages["a"], "village_secretary", subject_people=[accused])
    run_tick(today=date(2025, 10, 11))
    assert notices(NOTIFICATION_ESCALATED) == ["township_secretary_a"]


def test_ended_roles_are_not_notified(county):
    assignment = county.persona("township_secretary").role_assignments.get()
    assignment.end_date = date(2025, 9, 30)
    assignment.save()
    clock(county, county.villages["a"], "village_secretary")
    run_tick(today=date(2025, 10, 11))
    assert notices(NOTIFICATION_ESCALATED) == ["township_discipline_a"]


def test_met_and_cancelled_deadlines_are_left_alone(county):
    from cleangov.deadlines.api import cancel_deadlines, meet_deadlines

    clock(county, county.villages["a"], "village_secretary")
    clock(county, county.villages["b"], "village_secretary")
    meet_deadlines(county.villages["a"], acting_user=None)
    cancel_deadlines(county.villages["b"], acting_user=None, reason="转办")
    assert run_tick(today=date(2025, 12, 1)).marked_overdue == 0
    assert not Notification.objects.exists()


def test_today_is_the_county_date_not_utc(county, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    clock(county, county.villages["a"], "village_secretary")
    # 16:30 UTC on the 10th is 00:30 on the 11th in the county: the due date has passed.
    with mock.patch("django.utils.timezone.now", return_value=datetime(2025, 10, 10, 16, 30, tzinfo=UTC)):
        assert run_tick().day == date(2025, 10, 11)
    with mock.patch("django.utils.timezone.now", return_value=datetime(2025, 10, 10, 15, 30, tzinfo=UTC)):
        assert run_tick().day == date(2025, 10, 10)


@pytest.mark.django_db
def test_missing_calendar_warns_on_stderr():
    out, err = tick("--date", "2027-03-01")
    assert out.startswith("tick 2027-03-01: 0 deadline(s)")
    assert "warning: no holiday calendar loaded for 2027" in err


@pytest.mark.parametrize("value", ["2025-10-32", "yesterday"])
def test_bad_date_is_exit_2(value):
    with pytest.raises(CommandError) as info:
        tick("--date", value)
    assert info.value.returncode == 2


@pytest.mark.django_db(transaction=True)
def test_console_script_tick_against_the_test_database(county):
    clock(county, county.villages["a"], "village_secretary")
    env = env_for_test_database()
    result = run_cleangov("tick", "--date", "2025-10-11", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ("tick 2025-10-11: 1 deadline(s) marked overdue (1 open checked); "
                             "1 assignee notice(s), 2 escalation notice(s)\n")
    assert notices(NOTIFICATION_ESCALATED) == ["township_discipline_a", "township_secretary_a"]
    again = run_cleangov("tick", "--date", "2025-10-11", env=env)
    assert again.stdout.startswith("tick 2025-10-11: 0 deadline(s) marked overdue")
    assert Notification.objects.count() == 3
    usage = run_cleangov("tick", "--date", "11/10/2025", env=env)
    assert usage.returncode == 2 and usage.stdout == "" and "invalid date" in usage.stderr
    assert "exit codes:" in run_cleangov("tick", "--help", env=env).stdout
