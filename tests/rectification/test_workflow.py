"""The transition table, exhaustively: every (state, step) pair, allowed or refused, for the
responsible person, a handler in scope, a handler out of scope, an overseer who may only read, and a
handler who is a relative of the responsible person."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cleangov.orgs.actions import do_add_relation
from cleangov.orgs.conflicts import ConflictOfInterest
from cleangov.rectification.actions import (
    do_decide_item,
    do_record_repayment,
    do_submit_item,
)
from cleangov.rectification.choices import ItemStatusChoices as S
from cleangov.rectification.models import RectificationItem
from cleangov.rectification.workflow import RECTIFICATION_WORKFLOW

pytestmark = pytest.mark.django_db

ALL_STEPS = ("submit", "reject", "verify", "close", "cancel")
EXPECTED = {  # (state, step) → who may take it; absent: nobody (the step does not leave that state)
    (S.OPEN, "submit"): "responsible",
    (S.SUBMITTED, "reject"): "handle",
    (S.SUBMITTED, "verify"): "handle",
    (S.VERIFIED, "close"): "handle",
    (S.OPEN, "cancel"): "handle",
    (S.SUBMITTED, "cancel"): "handle",
}


def test_the_table_is_what_the_specification_says():
    table = {(s, t.name): t.capability for t in RECTIFICATION_WORKFLOW for s in t.sources}
    assert table == EXPECTED
    assert {t.name for t in RECTIFICATION_WORKFLOW if t.needs_reason} == {"reject", "cancel"}


def _in_state(item, state):
    RectificationItem.objects.filter(pk=item.pk).update(status=state)
    item.refresh_from_db()
    return item


def _take(item, step, user):
    if step == "submit":
        return do_submit_item(item, acting_user=user, measures="已整改", files=[
            SimpleUploadedFile("e.pdf", b"%PDF-1.4 x", content_type="application/pdf")])
    return do_decide_item(item, step, acting_user=user, reason="理由")


def test_every_transition_with_every_actor(county, open_item):
    for state in S.values:
        for step in ALL_STEPS:
            _check(county, open_item, state, step)


def _check(county, open_item, state, step):
    responsible = county.persona("village_secretary")
    actors = {
        "responsible": responsible,
        "handle": county.persona("township_discipline"),
        "county": county.persona("county_commission"),
        "out_of_scope": county.persona("township_discipline", "b"),
        "reader_only": county.persona("township_leader"),
    }
    allowed = EXPECTED.get((state, step))
    item = _in_state(open_item(), state)
    # The refused actors first (a refusal changes nothing), then one allowed actor takes the step.
    may_take = [n for n in actors if allowed is not None and (allowed == n or (allowed == "handle" and n == "county"))]
    order = [n for n in actors if n not in may_take] + may_take[:1]
    for name in order:
        user = actors[name]
        if name in may_take:
            _take(item, step, user)
            item.refresh_from_db()
            target = next(t.target for t in RECTIFICATION_WORKFLOW if t.name == step and state in t.sources)
            assert item.status == target, (state, step, name)
        else:
            with pytest.raises((ValidationError, PermissionDenied)):
                _take(item, step, user)
            item.refresh_from_db()
            assert item.status == state, (state, step, name)


def test_a_relative_of_the_responsible_person_cannot_verify(county, open_item):
    discipline = county.persona("township_discipline")
    do_add_relation(acting_user=None, person=discipline.person, relative=county.persona("village_secretary").person,
                    kind="sibling")
    item = _in_state(open_item(acting_user=county.persona("county_commission")), S.SUBMITTED)
    with pytest.raises(ConflictOfInterest):
        do_decide_item(item, "verify", acting_user=discipline)
    # the county commission, unrelated, may
    do_decide_item(item, "verify", acting_user=county.persona("county_commission"))


def test_submission_needs_measures_and_evidence(county, open_item):
    item = open_item()
    secretary = county.persona("village_secretary")
    with pytest.raises(ValidationError) as err:
        do_submit_item(item, acting_user=secretary, measures="已整改")
    assert "files" in err.value.error_dict
    with pytest.raises(ValidationError) as err:
        do_submit_item(item, acting_user=secretary, measures="已整改", files=[
            SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")])
    assert "x.exe" in err.value.messages[0]
    with pytest.raises(ValidationError):  # a renamed executable
        do_submit_item(item, acting_user=secretary, measures="已整改", files=[
            SimpleUploadedFile("x.pdf", b"MZ\x90\x00", content_type="application/pdf")])
    do_submit_item(item, acting_user=secretary, measures="已整改", links=[("https://example.org/a", "公示照片")])
    item.refresh_from_db()
    assert item.status == S.SUBMITTED and item.evidence.get().url == "https://example.org/a"


def test_money_items_close_only_when_recovered(county, open_item):
    item = open_item(problem_type="improper_benefits", amount=Decimal("1000.00"))
    handler = county.persona("township_discipline")
    _in_state(item, S.VERIFIED)
    with pytest.raises(ValidationError):
        do_decide_item(item, "close", acting_user=handler)
    do_record_repayment(item, acting_user=handler, amount=Decimal("400.00"), paid_on=timezone.localdate(),
                        receipt="收据001")
    with pytest.raises(ValidationError):  # more than is still owed
        do_record_repayment(item, acting_user=handler, amount=Decimal("700.00"), paid_on=timezone.localdate(),
                            receipt="收据002")
    with pytest.raises(ValidationError):  # no receipt
        do_record_repayment(item, acting_user=handler, amount=Decimal("600.00"), paid_on=timezone.localdate(),
                            receipt=" ")
    with pytest.raises(ValidationError):  # paid in the future
        do_record_repayment(item, acting_user=handler, amount=Decimal("600.00"),
                            paid_on=timezone.localdate() + timedelta(days=1), receipt="收据002")
    do_record_repayment(item, acting_user=handler, amount=Decimal("600.00"), paid_on=timezone.localdate(),
                        receipt="收据002")
    do_decide_item(item, "close", acting_user=handler)
    item.refresh_from_db()
    assert item.status == S.CLOSED and item.repayments.count() == 2
    with pytest.raises(ConflictOfInterest):  # the responsible person records nothing on their own item
        do_record_repayment(open_item(problem_type="improper_benefits", amount=Decimal("5")),
                            acting_user=county.persona("village_secretary"), amount=Decimal("5"),
                            paid_on=timezone.localdate(), receipt="r")


def test_rejection_restarts_the_clock_and_is_told_to_the_responsible_person(county, open_item):
    from cleangov.deadlines.api import deadlines_for

    item = open_item()
    secretary, handler = county.persona("village_secretary"), county.persona("township_discipline")
    _take(item, "submit", secretary)
    assert list(deadlines_for(item).values_list("status", flat=True)) == ["met"]
    do_decide_item(item, "reject", acting_user=handler, reason="缺少退款凭证")
    item.refresh_from_db()
    assert item.status == S.OPEN and item.rejections == 1
    assert sorted(deadlines_for(item).values_list("status", flat=True)) == ["met", "open"]
    assert item.events.get(kind="rejected").for_responsible
