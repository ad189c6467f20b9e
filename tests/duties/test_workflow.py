"""Key points and the duty-item workflow: transitions, guards, clocks and audit events."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from cleangov.core.models import AuditEvent
from cleangov.deadlines.api import deadlines_for
from cleangov.deadlines.tick import run_tick
from cleangov.duties.access import access_duty_item_by_id, capabilities
from cleangov.duties.actions import (
    DEADLINE_RULE,
    do_add_duty_progress,
    do_add_key_point,
    do_create_duty_item,
    do_create_keypoints,
    do_publish_keypoints,
    do_transition_duty_item,
    do_update_duty_item,
)
from cleangov.duties.workflow import DUTY_TRANSITIONS, available

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def test_key_points_publish_needs_points_and_then_freezes(county):
    leader = county.persona("county_leader")
    doc = do_create_keypoints(acting_user=leader, unit=county.county, year=2031, title="2031年工作要点")
    with pytest.raises(ValidationError):
        do_publish_keypoints(doc, acting_user=leader)
    do_add_key_point(doc, acting_user=leader, title="一")
    do_add_key_point(doc, acting_user=leader, title="二")
    assert list(doc.points.values_list("number", flat=True)) == [1, 2]
    do_publish_keypoints(doc, acting_user=leader)
    with pytest.raises(ValidationError):
        do_add_key_point(doc, acting_user=leader, title="三")
    with pytest.raises(ValidationError):
        do_publish_keypoints(doc, acting_user=leader)
    assert AuditEvent.objects.filter(event_code="duties.keypoints_published", subject_id=str(doc.pk)).count() == 1


def test_only_the_county_publishes_key_points(county):
    with pytest.raises(ValidationError):
        do_create_keypoints(acting_user=None, unit=county.townships["a"], year=2031, title="x")


def test_lead_leader_must_hold_a_post_in_the_unit(county, key_point):
    with pytest.raises(ValidationError) as exc:
        do_create_duty_item(acting_user=None, unit=county.townships["a"], year=YEAR, title="x",
                            lead_person=county.persona("township_leader", "b").person, due_date=date(YEAR, 6, 30),
                            expected_evidence="y", key_point=key_point)
    assert "lead_person" in exc.value.message_dict


def test_items_come_from_published_key_points_of_the_same_year(county):
    leader = county.persona("county_leader")
    draft = do_create_keypoints(acting_user=leader, unit=county.county, year=YEAR, title="draft")
    point = do_add_key_point(draft, acting_user=leader, title="一")
    with pytest.raises(ValidationError) as exc:
        do_create_duty_item(acting_user=None, unit=county.townships["a"], year=YEAR, title="x",
                            lead_person=county.persona("township_leader").person, due_date=date(YEAR, 6, 30),
                            expected_evidence="y", key_point=point)
    assert "key_point" in exc.value.message_dict


def test_responsibility_follows_the_post(make_item):
    assert make_item(lead_role="township_secretary").responsibility == "first_responsible"
    assert make_item(lead_role="township_leader").responsibility == "dual_duty"


def test_full_path_assign_progress_complete_verify(county, make_item):
    item = make_item(assign=False)
    assert item.status == "draft"
    assert not deadlines_for(item).exists()
    secretary = county.persona("township_secretary")
    item = do_transition_duty_item(item, "assign", acting_user=secretary)
    clock = deadlines_for(item, rule=DEADLINE_RULE).get()
    assert (clock.status, clock.due_date) == ("open", item.due_date)
    assert clock.assignee == county.persona("township_leader")

    lead = county.persona("township_leader")
    with pytest.raises(ValidationError):  # no evidence yet
        do_transition_duty_item(item, "complete", acting_user=lead)
    do_add_duty_progress(item, acting_user=lead, text="召开第一季度汇报会")
    item.refresh_from_db()
    assert item.status == "in_progress"
    item = do_transition_duty_item(item, "complete", acting_user=lead)
    assert item.status == "done" and item.completed_on == timezone.localdate()
    assert deadlines_for(item, rule=DEADLINE_RULE).get().status == "met"
    item = do_transition_duty_item(item, "verify", acting_user=county.persona("township_discipline"))
    assert item.status == "verified" and item.verified_by == county.persona("township_discipline")
    codes = list(AuditEvent.objects.filter(subject_type="duties.dutyitem", subject_id=str(item.pk))
                 .order_by("seq").values_list("event_code", flat=True))
    assert codes == ["duties.item_created", "duties.item_assigned", "duties.progress_added",
                     "duties.item_in_progress", "duties.item_done", "duties.item_verified"]


def test_wrong_source_status_is_refused(county, make_item):
    item = make_item()
    with pytest.raises(ValidationError):
        do_transition_duty_item(item, "verify", acting_user=county.persona("township_secretary"))
    with pytest.raises(ValidationError):
        do_transition_duty_item(item, "assign", acting_user=county.persona("township_secretary"))


def test_return_needs_a_reason_and_restarts_the_clock(county, make_item):
    lead = county.persona("township_leader")
    item = make_item()
    do_add_duty_progress(item, acting_user=lead, text="done")
    do_transition_duty_item(item, "complete", acting_user=lead)
    secretary = county.persona("township_secretary")
    with pytest.raises(ValidationError):
        do_transition_duty_item(item, "return", acting_user=secretary)
    item = do_transition_duty_item(item, "return", acting_user=secretary, reason="缺少会议记录")
    assert item.status == "in_progress" and item.completed_on is None
    statuses = sorted(deadlines_for(item, rule=DEADLINE_RULE).values_list("status", flat=True))
    assert statuses == ["met", "open"]


def test_cancel_cancels_the_clock(county, make_item):
    item = make_item()
    do_transition_duty_item(item, "cancel", acting_user=county.persona("township_secretary"), reason="合并")
    assert deadlines_for(item, rule=DEADLINE_RULE).get().status == "cancelled"


def test_only_drafts_are_edited(county, make_item):
    item = make_item(assign=False)
    do_update_duty_item(item, acting_user=None, title="新标题")
    item.refresh_from_db()
    assert item.title == "新标题"
    do_transition_duty_item(item, "assign", acting_user=None)
    with pytest.raises(ValidationError):
        do_update_duty_item(item, acting_user=None, title="悄悄修改")


def test_overdue_comes_from_the_deadline_tick(county, make_item):
    item = make_item(due=timezone.localdate() - timedelta(days=3))
    run_tick(today=timezone.localdate())
    assert deadlines_for(item, rule=DEADLINE_RULE).get().status == "overdue"
    # Completing late meets the overdue clock; the item is done, late.
    lead = county.persona("township_leader")
    do_add_duty_progress(item, acting_user=lead, text="补做")
    item = do_transition_duty_item(item, "complete", acting_user=lead)
    clock = deadlines_for(item, rule=DEADLINE_RULE).get()
    assert clock.status == "met" and clock.overdue_at is not None


def test_capabilities(county, make_item):
    item = make_item()
    assert capabilities(county.persona("township_secretary"), item) == {"manage", "lead", "verify"}
    assert capabilities(county.persona("township_leader"), item) == {"lead"}  # no self-verification
    assert capabilities(county.persona("township_discipline"), item) == {"verify"}
    assert capabilities(county.persona("county_commission"), item) == {"verify"}
    assert capabilities(county.persona("auditor"), item) == set()
    with pytest.raises(Http404):
        access_duty_item_by_id(county.persona("township_leader"), item.pk, action="verify")
    with pytest.raises(Http404):
        access_duty_item_by_id(county.persona("township_secretary", "b"), item.pk, action="view")


def test_member_sees_own_items_only(county, make_item):
    own = make_item(lead_role="township_leader")
    other = make_item(lead_role="township_secretary")
    leader = county.persona("township_leader")
    assert access_duty_item_by_id(leader, own.pk).pk == own.pk
    with pytest.raises(Http404):
        access_duty_item_by_id(leader, other.pk)
    # The first responsible person sees all items of the unit.
    assert access_duty_item_by_id(county.persona("township_secretary"), own.pk).pk == own.pk


def test_transition_table_is_consistent():
    for name, t in DUTY_TRANSITIONS.items():
        assert t.name == name and t.target not in t.sources
        assert t.capability in {"manage", "lead", "verify"}
    assert [t.name for t in available("done")] == ["verify", "return"]
