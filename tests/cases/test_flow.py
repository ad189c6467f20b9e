"""A case through every stage and an appeal, through the web pages, as the people who take each step."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from cleangov.accounts.choices import RoleChoices as R
from cleangov.cases.models import AccountabilityCase, CaseAppeal
from cleangov.core.models import AuditEvent
from cleangov.deadlines.models import Deadline

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _post(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:500]
    return response


def test_case_runs_through_every_stage_and_an_appeal(county):
    discipline = _client(county.persona(R.TOWNSHIP_DISCIPLINE))
    subject = county.persona(R.VILLAGE_SECRETARY).person
    investigator = county.persona(R.TOWNSHIP_LEADER).person
    response = discipline.post("/cases/register/", {"unit": county.villages["a"].pk, "title": "集体资金违规出借",
                                                    "summary": "群众反映", "registered_on": "2026-03-02"})
    assert response.status_code == 302
    case = AccountabilityCase.objects.get()
    base = f"/cases/{case.pk}/"
    _post(discipline, f"{base}subjects/", {"kind": "cadre", "person_code": subject.code, "post_title": "村党支部书记"})
    _post(discipline, f"{base}subjects/", {"kind": "organisation", "unit_code": county.villages["a"].code})
    secretary = _client(county.persona(R.TOWNSHIP_SECRETARY))
    _post(secretary, f"{base}step/approve_initiation/", {"on": "2026-03-03"})
    _post(discipline, f"{base}team/", {"person_code": investigator.code, "role": "leader"})
    _post(discipline, f"{base}step/start_investigation/", {"on": "2026-03-04"})
    for s in case.subjects.all():
        _post(discipline, f"{base}subjects/{s.pk}/statement/", {
            "responsibility": "leadership_main" if s.kind == "cadre" else "main",
            "statement": "陈述与申辩：资金已追回。", "recorded_on": "2026-03-10"})
    _post(discipline, f"{base}step/submit_report/", {"on": "2026-03-16", "fact_statement": "出借集体资金5万元。",
                                                     "investigation_report": "事实清楚。"})
    _post(secretary, f"{base}step/deliberate/", {"on": "2026-03-18", "collective_meeting": "镇党委会",
                                                 "collective_opinion": "同意问责"})
    cadre, org = case.subjects.order_by("pk")
    _post(secretary, f"{base}step/decide/", {"on": "2026-03-20", "decision_text": "免职；通报",
                                             f"form_{cadre.pk}": ["removal", "circulated_criticism"],
                                             f"form_{org.pk}": ["org_review"]})
    case.refresh_from_db()
    assert case.status == "decided" and case.forms.count() == 3
    clock = Deadline.objects.get(rule="cases.adjustment_formalities")
    assert clock.due_date == date(2026, 4, 20)  # one month after the decision, a Monday
    _post(discipline, f"{base}step/deliver/", {"on": "2026-03-23"})
    case.refresh_from_db()
    assert case.appeal_until == date(2026, 4, 23)
    # the appeal: registered within the month, the decision still carried out meanwhile
    _post(discipline, f"{base}appeals/", {"subject": cadre.pk, "filed_on": "2026-04-10", "grounds": "处分过重"})
    appeal = CaseAppeal.objects.get()
    assert appeal.decide_by == date(2026, 5, 11)  # 2026-05-10 is a Sunday
    _post(discipline, f"{base}step/implement/", {"on": "2026-04-15"})
    case.refresh_from_db()
    assert case.status == "implemented"
    clock.refresh_from_db()
    assert clock.status == "met"
    _post(secretary, f"/cases/appeals/{appeal.pk}/change/", {"on": "2026-05-06", "reason": "情节较轻，改为调整职务",
                                                             "replacement": ["post_adjustment"]})
    appeal.refresh_from_db()
    assert appeal.status == "changed"
    assert set(case.forms.filter(subject=cadre, revoked_on=None).values_list("form", flat=True)) == {"post_adjustment"}
    _post(discipline, f"{base}step/file/", {"on": "2026-05-08"})
    _post(discipline, f"{base}step/close/", {"on": "2026-05-09"})
    case.refresh_from_db()
    assert case.status == "closed"
    _post(discipline, f"{base}publish/", {"public_summary": "某村党支部书记违规出借集体资金，给予调整职务处理。"})
    case.refresh_from_db()
    assert case.public_reference == "GK2026-0001"
    codes = set(AuditEvent.objects.filter(subject_type="cases.accountabilitycase").values_list("event_code", flat=True))
    assert {"cases.case_registered", "cases.case_initiated", "cases.case_investigating", "cases.case_reported",
            "cases.case_deliberated", "cases.case_decided", "cases.case_delivered", "cases.case_implemented",
            "cases.case_filed", "cases.case_closed", "cases.appeal_filed", "cases.appeal_changed",
            "cases.outcome_published"} <= codes
    page = discipline.get(base)
    assert page.status_code == 200
    public = discipline.get(f"/public/outcomes/{case.public_reference}/")
    assert public.status_code == 200


def test_appeal_outside_the_month_is_refused(county):
    from django.core.exceptions import ValidationError

    from cleangov.cases.actions import do_file_appeal

    from .helpers import make_case

    case = make_case(county, stage="delivered", start=date(2026, 3, 2))
    assert case.appeal_until == date(2026, 4, 2)
    with pytest.raises(ValidationError):
        do_file_appeal(case, acting_user=None, subject=case.subjects.get(), filed_on=date(2026, 4, 3), grounds="迟")
    do_file_appeal(case, acting_user=None, subject=case.subjects.get(), filed_on=date(2026, 4, 2), grounds="按时")
