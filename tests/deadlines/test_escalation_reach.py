"""Every clock reaches a person: an escalation goes on up past levels where nobody holds the
supervising role, is never marked done without a recipient, and the clocks nobody receives are
listed for the discipline organs; a clock with no account behind it says so."""

from datetime import date

from django.urls import reverse
from django.utils import translation

from cleangov.accounts.models import RoleAssignment
from cleangov.core.models import AuditEvent, Notification
from cleangov.deadlines.actions import NOTIFICATION_ESCALATED
from cleangov.deadlines.api import create_deadline
from cleangov.deadlines.choices import DeadlineEscalationChoices as E
from cleangov.deadlines.choices import DeadlineStatusChoices as S
from cleangov.deadlines.tick import run_tick
from cleangov.orgs.models import Post

DUE = date(2025, 10, 10)
TICK = date(2025, 10, 11)


def village_clock(county, *, assignee=True, rule="reports.acceptance", **kwargs):
    village = county.villages["a"]
    return create_deadline(village, rule, due_date=DUE, unit=village, acting_user=None,
                           assignee=county.persona("village_secretary", "a") if assignee else None,
                           title="受理检举", **kwargs)


def vacate(county, *roles):
    RoleAssignment.objects.filter(user__in=[county.persona(r, "a") for r in roles]).delete()


def notices():
    return sorted(Notification.objects.filter(kind=NOTIFICATION_ESCALATED).values_list("recipient__username",
                                                                                      flat=True))


def test_a_township_with_nobody_passes_the_escalation_to_the_county(county):
    vacate(county, "township_secretary", "township_discipline")
    deadline = village_clock(county)
    summary = run_tick(today=TICK)
    assert (summary.escalation_notices, summary.escalations_unreached) == (2, 0)
    deadline.refresh_from_db()
    assert deadline.escalation_outcome == E.REACHED
    assert deadline.escalated_to == county.county and deadline.escalation_level == 2
    assert deadline.escalated_at is not None
    assert deadline.escalation_passed_over == [{"id": county.townships["a"].pk, "name": "第1镇"}]
    assert notices() == ["county_commission_a", "county_leader_a"]
    event = AuditEvent.objects.get(event_code="deadlines.deadline_escalated")
    assert event.after["escalated_to"] == county.county.pk and event.after["escalation_level"] == 2
    assert event.after["passed_over"] == [{"id": county.townships["a"].pk, "name": "第1镇"}]
    assert "第1镇" in deadline.escalation_note


def test_an_escalation_with_nobody_up_to_the_county_is_not_marked_done(county):
    vacate(county, "township_secretary", "township_discipline", "county_commission", "county_leader")
    deadline = village_clock(county)
    summary = run_tick(today=TICK)
    assert (summary.marked_overdue, summary.escalation_notices, summary.escalations_unreached) == (1, 0, 1)
    deadline.refresh_from_db()
    assert deadline.status == S.OVERDUE
    assert deadline.escalation_outcome == E.UNREACHED
    assert deadline.escalated_to is None and deadline.escalated_at is None and deadline.escalation_level == 0
    assert [u["name"] for u in deadline.escalation_passed_over] == ["第1镇", "测试县"]
    assert notices() == []
    event = AuditEvent.objects.get(event_code="deadlines.escalation_unreached")
    assert event.after["recipients"] == [] and event.after["escalated_to"] is None
    assert not AuditEvent.objects.filter(event_code="deadlines.deadline_escalated").exists()


def test_a_reached_escalation_one_level_up_records_no_skipped_level(county):
    deadline = village_clock(county)
    run_tick(today=TICK)
    deadline.refresh_from_db()
    assert (deadline.escalation_outcome, deadline.escalation_level, deadline.escalation_passed_over) == (
        E.REACHED, 1, [])
    assert deadline.escalation_note == ""


@translation.override("en")
def test_a_clock_with_no_account_names_the_post(county):
    post = Post.objects.get(person=county.persona("village_secretary", "a").person)
    deadline = village_clock(county, assignee=False, responsible_post=post)
    assert deadline.unassigned_note == (
        f"No one with an account is responsible for this: {post.get_post_type_display()} "
        f"{post.person}.")
    assert village_clock(county, assignee=False, rule="other.rule").unassigned_note == (
        "No one with an account is responsible for this, and no post is named.")
    assigned = create_deadline(county.villages["b"], "reports.acceptance", due_date=DUE, unit=county.villages["b"],
                               acting_user=None, assignee=county.persona("village_secretary", "b"))
    assert assigned.unassigned_note == ""


def test_the_list_shows_the_commission_what_nobody_receives(county, login):
    # The commission's own role starts after the tick's day: on that day nobody held it.
    commission = county.persona("county_commission")
    RoleAssignment.objects.filter(user=commission).update(start_date=date(2025, 11, 1))
    vacate(county, "township_secretary", "township_discipline", "county_leader")
    unreached = village_clock(county)
    unassigned = create_deadline(county.villages["b"], "reports.acceptance", due_date=date(2099, 1, 1),
                                 unit=county.villages["b"], acting_user=None, title="无人负责的时限")
    run_tick(today=TICK)
    response = login(commission).get(reverse("deadlines:unreached"))
    assert response.status_code == 200
    sections = {s["key"]: [d.pk for d in s["rows"]] for s in response.context["sections"]}
    assert sections == {"unreached": [unreached.pk], "skipped": [], "unassigned": [unassigned.pk]}
    body = response.content.decode()
    assert "受理检举" in body and "无人负责的时限" in body
    assert "此事项没有持有账号的责任人，也未指明责任岗位。" in body  # the default language is zh-Hans
    assert f'href="{reverse("deadlines:unreached")}"' in body  # the navigation links the page


def test_a_township_discipline_secretary_sees_only_their_township(county, login):
    create_deadline(county.villages["a"], "reports.acceptance", due_date=date(2099, 1, 1),
                    unit=county.villages["a"], acting_user=None, title="甲村时限")
    create_deadline(county.villages["b"], "reports.acceptance", due_date=date(2099, 1, 1),
                    unit=county.villages["b"], acting_user=None, title="乙村时限")
    body = login(county.persona("township_discipline", "a")).get(reverse("deadlines:unreached")).content.decode()
    assert "甲村时限" in body and "乙村时限" not in body


def test_the_list_is_404_for_roles_that_do_not_supervise(county, login):
    response = login(county.persona("village_secretary", "a")).get(reverse("deadlines:unreached"))
    assert response.status_code == 404
