"""Representatives' and villagers' meetings convened on a proposal: the proposers come from the people
register of the village, the share is computed exactly against the register (representatives) or the
number who should attend (villagers' meeting), and a proposal below the law's threshold is refused with
the numbers (Organic Law of Villagers' Committees Art. 21 and 26)."""

from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cleangov.core.models import AuditEvent
from cleangov.democracy.actions import (
    do_create_decision,
    do_record_decision_meeting,
    do_record_representatives_meeting,
    do_take_decision_step,
    register_ids_for_codes,
)
from cleangov.democracy.models import DecisionMeeting, RepresentativesMeeting
from cleangov.orgs.actions import do_create_person

from .helpers import add_party_members, add_representatives

pytestmark = pytest.mark.django_db


def _record(county, proposers, **kw):
    return do_record_representatives_meeting(
        acting_user=county.persona("village_secretary"), unit=county.villages["a"], held_on=date(2026, 11, 20),
        present=kw.pop("present", 8), agenda="讨论鱼塘承包合同续签", proposer_ids=[p.pk for p in proposers],
        proposed_on=kw.pop("proposed_on", date(2026, 11, 6)), **kw)


def test_one_fifth_of_the_registered_representatives_must_propose(county):
    reps = add_representatives(county, 14)  # with the fixture's own representative: 15 in the register
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        _record(county, reps[:2])
    text = " ".join(refused.value.messages)
    assert "2 of the 15" in text and "13.3%" in text and "3 of 15" in text and "Art. 26" in text
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused_zh:
        _record(county, reps[:2])
    assert "15" in refused_zh.value.messages[0] and "第二十六条" in refused_zh.value.messages[0]
    assert not RepresentativesMeeting.objects.exists()
    meeting = _record(county, reps[:3])  # exactly one fifth
    assert (meeting.convened, meeting.proposers_count, meeting.proposal_base) == ("proposal", 3, 15)
    assert set(meeting.proposers.values_list("pk", flat=True)) == {p.pk for p in reps[:3]}
    assert meeting.proposal.met and meeting.proposal.ratio_percent == "20.0%"
    event = AuditEvent.objects.get(event_code="democracy.representatives_meeting_recorded")
    assert event.after["proposers_count"] == 3 and event.after["proposal_base"] == 15
    assert sorted(event.after["proposers"]) == sorted(p.pk for p in reps[:3])
    # Convened by the committee: no proposers, nothing to check.
    plain = _record(county, [])
    assert plain.convened == "committee" and plain.proposal is None


def test_only_the_village_representatives_in_the_register_count(county):
    reps = add_representatives(county, 9)  # 10 in the register
    villager = do_create_person(acting_user=None, code="V-1", name="村民甲", home_unit=county.villages["a"])
    other = add_representatives(county, 1, side="b")[0]
    for intruder in (villager, other):
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            _record(county, [reps[0], intruder])
        assert "Only the village's representatives" in " ".join(refused.value.messages)
    with pytest.raises(ValidationError):  # a proposal after the meeting
        _record(county, reps[:2], proposed_on=date(2026, 11, 21))
    assert _record(county, reps[:2]).proposal_base == 10  # 2 of 10


def test_the_meeting_page_shows_the_numbers_and_the_form_records_the_proposers(county, login):
    reps = add_representatives(county, 14)  # 15 in the register
    client = login(county.persona("village_secretary"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    village_url = reverse("democracy:village", args=[county.villages["a"].pk])
    form = {"form": "meeting", "m-held_on": "2026-11-20", "m-present": "12", "m-agenda": "续签合同",
            "m-proposed_on": "2026-11-06"}
    refused = client.post(village_url, {**form, "m-proposer_ids": [str(reps[0].pk), str(reps[1].pk)]})
    assert refused.status_code == 200 and "2 of the 15" in refused.content.decode()
    assert not RepresentativesMeeting.objects.exists()
    done = client.post(village_url, {**form, "m-proposer_ids": [str(p.pk) for p in reps[:4]]})
    assert done.status_code == 302
    meeting = RepresentativesMeeting.objects.get()
    page = client.get(reverse("democracy:meeting_detail", args=[meeting.pk])).content.decode()
    assert "4 of 15 (26.7%; at least 3 needed)" in page and reps[0].name in page
    assert reverse("democracy:meeting_detail", args=[meeting.pk]) in client.get(village_url).content.decode()
    # Outside the village: the same 404 as a meeting that does not exist.
    other = login(county.persona("village_secretary", "b"))
    assert other.get(reverse("democracy:meeting_detail", args=[meeting.pk])).status_code == 404


def test_a_villagers_meeting_on_the_proposal_of_one_tenth_of_the_villagers(county):
    sec = county.persona("village_secretary")
    village = county.villages["a"]
    d = do_create_decision(acting_user=sec, unit=village, matter_type="public_welfare", title="修建村道")
    do_take_decision_step(d, acting_user=sec, name="propose")
    do_record_decision_meeting(d, acting_user=sec, body="two_committees", held_on=date(2026, 11, 2), present=2,
                               votes_for=2)
    add_party_members(county, 3)
    do_record_decision_meeting(d, acting_user=sec, body="party_members", held_on=date(2026, 11, 5), present=2,
                               votes_for=2)
    villagers = [do_create_person(acting_user=None, code=f"VL-{i}", name=f"村民{i}", home_unit=village)
                 for i in range(5)]
    with translation.override("en"), pytest.raises(ValidationError) as unknown:
        register_ids_for_codes(village, ["VL-0", "NOPE"])
    assert "NOPE" in " ".join(unknown.value.messages)
    ids = register_ids_for_codes(village, ["VL-0", "VL-1", "VL-2", "VL-3"])
    # 4 of 41 adult villagers: below one tenth
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        do_record_decision_meeting(d, acting_user=sec, body="assembly_adults", held_on=date(2026, 11, 9),
                                   expected=41, present=30, votes_for=20, proposer_ids=ids)
    assert "4 of the 41" in " ".join(refused.value.messages) and "5 of 41" in " ".join(refused.value.messages)
    meeting = do_record_decision_meeting(d, acting_user=sec, body="assembly_adults", held_on=date(2026, 11, 9),
                                         expected=41, present=30, votes_for=20,
                                         proposer_ids=[v.pk for v in villagers])
    assert (meeting.convened, meeting.proposers_count, meeting.proposal_base, meeting.passed) == (
        "proposal", 5, 41, True)
    assert DecisionMeeting.objects.filter(convened="proposal").count() == 1
