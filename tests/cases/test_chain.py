"""The hand-off from other apps (core.signals.case_requested), the matter chain and the person page."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from cleangov.accounts.choices import RoleChoices as R
from cleangov.cases.models import AccountabilityCase
from cleangov.core.matters import MatterRef, chain, timeline
from cleangov.core.signals import case_requested

from .helpers import make_case

pytestmark = pytest.mark.django_db


def test_case_requested_registers_a_case_keeping_its_source(county):
    subject = county.persona(R.VILLAGE_SECRETARY).person
    source = MatterRef("finance.finding", 276)
    with transaction.atomic():
        case_requested.send(sender=None, source=source, unit_id=county.villages["a"].pk,
                            subject_person_ids=[subject.pk], summary="违规报销差旅费\n详见凭证",
                            acting_user=county.persona(R.TOWNSHIP_DISCIPLINE))
    case = AccountabilityCase.objects.get()
    assert case.source_ref == "finance.finding:276" and case.title == "违规报销差旅费"
    assert list(case.subjects.values_list("person_id", flat=True)) == [subject.pk]
    ref = MatterRef.of(case)
    assert source in chain(ref) and ref in chain(source)
    steps = timeline(county.persona(R.COUNTY_COMMISSION), source)
    assert [s.matter for s in steps] == [ref] and steps[0].url == f"/cases/{case.pk}/"
    # the subject sees nothing of the case in the chain
    assert timeline(county.persona(R.VILLAGE_SECRETARY), source) == []


def test_person_page_shows_the_period_of_effect_to_case_roles_only(county):
    person = county.persona(R.COMMITTEE_DIRECTOR).person
    today = timezone.localdate()
    make_case(county, stage="decided", subject=person, forms=("demotion",), start=today)
    url = f"/orgs/people/{person.pk}/"
    for role, shown in ((R.COUNTY_COMMISSION, True), (R.SYSADMIN, True), (R.COMMITTEE_DIRECTOR, False),
                        (R.VILLAGE_SECRETARY, False)):
        client = Client()
        client.force_login(county.persona(role), backend="django.contrib.auth.backends.ModelBackend")
        response = client.get(url)
        assert response.status_code == 200
        assert ("cases-effects" in response.content.decode()) is shown, role
