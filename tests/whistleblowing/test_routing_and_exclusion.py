"""Routing to the office with jurisdiction, one level up for an office's own leaders, and the
exclusion of the people reported on and their relatives from every page that shows a report."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from cleangov.accounts.actions import do_assign_role, do_create_user
from cleangov.accounts.choices import RoleChoices as R
from cleangov.orgs.actions import do_add_relation, do_create_person, do_start_post
from cleangov.orgs.choices import PostTypeChoices as P
from cleangov.whistleblowing import actions
from cleangov.whistleblowing.choices import RoutingChoices
from cleangov.whistleblowing.models import Recusal, Report
from tests.support.county import PASSWORD

from .helpers import unlock

pytestmark = pytest.mark.django_db


def _submit(county, unit, name, **kw):
    return actions.do_submit_report(subject_unit=unit, subject_name=name, category="corruption",
                                    what="问题描述", **kw).report


# (where the reporter says it happened, who is named) -> office, routing: the specification as a table.
ROUTES = [
    ("village a", "", "township a", RoutingChoices.JURISDICTION),
    ("village a", "village secretary a", "township a", RoutingChoices.JURISDICTION),
    ("village a", "township head a", "county", RoutingChoices.UP_OWN_HEAD),  # a villager names the township head
    ("township a", "township head a", "county", RoutingChoices.UP_OWN_HEAD),
    ("township b", "township party secretary b", "county", RoutingChoices.UP_OWN_HEAD),
    ("township b", "township discipline secretary b", "county", RoutingChoices.UP_OWN_HEAD),
    ("department a", "", "county", RoutingChoices.JURISDICTION),
    ("group b", "", "township b", RoutingChoices.JURISDICTION),
]
ROLE_OF = {"village secretary": R.VILLAGE_SECRETARY, "township head": R.TOWNSHIP_LEADER,
           "township party secretary": R.TOWNSHIP_SECRETARY, "township discipline secretary": R.TOWNSHIP_DISCIPLINE}


def test_routing(wb):
    for where, who, office, routing in ROUTES:
        level, side = where.rsplit(" ", 1)
        name = ""
        if who:
            role, who_side = who.rsplit(" ", 1)
            name = wb.persona(ROLE_OF[role], who_side).person.name
        report = _submit(wb, wb.unit(level, side), f"{name} 等人")
        expected = wb.county if office == "county" else wb.unit(*office.split(" "))
        assert (report.office, report.routing) == (expected, routing), (where, who)


def test_report_about_township_head_is_not_shown_to_the_township(wb):
    head = wb.persona(R.TOWNSHIP_LEADER, "a")
    report = _submit(wb, wb.villages["a"], head.person.name)
    township = unlock(Client(), wb.persona(R.TOWNSHIP_DISCIPLINE, "a"))
    assert township.get(f"/whistleblowing/{report.pk}/").status_code == 404
    assert report.number not in township.get("/whistleblowing/?status=all").content.decode()
    county = unlock(Client(), wb.persona(R.COUNTY_COMMISSION))
    assert county.get(f"/whistleblowing/{report.pk}/").status_code == 200


@pytest.fixture
def relative_handler(wb):
    """A second discipline handler of township A whose registered sibling is a village cadre there."""
    cadre = do_create_person(acting_user=None, code="P-CADRE", name="欧阳明德", home_unit=wb.villages["a"],
                             identity_number="110101198001019999")
    do_start_post(acting_user=None, person=cadre, unit=wb.villages["a"], post_type=P.COMMITTEE_MEMBER,
                  start_date=date(2024, 1, 1))
    person = do_create_person(acting_user=None, code="P-HANDLER2", name="欧阳明理", home_unit=wb.villages["a"],
                              identity_number="110101198001018888")
    do_add_relation(acting_user=None, person=person, relative=cadre, kind="sibling")
    user = do_create_user(acting_user=None, username="handler2", password=PASSWORD, person=person)
    do_assign_role(acting_user=None, user=user, role=R.TOWNSHIP_DISCIPLINE, unit=wb.townships["a"])
    return cadre, user


def test_subject_and_relatives_never_see_the_report(wb, relative_handler):
    cadre, sibling_handler = relative_handler
    report = _submit(wb, wb.villages["a"], cadre.name)
    actions.do_register_report(report, acting_user=wb.persona(R.TOWNSHIP_DISCIPLINE, "a"))
    # the relative is withdrawn automatically, and it is recorded
    assert Recusal.objects.filter(report=report, user=sibling_handler).exists()
    client = unlock(Client(), sibling_handler)
    for url in (f"/whistleblowing/{report.pk}/", f"/whistleblowing/{report.pk}/do/accept/"):
        response = client.get(url) if not url.endswith("accept/") else client.post(url)
        assert response.status_code == 404
    assert report.number not in client.get("/whistleblowing/?status=all").content.decode()
    stats = client.get("/whistleblowing/statistics/").content.decode()
    assert "No reports yet" in stats  # the report is not even counted for them (nothing else exists)
    deadlines = client.get("/deadlines/").content.decode() if client.get("/deadlines/").status_code == 200 else ""
    assert report.number not in deadlines
    audit = client.get("/audit/")
    assert audit.status_code == 404 or report.number not in audit.content.decode()
    with pytest.raises(PermissionDenied):
        actions.do_accept_report(report, acting_user=sibling_handler)


def test_a_subject_with_county_rank_is_excluded_too(wb):
    """Whatever their rank: a county commission member reported on does not see the report."""
    commission = wb.persona(R.COUNTY_COMMISSION)
    report = _submit(wb, wb.county, commission.person.name)
    client = unlock(Client(), commission)
    assert client.get(f"/whistleblowing/{report.pk}/").status_code == 404
    assert Report.objects.filter(pk=report.pk).exists()


def test_recusal_hides_the_report_and_is_recorded(wb):
    handler = wb.persona(R.TOWNSHIP_DISCIPLINE, "a")
    report = _submit(wb, wb.villages["a"], "")
    client = unlock(Client(), handler)
    response = client.post(f"/whistleblowing/{report.pk}/do/recuse/", {"reason": "同学关系"})
    assert response.status_code == 302
    assert Recusal.objects.get(report=report, user=handler).reason == "同学关系"
    assert client.get(f"/whistleblowing/{report.pk}/").status_code == 404


def test_identity_needs_a_second_handler(wb, relative_handler):
    from cleangov.core.models import AuditEvent

    _cadre, _sibling = relative_handler
    report = _submit(wb, wb.villages["a"], "", real_name="李四", contact="13800000000")
    first = wb.persona(R.TOWNSHIP_DISCIPLINE, "a")
    second = wb.persona(R.COUNTY_COMMISSION)
    client = unlock(Client(), first)
    url = f"/whistleblowing/{report.pk}/identity/"
    page = client.get(url).content.decode()
    assert "13800000000" not in page and "Two handlers are needed" in page
    assert client.post(url, {"reason": ""}).status_code == 200  # a reason is required; nothing recorded
    assert not report.identity_requests.exists()
    assert client.post(url, {"reason": "需要核实举报细节"}).status_code == 302
    request = report.identity_requests.get()
    assert AuditEvent.objects.filter(event_code="whistleblowing.identity_requested", actor=first).count() == 1
    with pytest.raises(PermissionDenied):  # nobody approves their own request
        actions.do_decide_identity_request(request, acting_user=first, approve=True)
    assert "13800000000" not in client.post(url).content.decode()  # still pending: the POST reveals nothing
    actions.do_decide_identity_request(request, acting_user=second, approve=True)
    # Approved: a GET (a link, a prefetch, a crawler) only asks for confirmation and records nothing.
    page = client.get(url).content.decode()
    assert "13800000000" not in page and "csrfmiddlewaretoken" in page
    assert "13800000000" not in client.get(f"/whistleblowing/{report.pk}/?identity=1").content.decode()
    assert not AuditEvent.objects.filter(event_code="whistleblowing.identity_viewed").exists()
    page = client.post(url).content.decode()
    assert "13800000000" in page
    assert AuditEvent.objects.filter(event_code="whistleblowing.identity_viewed", actor=first).count() == 1


def test_identity_post_needs_the_csrf_token_and_is_hidden_from_the_excluded(wb, relative_handler):
    cadre, sibling = relative_handler
    report = _submit(wb, wb.villages["a"], cadre.name, real_name="李四", contact="13800000000")
    first, second = wb.persona(R.TOWNSHIP_DISCIPLINE, "a"), wb.persona(R.COUNTY_COMMISSION)
    actions.do_register_report(report, acting_user=first)
    request = actions.do_request_reporter_identity(report, acting_user=first, reason="核实")
    actions.do_decide_identity_request(request, acting_user=second, approve=True)
    client = Client(enforce_csrf_checks=True)
    client.cookies = unlock(Client(), first).cookies  # the unlocked session, now with CSRF checks
    url = f"/whistleblowing/{report.pk}/identity/"
    assert client.post(url).status_code == 403  # no token: refused before anything is read
    from cleangov.core.models import AuditEvent

    assert not AuditEvent.objects.filter(event_code="whistleblowing.identity_viewed").exists()
    # the cadre's sibling (recused automatically) gets the same 404 as for a missing report
    excluded = unlock(Client(), sibling)
    assert excluded.get(url).status_code == 404 and excluded.post(url).status_code == 404
    # an anonymous report has no identity page
    anonymous = _submit(wb, wb.villages["a"], "")
    assert unlock(Client(), first).get(f"/whistleblowing/{anonymous.pk}/identity/").status_code == 404
