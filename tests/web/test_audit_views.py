"""The audit-trail viewer: who may read it, scope, conflict of interest, filters, pagination cost."""

from datetime import timedelta

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cleangov.accounts.choices import RoleChoices as R
from cleangov.core.access import access_audit_event_by_id, restrict_audit_events
from cleangov.core.models import AuditEvent
from cleangov.orgs.actions import (
    do_add_relation,
    do_create_person,
    do_set_rank_mapping,
    do_update_person,
    do_update_unit,
)
from cleangov.orgs.choices import PersonRankChoices, RelationKindChoices

LIST = reverse("core:audit_event_list")


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


def _detail(event) -> str:
    return reverse("core:audit_event_detail", args=[event.pk])


def _seqs(response) -> set[int]:
    return {row["event"].seq for row in response.context["rows"]}


@pytest.mark.parametrize("role", [R.VILLAGE_SECRETARY, R.ACCOUNTANT, R.DEPARTMENT_HEAD, R.TOWNSHIP_LEADER,
                                  R.LIAISON_CADRE, R.SUPERVISION_MEMBER])
def test_roles_without_the_trail_get_404(county, persona, login, role):
    client = login(persona(role, "a"))
    assert client.get(LIST).status_code == 404
    event = AuditEvent.objects.filter(unit=county.villages["a"]).first()
    assert client.get(_detail(event)).status_code == 404


def test_anonymous_is_sent_to_login(client, county):
    response = client.get(LIST)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_township_discipline_reads_its_subtree_only(county, persona, login):
    updated = do_update_unit(county.villages["b"], acting_user=None, name="改名村")
    event_b = AuditEvent.objects.get(event_code="orgs.unit_updated", subject_id=str(updated.pk))
    event_a = AuditEvent.objects.get(event_code="orgs.unit_created", subject_id=str(county.villages["a"].pk))
    mapping = do_set_rank_mapping(acting_user=None, local_grade="乡科级正职", rank=PersonRankChoices.OTHER)
    unitless = AuditEvent.objects.get(event_code="orgs.rank_mapping_set", subject_id=str(mapping.pk))

    client = login(persona(R.TOWNSHIP_DISCIPLINE, "a"))
    assert client.get(_detail(event_a)).status_code == 200
    assert client.get(_detail(event_b)).status_code == 404
    assert client.get(_detail(unitless)).status_code == 404  # events without a unit: county-wide roles only
    seqs = _seqs(client.get(LIST, {"event": "orgs.unit_"}))
    assert event_a.seq in seqs and event_b.seq not in seqs

    county_client = login(persona(R.COUNTY_LEADER))
    assert county_client.get(_detail(event_b)).status_code == 200
    assert county_client.get(_detail(unitless)).status_code == 200


@pytest.fixture
def spouse_case(county, persona):
    """A county commission member whose spouse (a village cadre) is the subject of events.

    The member edited the spouse's record before the marriage was registered: once it is, actions
    refuse them (cleangov.orgs.conflicts), but the trail still shows them what they did."""
    commission = persona(R.COUNTY_COMMISSION)
    spouse = do_create_person(acting_user=None, code="P-SPOUSE", name="配偶", home_unit=county.villages["a"])
    do_update_person(spouse, acting_user=None, phone="13900000000")
    by_other = AuditEvent.objects.get(event_code="orgs.person_updated", subject_id=str(spouse.pk))
    do_update_person(spouse, acting_user=commission, phone="13900000001")
    by_self = AuditEvent.objects.filter(event_code="orgs.person_updated", subject_id=str(spouse.pk)).latest("seq")
    do_add_relation(acting_user=None, person=commission.person, relative=spouse, kind=RelationKindChoices.SPOUSE)
    return commission, spouse, by_other, by_self


def test_conflicted_user_cannot_list_or_open_events_about_a_relative(spouse_case, login):
    commission, _spouse, by_other, _by_self = spouse_case
    client = login(commission)
    response = client.get(LIST)
    assert response.status_code == 200
    assert by_other.seq not in _seqs(response)
    assert client.get(_detail(by_other)).status_code == 404
    # The same rule holds for the gate used by any other caller.
    with pytest.raises(Http404):
        access_audit_event_by_id(commission, by_other.pk)


def test_conflicted_user_still_sees_events_they_made(spouse_case, login):
    commission, _spouse, _by_other, by_self = spouse_case
    client = login(commission)
    assert by_self.actor_id == commission.pk
    assert by_self.seq in _seqs(client.get(LIST))
    assert client.get(_detail(by_self)).status_code == 200


def test_unrelated_user_sees_both_events(spouse_case, persona, login):
    _commission, _spouse, by_other, by_self = spouse_case
    client = login(persona(R.AUDITOR))
    seqs = _seqs(client.get(LIST, {"text": "配偶"}))
    assert {by_other.seq, by_self.seq} <= seqs
    assert client.get(_detail(by_other)).status_code == 200


def test_conflict_covers_the_users_own_person_and_relation_events(spouse_case):
    commission, spouse, _by_other, _by_self = spouse_case
    visible = restrict_audit_events(AuditEvent.objects.all(), commission)
    # The relation itself names both people and was recorded by the system, not by them.
    assert not visible.filter(event_code="orgs.relation_added").exists()
    assert not visible.filter(subject_type="orgs.person", subject_id=str(commission.person_id)).exists()
    assert not visible.filter(subject_links__person=spouse, actor__isnull=True).exists()
    assert visible.filter(subject_links__person=spouse, actor=commission).exists()


def test_filters_narrow_the_list(county, persona, login):
    do_update_unit(county.villages["a"], acting_user=persona(R.SYSADMIN), name="新名村")
    client = login(persona(R.COUNTY_COMMISSION))
    rows = client.get(LIST, {"actor": "sysadmin_a"}).context["rows"]
    assert rows and all(r["event"].actor_id == persona(R.SYSADMIN).pk for r in rows)
    rows = client.get(LIST, {"event": "orgs.unit_updated"}).context["rows"]
    assert [r["event"].event_code for r in rows] == ["orgs.unit_updated"]
    rows = client.get(LIST, {"subject_type": "accounts.roleassignment"}).context["rows"]
    assert rows and all(r["event"].subject_type == "accounts.roleassignment" for r in rows)
    rows = client.get(LIST, {"unit": "T2", "event": "orgs.unit_created"}).context["rows"]
    assert {r["event"].subject_repr for r in rows} == {"第2镇", "第2村", "第2村一组"}
    rows = client.get(LIST, {"text": "新名村"}).context["rows"]
    assert len(rows) == 1 and rows[0]["event"].event_code == "orgs.unit_updated"
    today = timezone.localdate()
    assert client.get(LIST, {"date_from": today.isoformat(), "date_to": today.isoformat()}).context["rows"]
    tomorrow = today + timedelta(days=1)
    assert not client.get(LIST, {"date_from": tomorrow.isoformat()}).context["rows"]
    bad = client.get(LIST, {"date_from": tomorrow.isoformat(), "date_to": today.isoformat()})
    assert "The end date is before the start date." in bad.content.decode()


def test_unit_filter_cannot_widen_scope(county, persona, login):
    client = login(persona(R.TOWNSHIP_SECRETARY, "a"))
    assert not client.get(LIST, {"unit": "T2"}).context["rows"]


def test_list_shows_label_and_diff_and_detail_shows_before_after(county, persona, login):
    do_update_unit(county.villages["a"], acting_user=None, name="改后村")
    event = AuditEvent.objects.get(event_code="orgs.unit_updated")
    client = login(persona(R.COUNTY_COMMISSION))
    html = client.get(LIST).content.decode()
    assert "Unit changed" in html and "第1村" in html and "改后村" in html
    detail = client.get(_detail(event)).content.decode()
    assert "Unit changed" in detail and event.content_hash in detail
    assert "第1村" in detail and "改后村" in detail and "changed" in detail


def _many_events(county, n):
    village = county.villages["a"]
    for i in range(n):
        village = do_update_unit(village, acting_user=None, name_en=f"Village 1 rev {i}")


def test_a_page_costs_a_fixed_number_of_queries(county, persona, login, django_assert_max_num_queries):
    client = login(persona(R.COUNTY_COMMISSION))
    _many_events(county, 5)
    with CaptureQueriesContext(connection) as small:
        client.get(LIST)
    _many_events(county, 120)
    with CaptureQueriesContext(connection) as big:
        response = client.get(LIST)
    assert len(response.context["rows"]) == 50
    assert len(big) == len(small) <= 16  # session, user, 2FA check, assignments, relations, count, rows
    with django_assert_max_num_queries(len(small)):
        page2 = client.get(LIST, {"page": 2, "event": "orgs."})
    assert page2.context["page"].number == 2 and len(page2.context["rows"]) == 50


def test_pagination_keeps_filters(county, persona, login):
    _many_events(county, 60)
    client = login(persona(R.COUNTY_COMMISSION))
    html = client.get(LIST, {"event": "orgs.unit_updated"}).content.decode()
    assert "?event=orgs.unit_updated&amp;page=2" in html


def test_verify_button_for_commission_only(county, persona, login):
    commission = login(persona(R.COUNTY_COMMISSION))
    assert "Verify the trail now" in commission.get(LIST).content.decode()
    assert commission.get(reverse("core:audit_verify_trail")).status_code == 405
    response = commission.post(reverse("core:audit_verify_trail"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    from cleangov.core.models import TaskProgress

    progress = TaskProgress.objects.get(started_by=persona(R.COUNTY_COMMISSION))
    assert reverse("core:task_progress", args=[progress.task_id]) in html

    township = login(persona(R.TOWNSHIP_DISCIPLINE, "a"))
    assert "Verify the trail now" not in township.get(LIST).content.decode()
    assert township.post(reverse("core:audit_verify_trail")).status_code == 404


def test_phone_numbers_in_the_trail_follow_the_person_page_rule(county, persona, login):
    person = persona(R.VILLAGE_SECRETARY, "a").person
    do_update_person(person, acting_user=None, phone="13912345678")
    event = AuditEvent.objects.filter(event_code="orgs.person_updated", subject_id=str(person.pk)).latest("seq")
    commission = login(persona(R.COUNTY_COMMISSION)).get(_detail(event)).content.decode()
    assert "13912345678" in commission
    leader = login(persona(R.COUNTY_LEADER)).get(_detail(event)).content.decode()
    assert "13912345678" not in leader and "*******5678" in leader
