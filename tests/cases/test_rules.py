"""Periods of effect at their edges, the post-assignment warning, exclusion, the public page and the
transition table."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from cleangov.accounts.choices import RoleChoices as R
from cleangov.cases.actions import do_publish_case_outcome, do_transition_case
from cleangov.cases.models import AccountabilityCase
from cleangov.cases.periods import add_months, effects_of
from cleangov.cases.selectors import appointment_warnings
from cleangov.cases.workflow import CASE_WORKFLOW
from cleangov.core.models import AuditEvent
from cleangov.orgs.actions import do_add_relation, do_create_person, do_start_post

from .helpers import make_case

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_periods_at_their_edges():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    (promotion, awards) = sorted(effects_of("admonishment", date(2026, 1, 15)), key=lambda e: e.restriction)[::-1]
    assert promotion.restriction == "promotion" and promotion.ends == date(2026, 7, 14)
    assert awards.ends == date(2026, 12, 31)
    removal = {e.restriction: e.ends for e in effects_of("removal", date(2026, 2, 29 - 1))}
    assert removal == {"leadership_post": date(2027, 2, 27), "higher_post": date(2028, 2, 27),
                       "awards": date(2026, 12, 31)}
    sanction = [e for e in effects_of("disciplinary_sanction", date(2026, 3, 1), sanction_months=12)
                if e.restriction == "promotion"]
    assert sanction[0].ends == date(2027, 2, 28)


def test_appointment_warning_runs_to_the_last_day(county):
    person = county.persona(R.COMMITTEE_DIRECTOR).person
    make_case(county, stage="decided", subject=person, forms=("admonishment",), start=date(2026, 1, 15))
    assert appointment_warnings(person.pk, date(2026, 1, 14)) == []
    assert len(appointment_warnings(person.pk, date(2026, 7, 14))) == 2  # promotion and awards
    assert len(appointment_warnings(person.pk, date(2026, 7, 15))) == 1  # awards only, to year end
    assert appointment_warnings(person.pk, date(2027, 1, 1)) == []


def test_post_assignment_warns_and_needs_a_reason(county):
    admin = county.persona(R.SYSADMIN)
    person = county.persona(R.COMMITTEE_DIRECTOR).person
    make_case(county, stage="decided", subject=person, forms=("post_adjustment",), start=date(2026, 6, 1))
    with pytest.raises(ValidationError) as refused:
        do_start_post(acting_user=admin, person=person, unit=county.townships["a"], post_type="deputy",
                      start_date=date(2026, 12, 1))
    assert "override_reason" in refused.value.message_dict
    post = do_start_post(acting_user=admin, person=person, unit=county.townships["a"], post_type="deputy",
                         start_date=date(2026, 12, 1), override_reason="换届需要，报组织部备案")
    event = AuditEvent.objects.get(event_code="orgs.post_started_despite_warnings", subject_id=str(post.pk))
    assert event.after["override_reason"] == "换届需要，报组织部备案" and len(event.after["appointment_warnings"]) == 2


def test_admin_post_form_shows_the_warnings(county):
    admin_user = county.persona(R.SYSADMIN)
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    person = county.persona(R.COMMITTEE_DIRECTOR).person
    make_case(county, stage="decided", subject=person, forms=("demotion",), start=date(2026, 6, 1))
    client = _client(admin_user)
    data = {"person": person.pk, "unit": county.townships["a"].pk, "post_type": "deputy",
            "start_date": "2026-12-01", "end_date": ""}
    response = client.post("/django-admin/orgs/post/add/", data)
    assert response.status_code == 200 and "override_reason" in response.content.decode()
    assert not AuditEvent.objects.filter(event_code="orgs.post_started_despite_warnings").exists()
    response = client.post("/django-admin/orgs/post/add/", data | {"override_reason": "确需任用"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(event_code="orgs.post_started_despite_warnings").exists()


def test_subject_and_relatives_are_excluded_on_every_route(county):
    subject_user = county.persona(R.TOWNSHIP_DISCIPLINE)
    relative = do_create_person(acting_user=None, code="P-REL", name="亲属甲", home_unit=county.villages["a"])
    do_add_relation(acting_user=None, person=relative, relative=subject_user.person, kind="spouse")
    from cleangov.accounts.actions import do_assign_role, do_create_user

    relative_user = do_create_user(acting_user=None, username="rel", password=None, person=relative)
    do_assign_role(acting_user=None, user=relative_user, role=R.COUNTY_COMMISSION, unit=county.county,
                   include_subtree=True)
    case = make_case(county, stage="closed", subject=subject_user.person, forms=("removal",))
    do_publish_case_outcome(case, acting_user=None, public_summary="某镇纪委干部失职，给予免职。")
    for user in (subject_user, relative_user):
        client = _client(user)
        for url in (f"/cases/{case.pk}/", f"/cases/{case.pk}/step/close/"):
            assert client.get(url).status_code in (404, 405)
        assert case.reference not in client.get("/cases/").content.decode()
        assert case.reference not in client.get("/cases/export.csv").content.decode()
        assert client.post(f"/cases/{case.pk}/publish/", {"public_summary": "x"}).status_code == 404
    other = _client(county.persona(R.COUNTY_COMMISSION))
    assert other.get(f"/cases/{case.pk}/").status_code == 200
    assert case.reference in other.get("/cases/export.csv").content.decode()


def test_public_outcome_reveals_no_excluded_detail(county):
    subject = county.persona(R.VILLAGE_SECRETARY).person
    relative = do_create_person(acting_user=None, code="P-REL2", name="亲属乙", home_unit=county.villages["a"])
    do_add_relation(acting_user=None, person=relative, relative=subject, kind="sibling")
    case = make_case(county, stage="closed", subject=subject, forms=("removal",))
    AccountabilityCase.objects.filter(pk=case.pk).update(source_ref="whistleblowing.report:77",
                                                         summary="举报人张三反映")
    with pytest.raises(ValidationError):
        do_publish_case_outcome(case, acting_user=None, public_summary=f"{subject.name}被免职")
    with pytest.raises(ValidationError):
        do_publish_case_outcome(case, acting_user=None, public_summary="亲属乙涉及")
    case = do_publish_case_outcome(case, acting_user=None, public_summary="某村党支部书记失职，给予免职处理。")
    page = Client().get(f"/public/outcomes/{case.public_reference}/").content.decode()
    for secret in (subject.name, "亲属乙", "张三", "whistleblowing", "陈述", "申辩", case.reference,
                   county.persona(R.TOWNSHIP_LEADER).person.name):
        assert secret not in page
    assert "免职" in page
    assert case.public_reference in Client().get("/public/outcomes/").content.decode()
    assert Client().get("/public/outcomes/GK2099-0001/").status_code == 404


STATES = [s for s, _ in AccountabilityCase._meta.get_field("status").choices]


@pytest.mark.parametrize("step", CASE_WORKFLOW.names)
def test_every_step_is_refused_from_every_other_state(county, step):
    case = make_case(county)
    allowed = {s for t in CASE_WORKFLOW if t.name == step for s in t.sources}
    for state in STATES:
        if state in allowed:
            continue
        AccountabilityCase.objects.filter(pk=case.pk).update(status=state)
        with pytest.raises(ValidationError):
            do_transition_case(case, step, acting_user=None, reason="理由")


@pytest.mark.parametrize("transition", list(CASE_WORKFLOW), ids=lambda t: t.name)
def test_every_step_is_taken_only_by_its_roles(county, transition):
    from cleangov.core.access import roles_over

    source = transition.sources[0]
    stage = source if source != "dropped" else "registered"
    case = make_case(county, stage=stage if stage in ("registered", "initiated", "investigating", "reported",
                                                       "deliberated", "decided", "delivered", "implemented",
                                                       "filed") else "registered")
    for role in R.values:
        user = county.persona(role)
        if not roles_over(user, county.villages["a"]):
            continue
        AccountabilityCase.objects.filter(pk=case.pk).update(status=source)
        case.refresh_from_db()
        allowed = role in transition.roles
        try:
            do_transition_case(case, transition.name, acting_user=user, reason="理由",
                               details={"investigation_report": "报告", "fact_statement": "事实",
                                        "collective_meeting": "会议", "collective_opinion": "意见",
                                        "decision_text": "决定"},
                               forms=[(s.pk, "admonishment", None) for s in case.subjects.all()])
            taken = True
        except ValidationError as exc:
            taken = False
            if allowed:
                assert "role" not in " ".join(exc.messages), (role, transition.name, exc.messages)
        assert taken is False or allowed, (role, transition.name)
        if taken:
            AccountabilityCase.objects.filter(pk=case.pk).update(status=source)


def test_team_and_subjects_never_meet(county):
    from cleangov.cases.actions import do_add_case_member, do_add_case_subject, do_record_recusal
    from cleangov.cases.models import CaseRecusal

    subject = county.persona(R.VILLAGE_SECRETARY).person
    relative = do_create_person(acting_user=None, code="P-REL3", name="亲属丙", home_unit=county.villages["a"])
    do_add_relation(acting_user=None, person=relative, relative=subject, kind="spouse")
    case = make_case(county, subject=subject)
    with pytest.raises(ValidationError):
        do_add_case_member(case, acting_user=None, person=relative, role="investigator")
    other = county.persona(R.TOWNSHIP_LEADER).person
    do_add_case_member(case, acting_user=None, person=other, role="investigator")
    with pytest.raises(ValidationError):
        do_add_case_subject(case, acting_user=None, kind="cadre", person=other)
    handler = county.persona(R.TOWNSHIP_DISCIPLINE)
    client = _client(handler)
    assert client.post(f"/cases/{case.pk}/recuse/", {"reason": "与问责对象系同学关系"}).status_code == 302
    assert CaseRecusal.objects.get(case=case).user == handler
    assert AuditEvent.objects.filter(event_code="cases.recusal_recorded").exists()
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    with pytest.raises(ValidationError):
        do_record_recusal(case, acting_user=county.persona(R.COUNTY_COMMISSION), reason=" ")
