"""Audit runs give findings a stable identity; review actions need reasons and write audit events;
the conflict-of-interest rule holds on every route that shows a finding."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cleangov.core.models import AuditEvent
from cleangov.deadlines.models import Deadline
from cleangov.finance.actions import (
    FindingActionError,
    do_confirm_finding,
    do_dismiss_finding,
    do_escalate_finding,
    false_positive_rates,
)
from cleangov.finance.models import Finding, FindingPerson
from cleangov.orgs.actions import do_add_relation, do_create_person

from .helpers import audit, import_rows, sample_rows

pytestmark = pytest.mark.django_db


def _claimant(county):
    return do_create_person(acting_user=None, code="P-CLAIM", name="覃报销", home_unit=county.villages["a"],
                            identity_number="110101198001019999")


def test_stable_identity_across_runs_and_corrections(county, tmp_path):
    code = county.villages["a"].code
    first = import_rows(county, tmp_path, sample_rows(code), name="a.csv")
    run1 = audit(county.townships["a"])
    assert sorted(Finding.objects.values_list("rule", flat=True)) == ["cash_over_limit", "iou_receipt"]
    ids = set(Finding.objects.values_list("pk", flat=True))
    run2 = audit(county.townships["a"])
    assert (run2.findings_total, run2.findings_new) == (2, 0)
    assert set(Finding.objects.values_list("pk", flat=True)) == ids
    iou = Finding.objects.get(rule="iou_receipt")
    assert iou.first_run == run1 and iou.last_run == run2 and iou.current
    # the corrected books replace the IOU by an invoice: same cash finding, the IOU is no longer found
    fixed = sample_rows(code)
    fixed[4][11] = "增值税普通发票"
    import_rows(county, tmp_path, fixed, name="a-fixed.csv", supersedes=first)
    audit(county.townships["a"])
    assert Finding.objects.count() == 2
    iou.refresh_from_db()
    cash = Finding.objects.get(rule="cash_over_limit")
    assert not iou.current and cash.current and cash.pk in ids
    assert cash.lines.get().batch.supersedes == first  # now points at the corrected line


def test_subject_people_are_stored(county, tmp_path):
    claimant = _claimant(county)
    import_rows(county, tmp_path, sample_rows(county.villages["a"].code, claimant_code="P-CLAIM",
                                              handler=county.persona("village_secretary").person.name))
    audit(county.townships["a"])
    iou = Finding.objects.get(rule="iou_receipt")
    links = set(FindingPerson.objects.filter(finding=iou).values_list("person_id", "role"))
    assert (claimant.pk, "claimant") in links
    assert (county.persona("village_secretary").person_id, "handler") in links


@pytest.fixture
def finding(county, tmp_path):
    import_rows(county, tmp_path, sample_rows(county.villages["a"].code))
    audit(county.townships["a"])
    return Finding.objects.get(rule="iou_receipt")


def test_confirm_names_a_person_and_a_deadline(county, finding):
    secretary = county.persona("township_discipline")
    due = timezone.localdate() + timedelta(days=30)
    with pytest.raises(FindingActionError):
        do_confirm_finding(finding, acting_user=secretary, reason="  ", responsible_person=county.persona(
            "village_secretary").person, due_date=due)
    do_confirm_finding(finding, acting_user=secretary, reason="白条入账属实",
                       responsible_person=county.persona("village_secretary").person, due_date=due)
    finding.refresh_from_db()
    assert finding.status == "confirmed" and finding.decided_by == secretary
    event = AuditEvent.objects.get(event_code="finance.finding_confirmed", subject_id=str(finding.pk))
    assert event.after["reason"] == "白条入账属实"
    # Confirmation hands the problem to rectification: its item carries the clock, the to-do opens
    # the responsible person's work view (the finding itself answers 404 to them).
    deadline = Deadline.objects.get(rule="rectification.item", subject_type="rectification.rectificationitem")
    assert deadline.due_date == due and deadline.assignee == county.persona("village_secretary")
    assert deadline.link == f"/rectification/items/{deadline.subject_id}/work/"
    assert not Deadline.objects.filter(rule="finance.rectification").exists()
    with pytest.raises(FindingActionError):
        do_dismiss_finding(finding, acting_user=secretary, reason="again")


def test_dismissals_feed_the_false_positive_rate(county, finding):
    do_dismiss_finding(finding, acting_user=county.persona("township_discipline"), reason="发票已补")
    other = Finding.objects.get(rule="cash_over_limit")
    do_confirm_finding(other, acting_user=county.persona("county_commission"), reason="属实",
                       responsible_person=county.persona("village_secretary").person,
                       due_date=timezone.localdate() + timedelta(days=10))
    rates = {r["rule"]: r for r in false_positive_rates()}
    assert rates["iou_receipt"]["rate"] == 1.0 and rates["cash_over_limit"]["rate"] == 0.0


def test_escalated_findings_are_decided_by_the_county(county, finding, login):
    do_escalate_finding(finding, acting_user=county.persona("township_discipline"), reason="涉及村书记")
    with pytest.raises(FindingActionError):
        do_dismiss_finding(finding, acting_user=county.persona("township_discipline"), reason="no")
    client = login(county.persona("county_commission"))
    response = client.post(f"/finance/findings/{finding.pk}/action/", {"verb": "dismiss", "reason": "已核实无问题"})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == "dismissed"


def test_supervision_member_comments_but_cannot_decide(county, finding, login):
    client = login(county.persona("supervision_member"))
    assert client.get(f"/finance/findings/{finding.pk}/").status_code == 200
    url = f"/finance/findings/{finding.pk}/action/"
    assert client.post(url, {"verb": "comment", "reason": "请说明白条原因"}).status_code == 302
    assert client.post(url, {"verb": "dismiss", "reason": "x"}).status_code == 404
    finding.refresh_from_db()
    assert finding.status == "open" and finding.events.filter(kind="commented").count() == 1
    response = client.post(url, {"verb": "comment", "reason": ""})
    assert response.status_code == 200 and finding.events.filter(kind="commented").count() == 1


def test_reason_is_mandatory_in_the_form(county, finding, login):
    client = login(county.persona("township_discipline"))
    response = client.post(f"/finance/findings/{finding.pk}/action/", {"verb": "confirm", "reason": "属实"})
    assert response.status_code == 200  # no responsible person, no deadline
    finding.refresh_from_db()
    assert finding.status == "open"


def test_findings_queue_is_scoped(county, finding, login):
    for role, side, sees in [("county_commission", "a", True), ("township_discipline", "a", True),
                             ("township_discipline", "b", False), ("supervision_member", "a", True),
                             ("supervision_member", "b", False), ("village_secretary", "a", None)]:
        client = login(county.persona(role, side))
        response = client.get("/finance/findings/")
        if sees is None:
            assert response.status_code == 404
            continue
        assert (f'/finance/findings/{finding.pk}/"' in response.content.decode()) is sees, (role, side)


def test_conflict_of_interest_on_every_finding_route(county, tmp_path, login):
    """The claimant named on the lines and a relative of the handler never reach the finding."""
    claimant = _claimant(county)
    accountant = county.persona("accountant")
    discipline = county.persona("township_discipline")
    # the township discipline secretary is the handler's brother
    handler = county.persona("village_secretary").person
    do_add_relation(acting_user=None, person=discipline.person, relative=handler, kind="sibling")
    from django.contrib.auth import get_user_model

    from cleangov.accounts.actions import do_assign_role, do_create_user

    claimant_user = do_create_user(acting_user=None, username="claimant", password=None, person=claimant)
    do_assign_role(acting_user=None, user=claimant_user, role="supervision_member", unit=county.villages["a"])
    batch = import_rows(county, tmp_path, sample_rows(county.villages["a"].code, claimant_code="P-CLAIM",
                                                      handler=handler.name), user=accountant)
    run = audit(county.townships["a"])
    iou = Finding.objects.get(rule="iou_receipt")
    clean_ids = set(Finding.objects.values_list("pk", flat=True))
    assert get_user_model().objects.filter(pk=claimant_user.pk).exists()
    for user in (claimant_user, discipline):
        client = login(user)
        assert client.get(f"/finance/findings/{iou.pk}/").status_code == 404
        assert client.post(f"/finance/findings/{iou.pk}/action/",
                           {"verb": "comment", "reason": "x"}).status_code == 404
        listing = client.get("/finance/findings/").content.decode()
        assert f'/finance/findings/{iou.pk}/"' not in listing
        if user is discipline:
            detail = client.get(f"/finance/runs/{run.pk}/").content.decode()
            assert "?rule=iou_receipt" not in detail and "?rule=cash_over_limit" not in detail
            assert client.get(f"/finance/batches/{batch.pk}/").status_code == 200
    # the commission still sees and decides it
    client = login(county.persona("county_commission"))
    assert client.get(f"/finance/findings/{iou.pk}/").status_code == 200
    assert clean_ids


def test_metrics_count_confirmed_findings_per_unit(county, finding):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cleangov.core.metrics import registry

    spec = registry()["finance.findings_confirmed"]
    today = timezone.localdate()
    village, other = county.villages["a"].pk, county.villages["b"].pk
    assert spec.compute([village, other], today, today)[village].value == 0
    do_confirm_finding(finding, acting_user=county.persona("township_discipline"), reason="属实",
                       responsible_person=county.persona("village_secretary").person, due_date=today + timedelta(5))
    with CaptureQueriesContext(connection) as queries:
        result = spec.compute([village, other], today, today)
    assert len(queries) == 1
    assert (result[village].value, result[other].value) == (1, 0)
    assert result[village].evidence[0][1] == f"/finance/findings/{finding.pk}/"
