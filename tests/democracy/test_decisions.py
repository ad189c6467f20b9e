from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cleangov.core.models import AuditEvent
from cleangov.democracy.actions import do_create_decision, do_record_decision_meeting, do_take_decision_step
from cleangov.democracy.models import Decision

from .helpers import add_party_members

pytestmark = pytest.mark.django_db


def _discussed(county):
    sec = county.persona("village_secretary")
    d = do_create_decision(acting_user=sec, unit=county.villages["a"], matter_type="public_welfare", title="修建村道")
    do_take_decision_step(d, acting_user=sec, name="propose")
    do_record_decision_meeting(d, acting_user=sec, body="two_committees", held_on=date(2026, 11, 2), present=2,
                               votes_for=2)  # the register's two committee members (secretary, director)
    d.refresh_from_db()
    assert d.status == "discussed"
    return d, sec


def test_a_party_members_meeting_without_quorum_does_not_advance(county):
    d, sec = _discussed(county)
    members = add_party_members(county, 9)
    meeting = do_record_decision_meeting(d, acting_user=sec, body="party_members", held_on=date(2026, 11, 5),
                                         present=None, votes_for=5, attendee_ids=[p.pk for p in members[:5]])
    d.refresh_from_db()
    assert (meeting.expected, meeting.present, meeting.expected_from_register) == (9, 5, True)
    assert not meeting.quorum_met and not meeting.passed
    assert d.status == "discussed"
    assert AuditEvent.objects.filter(event_code="democracy.meeting_failed").count() == 1
    # The villagers' meeting cannot be held on it, and no plain step skips the review.
    with pytest.raises(ValidationError):
        do_record_decision_meeting(d, acting_user=sec, body="representatives", held_on=date(2026, 11, 6),
                                   expected=20, present=20, votes_for=20)
    with pytest.raises(ValidationError):
        do_take_decision_step(d, acting_user=sec, name="review")
    with pytest.raises(ValidationError):
        do_take_decision_step(d, acting_user=sec, name="disclose_resolution")
    # With two thirds present (6 of 9) and 5 of 9 for, it passes.
    do_record_decision_meeting(d, acting_user=sec, body="party_members", held_on=date(2026, 11, 8), present=None,
                               votes_for=5, attendee_ids=[p.pk for p in members[:6]])
    d.refresh_from_db()
    assert d.status == "reviewed"


def test_the_register_count_overrides_an_entered_number(county):
    d, sec = _discussed(county)
    add_party_members(county, 9)
    meeting = do_record_decision_meeting(d, acting_user=sec, body="party_members", held_on=date(2026, 11, 5),
                                         expected=6, present=6, votes_for=5)
    assert meeting.expected == 9 and meeting.passed  # 6 of 9 registered members present


def test_full_chain_and_disclosure(county):
    d, sec = _discussed(county)
    add_party_members(county, 3)
    do_record_decision_meeting(d, acting_user=sec, body="party_members", held_on=date(2026, 11, 5), present=2,
                               votes_for=2)
    do_record_decision_meeting(d, acting_user=sec, body="assembly_adults", held_on=date(2026, 11, 9), expected=400,
                               present=201, votes_for=150, resolution_text="同意修建")
    d.refresh_from_db()
    assert d.status == "decided" and d.resolution_ref and d.decided_on == date(2026, 11, 9)
    with pytest.raises(ValidationError):
        do_take_decision_step(d, acting_user=sec, name="disclose_result", text="已完工")
    do_take_decision_step(d, acting_user=sec, name="disclose_resolution")
    with pytest.raises(ValidationError):
        do_take_decision_step(d, acting_user=sec, name="disclose_result", text="")
    do_take_decision_step(d, acting_user=sec, name="disclose_result", text="已完工，结算公开")
    assert Decision.objects.get(pk=d.pk).status == "result_disclosed"


def test_steps_merge_only_when_one_person_holds_both_posts(county):
    from cleangov.orgs.actions import do_start_post

    sec = county.persona("village_secretary")
    d = do_create_decision(acting_user=sec, unit=county.villages["a"], matter_type="homestead", title="宅基地规划")
    with pytest.raises(ValidationError):
        do_take_decision_step(d, acting_user=sec, name="propose_merged")
    do_start_post(acting_user=None, person=sec.person, unit=county.villages["a"], post_type="committee_director",
                  start_date=date(2024, 1, 1))
    do_take_decision_step(d, acting_user=sec, name="propose_merged")
    d.refresh_from_db()
    assert d.status == "discussed" and d.steps_merged
