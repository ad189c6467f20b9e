"""Adjustments (reason, audit event, conflict of interest), publication, inspection findings."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from cleangov.assessment.actions import (
    do_adjust_score,
    do_compute_assessment,
    do_publish_run,
    do_record_inspection_finding,
)
from cleangov.core.models import AuditEvent
from cleangov.deadlines.models import Deadline
from cleangov.orgs.actions import do_add_relation, do_create_person, do_start_post

from .helpers import FakeMetrics, load_test_framework

pytestmark = pytest.mark.django_db


def make_run(county, side="a"):
    township, village = county.townships[side], county.villages[side]
    fake = FakeMetrics({"ledgers.completeness": {township.pk: "0.5", village.pk: "0.8"},
                        "ledgers.burst_count": {township.pk: "0", village.pk: "0"}})
    return do_compute_assessment(framework_version=load_test_framework(), year=2026, scope_unit=township,
                                 selection="all", acting_user=None, metrics=fake.registry(),
                                 as_of=date(2026, 12, 31))


def test_adjustment_needs_a_reason_and_leaves_an_audit_event(county):
    run = make_run(county)
    snap = run.snapshots.get(unit=county.villages["a"])
    commission = county.persona("county_commission")
    with pytest.raises(ValidationError) as exc:
        do_adjust_score(snap, points=5, reason="  ", acting_user=commission)
    assert "reason" in exc.value.message_dict
    adj = do_adjust_score(snap, points=Decimal("-7.5"), reason="会议记录代签，核实后扣分", indicator_id="T-LEDGER",
                          acting_user=commission)
    snap.refresh_from_db()
    assert snap.computed_score == Decimal("85.00")  # (30*80 + 10*100) / 40: never changed by adjustments
    assert (snap.adjustment_total, snap.final_score) == (Decimal("-7.50"), Decimal("77.50"))
    event = AuditEvent.objects.get(event_code="assessment.score_adjusted", subject_id=str(adj.pk))
    assert event.actor == commission and event.unit_id == snap.unit_id
    assert event.after["reason"] == "会议记录代签，核实后扣分" and event.after["points"] == "-7.50"
    assert event.before["final_score"] == "85.00"


def test_final_score_stays_within_0_and_100(county):
    snap = make_run(county).snapshots.get(unit=county.villages["a"])
    do_adjust_score(snap, points=40, reason="重大贡献加分（测试）", acting_user=None)
    snap.refresh_from_db()
    assert snap.final_score == Decimal("100.00")


@pytest.mark.parametrize(("points", "indicator"), [(0, ""), (101, ""), (5, "NO-SUCH")])
def test_bad_adjustments_are_refused(county, points, indicator):
    snap = make_run(county).snapshots.get(unit=county.villages["a"])
    with pytest.raises(ValidationError):
        do_adjust_score(snap, points=points, reason="理由充分的调整", indicator_id=indicator, acting_user=None)


def test_published_results_are_final(county):
    run = make_run(county)
    do_publish_run(run, acting_user=county.persona("county_leader"))
    assert AuditEvent.objects.filter(event_code="assessment.run_published", subject_id=str(run.pk)).exists()
    with pytest.raises(ValidationError):
        do_adjust_score(run.snapshots.first(), points=1, reason="发布后调整", acting_user=None)
    with pytest.raises(ValidationError):
        do_publish_run(run, acting_user=None)


def test_no_adjustment_where_the_user_or_a_relative_holds_a_leading_post(county):
    run = make_run(county)
    snap = run.snapshots.get(unit=county.villages["a"])
    commission = county.persona("county_commission")
    # The commission member's sibling becomes the village's party secretary.
    sibling = do_create_person(acting_user=None, code="P-SIB", name="亲属", home_unit=county.villages["a"],
                               identity_number="110101198001019999")
    do_add_relation(acting_user=None, person=commission.person, relative=sibling, kind="sibling")
    post = do_start_post(acting_user=None, person=sibling, unit=county.villages["a"],
                         post_type="village_party_secretary", start_date=date(2026, 1, 1))
    with translation.override("en"), pytest.raises(ValidationError, match="relative"):
        do_adjust_score(snap, points=3, reason="关联人员调整测试", acting_user=commission)
    # A non-leading post of a relative is no conflict; a leading post of the user themselves is.
    from cleangov.orgs.models import Post

    Post.objects.filter(pk=post.pk).update(post_type="villager_representative")
    do_adjust_score(snap, points=3, reason="关联人员调整测试", acting_user=commission)
    discipline = county.persona("township_discipline")
    township_snap = run.snapshots.get(unit=county.townships["a"])
    with pytest.raises(ValidationError):
        do_adjust_score(township_snap, points=3, reason="本人任职单位", acting_user=discipline)


def test_inspection_finding_starts_a_deadline_for_the_responsible_person(county):
    run = make_run(county)
    secretary = county.persona("village_secretary")
    deadline = timezone.localdate() + timedelta(days=30)
    finding = do_record_inspection_finding(
        unit=county.villages["a"], run=run, indicator_id="T-LEDGER", description="三会一课记录不全",
        responsible_person=secretary.person, deadline=deadline, acting_user=county.persona("township_discipline"))
    # Rectification takes the problem over: the clock is its item's, and the to-do opens the work view.
    from cleangov.rectification.models import RectificationItem

    item = RectificationItem.objects.get(source_ref=f"assessment.inspectionfinding:{finding.pk}")
    assert item.problem_type == "other" and item.responsible_person == secretary.person
    assert not Deadline.objects.filter(subject_type="assessment.inspectionfinding").exists()
    clock = Deadline.objects.get(subject_type="rectification.rectificationitem", subject_id=str(item.pk))
    assert clock.due_date == deadline and clock.assignee == secretary and clock.unit_id == county.villages["a"].pk
    assert clock.link == f"/rectification/items/{item.pk}/work/"
    assert AuditEvent.objects.filter(event_code="assessment.finding_recorded", subject_id=str(finding.pk)).exists()
    with pytest.raises(ValidationError):  # not part of the framework
        do_record_inspection_finding(unit=county.villages["a"], run=run, indicator_id="X-1", description="x",
                                     responsible_person=secretary.person, deadline=deadline, acting_user=None)
    with pytest.raises(ValidationError):  # naming oneself
        do_record_inspection_finding(unit=county.villages["a"], run=run, description="自查",
                                     responsible_person=secretary.person, deadline=deadline, acting_user=secretary)
    with pytest.raises(ValidationError):  # a deadline in the past
        do_record_inspection_finding(unit=county.villages["a"], run=run, description="过期",
                                     responsible_person=secretary.person, deadline=date(2020, 1, 1),
                                     acting_user=None)
