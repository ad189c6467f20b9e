"""The pages, through HTTP: a decision's meeting recorded from the form (a failed quorum is shown and
does not advance), a levy over the cap refused with its message, the monthly review by the
supervision committee, and the public pages."""

from datetime import date

import pytest
from django.urls import reverse

from cleangov.democracy.actions import (
    do_create_decision,
    do_record_decision_meeting,
    do_take_decision_step,
)
from cleangov.democracy.models import Decision, LevyPlan

from .helpers import add_party_members

pytestmark = pytest.mark.django_db


def test_village_page_and_overview(login, county):
    client = login(county.persona("village_secretary"))
    assert client.get(reverse("democracy:index")).status_code == 200
    page = client.get(reverse("democracy:village", args=[county.villages["a"].pk]))
    assert page.status_code == 200
    assert client.get(reverse("democracy:village", args=[county.villages["b"].pk])).status_code == 404


def test_meeting_form_refuses_to_advance_without_quorum(login, county):
    sec = county.persona("village_secretary")
    d = do_create_decision(acting_user=sec, unit=county.villages["a"], matter_type="public_welfare", title="修桥")
    do_take_decision_step(d, acting_user=sec, name="propose")
    do_record_decision_meeting(d, acting_user=sec, body="two_committees", held_on=date(2026, 11, 1), present=2,
                               votes_for=2)
    members = add_party_members(county, 9)
    client = login(sec)
    url = reverse("democracy:decision_detail", args=[d.pk])
    page = client.post(url, {"form": "meeting", "mt-body": "party_members", "mt-held_on": "2026-11-20",
                             "mt-attendees": [str(p.pk) for p in members[:5]], "mt-votes_for": "5",
                             "mt-votes_against": "0", "mt-abstentions": "0"})
    assert page.status_code == 302
    assert Decision.objects.get(pk=d.pk).status == "discussed"
    text = client.get(url).content.decode()
    assert "55.6%" in text and "未达到法定人数" in text


def test_levy_over_the_cap_is_refused_on_the_page(login, county):
    client = login(county.persona("committee_director"))
    url = reverse("democracy:village", args=[county.villages["a"].pk])
    form = {"form": "levy", "l-year": "2026", "l-project": "文化广场", "l-budget": "50000",
            "l-cash_per_person": "16", "l-workdays_per_labourer": "4", "l-persons": "900", "l-labourers": "400"}
    page = client.post(url, form)
    assert page.status_code == 200 and "上限" in page.content.decode()
    assert not LevyPlan.objects.exists()
    form["l-cash_per_person"] = "15"
    assert client.post(url, form).status_code == 302
    assert LevyPlan.objects.get().cash_per_person == 15


def test_public_pages_show_only_what_was_disclosed(client, county):
    sec = county.persona("village_secretary")
    village = county.villages["a"]
    hidden = do_create_decision(acting_user=sec, unit=village, matter_type="homestead", title="尚未公开的事项")
    shown = do_create_decision(acting_user=sec, unit=village, matter_type="public_welfare", title="村道硬化")
    Decision.objects.filter(pk=shown.pk).update(status="resolution_disclosed", resolution_ref="决议〔2026〕1号",
                                                resolution_text="同意修建")
    page = client.get(reverse("democracy_public:village", args=[village.code])).content.decode()
    assert "村道硬化" in page and "同意修建" in page and hidden.title not in page
    listing = client.get(reverse("democracy_public:villages")).content.decode()
    assert village.name in listing and county.villages["b"].name not in listing
    assert client.get(reverse("democracy_public:village", args=["NOPE"])).status_code == 404
    assert client.get(reverse("democracy_public:appraisal")).status_code == 200
    assert client.get(reverse("democracy_public:concern_follow")).status_code == 200
