"""Conflict of interest inside every action: no action names the acting user or a registered relative,
and none acts on an object about them (cleangov.orgs.conflicts.check_conflict_of_interest).

The first test finds every ``do_*`` action with a parameter naming a person, so a new one cannot be
forgotten: each must have a scenario below, or sit in the commented allow-list.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

import cleangov
from cleangov.accounts.actions import do_create_user
from cleangov.accounts.choices import RoleChoices
from cleangov.orgs.actions import do_add_relation, do_create_person
from cleangov.orgs.conflicts import ConflictOfInterest, check_conflict_of_interest
from cleangov.orgs.models import Relation

pytestmark = pytest.mark.django_db

# A parameter names a person when its name says so (acting_user is the actor, not a named person).
PERSON_PARAM = re.compile(
    r"person|people|user|assignee|attendee|absentee|relative|lead|issuer|recipient|verifier|signator|handler"
    r"|investigator|owner|member|author|reviewer|approver|responsible|holder"
)
NOT_A_PERSON = re.compile(r"_unit$|^username$|^is_superuser$")

# (module, action, parameter) where the check does not apply, and why.
ALLOW_LIST = {
    # Creating an account for a person, and an administrator's or the user's own password: account
    # housekeeping that decides nothing about the person (their rights come from do_assign_role).
    ("cleangov.accounts.actions", "do_create_user", "person"),
    ("cleangov.accounts.actions", "do_set_password", "user"),
    # Self-service on one's own account: the acting user is the user by design.
    ("cleangov.accounts.actions", "do_set_language", "user"),
    ("cleangov.accounts.actions", "do_enrol_totp_device", "user"),
    ("cleangov.accounts.actions", "do_change_own_password", "user"),
    # A handler's own key following their password change (whoever made the change, checked there).
    ("cleangov.whistleblowing.actions", "do_carry_handler_key_over", "user"),
    # Giving a handler back the office key they hold by their role (offline recovery, run by an
    # operator): it grants no report; each report still hides itself from a conflicted handler.
    ("cleangov.whistleblowing.actions", "do_recover_office_keys", "handler_user"),
    ("cleangov.finance.actions", "do_create_api_token", "user"),
    # Lifting a login lockout gives back the login the user already has; it grants nothing.
    ("cleangov.accounts.actions", "do_unlock_user", "user"),
    # Registering a relation only ever narrows what its two people may do; removing one is checked
    # (do_remove_relation, below).
    ("cleangov.orgs.actions", "do_add_relation", "person"),
    ("cleangov.orgs.actions", "do_add_relation", "relative"),
    # A meeting's attendance list records who was there (the recorder attends their own meeting);
    # allowed_people is the unit's register the names are checked against. The people a record is
    # about are its subject fields, checked in the action (test_ledger_subjects_are_checked).
    ("cleangov.ledgers.actions", "do_record_ledger_entry", "attendees"),
    ("cleangov.ledgers.actions", "do_record_ledger_entry", "absentees"),
    ("cleangov.ledgers.actions", "do_record_ledger_entry", "allowed_people"),
    ("cleangov.ledgers.actions", "do_revise_ledger_entry", "attendees"),
    ("cleangov.ledgers.actions", "do_revise_ledger_entry", "absentees"),
    ("cleangov.ledgers.actions", "do_revise_ledger_entry", "allowed_people"),
    # A deadline is the clock of another action's object, started by that action (confirming a
    # finding, assigning a duty item, recording an inspection finding), which has checked the people
    # it names with its own nuance (a lead may be themselves); the clock does not judge again.
    ("cleangov.deadlines.actions", "do_create_deadline", "assignee"),
    ("cleangov.deadlines.actions", "do_create_deadline", "subject_people"),
    # The responsible post names an office, not a person; the action that starts the clock (assigning
    # a duty item) has checked the person who holds it.
    ("cleangov.deadlines.actions", "do_create_deadline", "responsible_post"),
    # A decision meeting's attendance list records who was there, checked against the register.
    ("cleangov.democracy.actions", "do_record_decision_meeting", "attendee_ids"),
    # Amounts and head counts of a levy plan, not people.
    ("cleangov.democracy.actions", "do_create_levy_plan", "cash_per_person"),
    ("cleangov.democracy.actions", "do_create_levy_plan", "persons"),
}

# Parameters where naming oneself is allowed by office (a unit's first responsible person leads its
# items and issues its letters, 中发〔2010〕19号 article 6); naming a relative is still refused.
SELF_ALLOWED = {
    # A discipline staffer puts themselves on a case's investigation team (not if a subject's relative).
    ("do_add_case_member", "person"),
    ("do_create_duty_item", "lead_person"),
    ("do_create_letter", "issuer_person"),
}


def _app_modules():
    for app in pkgutil.iter_modules(cleangov.__path__):
        if not app.ispkg:
            continue
        package = importlib.import_module(f"cleangov.{app.name}")
        for info in pkgutil.walk_packages(package.__path__, prefix=f"cleangov.{app.name}."):
            if any(part in info.name.split(".") for part in ("migrations", "management", "templatetags", "demo")):
                continue
            yield importlib.import_module(info.name)


def person_parameters() -> set[tuple[str, str, str]]:
    found = set()
    for module in _app_modules():
        for name, func in vars(module).items():
            if not (name.startswith("do_") and inspect.isfunction(func) and func.__module__ == module.__name__):
                continue
            for param in inspect.signature(func).parameters:
                if param != "acting_user" and PERSON_PARAM.search(param) and not NOT_A_PERSON.search(param):
                    found.add((func.__module__.split(".")[1], name, param))
    return found


# --- the people: an actor, their registered sibling, and the sibling's login ----------------------
@pytest.fixture
def people(county):
    def make(role, side="a"):
        actor = county.persona(role, side)
        sibling = do_create_person(acting_user=None, code=f"P-SIB-{role}", name="曾峰德",
                                   home_unit=county.villages[side], identity_number="110101198001015555")
        do_add_relation(acting_user=None, person=sibling, relative=actor.person, kind="sibling")
        sibling_user = do_create_user(acting_user=None, username=f"sib_{role}", password=None, person=sibling)
        return actor, sibling, sibling_user

    return make


def _finding(county, tmp_path):
    from cleangov.finance.models import Finding
    from tests.finance.helpers import audit, import_rows, sample_rows

    import_rows(county, tmp_path, sample_rows(county.villages["a"].code))
    audit(county.townships["a"])
    return Finding.objects.get(rule="iou_receipt")


# Each scenario: (role of the actor, call(county, tmp_path, actor, person, user)) where person/user is
# the one to name. It is run naming the actor themselves and naming their sibling.
def _assign_role(county, tmp_path, actor, person, user):
    from cleangov.accounts.actions import do_assign_role

    do_assign_role(acting_user=actor, user=user, role=RoleChoices.AUDITOR, unit=county.townships["b"])


def _save_user(county, tmp_path, actor, person, user):
    from cleangov.accounts.actions import do_save_user_from_admin

    user.email = "changed@example.org"
    do_save_user_from_admin(user, acting_user=actor, save=user.save)


def _inspection_finding(county, tmp_path, actor, person, user):
    from cleangov.assessment.actions import do_record_inspection_finding

    do_record_inspection_finding(unit=county.villages["a"], description="台账缺失", responsible_person=person,
                                 deadline=timezone.localdate() + timedelta(days=10), acting_user=actor)


def _duty_item(county, tmp_path, actor, person, user):
    from cleangov.duties.actions import do_create_duty_item

    do_create_duty_item(acting_user=actor, unit=county.townships["a"], year=2026, title="听取汇报",
                        lead_person=person, due_date=date(2026, 12, 31), expected_evidence="会议记录")


def _letter_recipient(county, tmp_path, actor, person, user):
    from cleangov.duties.actions import do_create_letter

    do_create_letter(acting_user=actor, year=2026, issuer_unit=county.townships["a"], issuer_person=actor.person,
                     recipient_unit=county.villages["a"], recipient_person=person)


def _letter_issuer(county, tmp_path, actor, person, user):
    from cleangov.duties.actions import do_create_letter

    do_create_letter(acting_user=actor, year=2026, issuer_unit=county.townships["a"], issuer_person=person,
                     recipient_unit=county.villages["a"],
                     recipient_person=county.persona(RoleChoices.VILLAGE_SECRETARY).person)


def _confirm_finding(county, tmp_path, actor, person, user):
    from cleangov.finance.actions import do_confirm_finding

    do_confirm_finding(_finding(county, tmp_path), acting_user=actor, reason="白条入账属实", responsible_person=person,
                       due_date=timezone.localdate() + timedelta(days=30))


def _open_rectification_item(county, tmp_path, actor, person, user):
    from cleangov.rectification.actions import do_open_item

    do_open_item(unit=county.villages["a"], title="白条抵库", problem_type="voucher_irregularity",
                 responsible_person=person, deadline=timezone.localdate() + timedelta(days=30), acting_user=actor)


def _rectification_subject(county, tmp_path, actor, person, user):
    from cleangov.rectification.actions import do_open_item

    do_open_item(unit=county.villages["a"], title="白条抵库", problem_type="voucher_irregularity",
                 responsible_person=county.persona(RoleChoices.VILLAGE_SECRETARY).person,
                 subject_person_ids=[person.pk], deadline=timezone.localdate() + timedelta(days=30),
                 acting_user=actor)


def _start_post(county, tmp_path, actor, person, user):
    from cleangov.orgs.actions import do_start_post

    do_start_post(acting_user=actor, person=person, unit=county.villages["b"], post_type="committee_member",
                  start_date=date(2025, 1, 1))


def _update_person(county, tmp_path, actor, person, user):
    from cleangov.orgs.actions import do_update_person

    do_update_person(person, acting_user=actor, phone="13800000000")


def _register_case(county, tmp_path, actor, person, user):
    from cleangov.cases.actions import do_register_case

    do_register_case(acting_user=actor, unit=county.villages["a"], title="问责线索", subject_people=[person])


def _system_case(county):
    from cleangov.cases.actions import do_register_case

    return do_register_case(acting_user=None, unit=county.villages["a"], title="问责线索")


def _case_subject(county, tmp_path, actor, person, user):
    from cleangov.cases.actions import do_add_case_subject

    do_add_case_subject(_system_case(county), acting_user=actor, kind="cadre", person=person)


def _case_member(county, tmp_path, actor, person, user):
    from cleangov.cases.actions import do_add_case_member

    do_add_case_member(_system_case(county), acting_user=actor, person=person, role="investigator")


def _appraisal_candidate(county, tmp_path, actor, person, user):
    from cleangov.democracy.actions import do_create_appraisal

    do_create_appraisal(acting_user=actor, unit=county.villages["a"], year=2026, title="民主评议",
                        electorate="villagers", candidate_people=[person])


SCENARIOS = {
    ("cases", "do_register_case", "subject_people"): (RoleChoices.TOWNSHIP_DISCIPLINE, _register_case),
    ("cases", "do_add_case_subject", "person"): (RoleChoices.TOWNSHIP_DISCIPLINE, _case_subject),
    ("cases", "do_add_case_member", "person"): (RoleChoices.TOWNSHIP_DISCIPLINE, _case_member),
    ("democracy", "do_create_appraisal", "candidate_people"): (RoleChoices.SUPERVISION_MEMBER, _appraisal_candidate),
    ("accounts", "do_assign_role", "user"): (RoleChoices.SYSADMIN, _assign_role),
    ("accounts", "do_save_user_from_admin", "user"): (RoleChoices.SYSADMIN, _save_user),
    ("assessment", "do_record_inspection_finding", "responsible_person"): (RoleChoices.COUNTY_COMMISSION,
                                                                          _inspection_finding),
    ("duties", "do_create_duty_item", "lead_person"): (RoleChoices.TOWNSHIP_SECRETARY, _duty_item),
    ("duties", "do_create_letter", "issuer_person"): (RoleChoices.TOWNSHIP_SECRETARY, _letter_issuer),
    ("duties", "do_create_letter", "recipient_person"): (RoleChoices.TOWNSHIP_SECRETARY, _letter_recipient),
    ("finance", "do_confirm_finding", "responsible_person"): (RoleChoices.TOWNSHIP_DISCIPLINE, _confirm_finding),
    ("orgs", "do_start_post", "person"): (RoleChoices.SYSADMIN, _start_post),
    ("rectification", "do_open_item", "responsible_person"): (RoleChoices.TOWNSHIP_DISCIPLINE,
                                                              _open_rectification_item),
    ("rectification", "do_open_item", "subject_person_ids"): (RoleChoices.TOWNSHIP_DISCIPLINE,
                                                              _rectification_subject),
    ("orgs", "do_update_person", "person"): (RoleChoices.SYSADMIN, _update_person),
}


def test_every_action_naming_a_person_is_checked_or_allow_listed():
    allowed = {(module.split(".")[1], action, param) for module, action, param in ALLOW_LIST}
    found = person_parameters()
    missing = found - allowed - set(SCENARIOS)
    assert not missing, f"actions naming a person without a conflict-of-interest scenario: {sorted(missing)}"
    # The tables name only what exists, so a renamed action or parameter is noticed too.
    assert not (set(SCENARIOS) | allowed) - found, sorted((set(SCENARIOS) | allowed) - found)


@pytest.mark.parametrize("key", sorted(SCENARIOS), ids=lambda k: f"{k[1]}.{k[2]}")
def test_naming_a_relative_is_refused(county, people, tmp_path, key):
    role, call = SCENARIOS[key]
    actor, sibling, sibling_user = people(role)
    with translation.override("en"):
        with pytest.raises(ConflictOfInterest) as refused:
            call(county, tmp_path, actor, sibling, sibling_user)
        assert refused.value.messages[0] in {
            "You cannot name 曾峰德: registered as your relative (sibling).",
            "You cannot act on this: it concerns 曾峰德, registered as your relative (sibling).",
        }
    assert refused.value.person == sibling.pk and refused.value.relation == "sibling"


@pytest.mark.parametrize("key", sorted(SCENARIOS), ids=lambda k: f"{k[1]}.{k[2]}")
def test_naming_oneself_is_refused(county, people, tmp_path, key):
    role, call = SCENARIOS[key]
    actor, _sibling, _user = people(role)
    if key[1:] in SELF_ALLOWED:
        call(county, tmp_path, actor, actor.person, actor)  # allowed by office: no refusal
        return
    with translation.override("en"):
        with pytest.raises(ConflictOfInterest) as refused:
            call(county, tmp_path, actor, actor.person, actor)
        assert refused.value.messages[0] in {"You cannot name yourself here: choose someone else.",
                                             "You cannot act on this: it concerns you."}


def test_refusal_in_chinese(county, people):
    actor, sibling, _user = people(RoleChoices.COUNTY_COMMISSION)
    with translation.override("zh-hans"), pytest.raises(ConflictOfInterest) as refused:
        check_conflict_of_interest(actor, named_people=[sibling])
    assert refused.value.messages == ["不能指定曾峰德：已登记为您的亲属（兄弟姐妹）。"]


def test_relation_is_read_from_the_actor_side(county):
    """Relation(person=A, relative=B, kind=parent) reads "A is B's parent": to B, A is their parent; to A,
    B is their child."""
    parent = county.persona(RoleChoices.COUNTY_COMMISSION)
    child = county.persona(RoleChoices.AUDITOR)
    Relation.objects.create(person=parent.person, relative=child.person, kind="parent")
    with translation.override("en"):
        with pytest.raises(ConflictOfInterest, match=r"\(parent\)"):
            check_conflict_of_interest(child, named_people=parent)
        with pytest.raises(ConflictOfInterest, match=r"\(child\)"):
            check_conflict_of_interest(parent, named_people=child.person_id)


def test_system_actions_and_unrelated_people_pass(county, people):
    actor, sibling, _user = people(RoleChoices.COUNTY_COMMISSION)
    check_conflict_of_interest(None, named_people=[sibling], subject_people=[actor.person])
    check_conflict_of_interest(actor, named_people=[county.persona(RoleChoices.AUDITOR).person],
                               subject_people=[county.persona(RoleChoices.ACCOUNTANT)])


# --- acting on an object about oneself or a relative ----------------------------------------------
def test_finding_about_a_relative_cannot_be_decided_or_commented(county, people, tmp_path):
    from cleangov.finance.actions import do_comment_finding, do_dismiss_finding
    from cleangov.finance.models import Finding, FindingPerson

    actor, sibling, _user = people(RoleChoices.TOWNSHIP_DISCIPLINE)
    finding = _finding(county, tmp_path)
    FindingPerson.objects.create(finding=finding, person=sibling, role="claimant")
    with pytest.raises(ConflictOfInterest):
        do_dismiss_finding(finding, acting_user=actor, reason="误报")
    with pytest.raises(ConflictOfInterest):
        do_comment_finding(finding, acting_user=actor, text="看看")
    assert Finding.objects.get(pk=finding.pk).status == finding.status


def test_own_post_and_relation_cannot_be_ended_or_removed(county, people):
    from cleangov.orgs.actions import do_end_post, do_remove_relation

    actor, sibling, _user = people(RoleChoices.SYSADMIN)
    with pytest.raises(ConflictOfInterest):
        do_end_post(actor.person.posts.get(), acting_user=actor, end_date=date(2026, 1, 1))
    relation = Relation.objects.get(person=sibling)
    with pytest.raises(ConflictOfInterest):
        do_remove_relation(relation, acting_user=actor)
    assert Relation.objects.filter(pk=relation.pk).exists()


def test_duty_item_of_a_relative_cannot_be_verified(county, people):
    from cleangov.duties.actions import do_create_duty_item, do_transition_duty_item
    from cleangov.duties.models import DutyItem
    from cleangov.orgs.actions import do_start_post

    secretary = county.persona(RoleChoices.TOWNSHIP_SECRETARY)
    discipline, sibling, _user = people(RoleChoices.TOWNSHIP_DISCIPLINE)
    do_start_post(acting_user=None, person=sibling, unit=county.townships["a"], post_type="deputy",
                  start_date=date(2025, 1, 1))
    item = do_create_duty_item(acting_user=secretary, unit=county.townships["a"], year=2026, title="听取汇报",
                               lead_person=sibling, due_date=date(2026, 12, 31), expected_evidence="会议记录",
                               assign=True)
    DutyItem.objects.filter(pk=item.pk).update(status="done")
    with pytest.raises(ConflictOfInterest):
        do_transition_duty_item(item, "verify", acting_user=discipline)
    assert DutyItem.objects.get(pk=item.pk).status == "done"


def test_ledger_subjects_are_checked(county, people):
    from cleangov.ledgers.actions import do_record_ledger_entry, do_revise_ledger_entry
    from cleangov.ledgers.models import LedgerEntry, LedgerKind
    from cleangov.ledgers.setup_data import load_catalog

    load_catalog()
    kind = LedgerKind.objects.select_related("current_version").get(code="admonishment_talk")
    discipline, sibling, _user = people(RoleChoices.TOWNSHIP_DISCIPLINE)
    township = county.townships["a"]

    def talk(talked_to):
        return {"talker": discipline.person_id, "talked_to": talked_to, "decision_ref": "纪诫〔2026〕1号",
                "problem": "违规发放津补贴"}

    for talked_to in (sibling.pk, discipline.person_id):
        with pytest.raises(ConflictOfInterest):
            do_record_ledger_entry(unit=township, kind=kind, event_date=timezone.localdate(), title="",
                                   values=talk(talked_to), acting_user=discipline)
    assert not LedgerEntry.objects.exists()
    head = county.persona(RoleChoices.TOWNSHIP_LEADER).person_id
    entry = do_record_ledger_entry(unit=township, kind=kind, event_date=timezone.localdate(), title="",
                                   values=talk(head), acting_user=discipline)
    with pytest.raises(ConflictOfInterest):  # nor rewritten to be about the sibling afterwards
        do_revise_ledger_entry(entry, title="", event_date=entry.event_date, values=talk(sibling.pk),
                               reason="更正", acting_user=discipline)


def test_the_finding_page_shows_the_refusal_as_a_form_error(client, county, people, tmp_path):
    from django.urls import reverse

    from cleangov.finance.models import Finding

    actor, sibling, _user = people(RoleChoices.TOWNSHIP_DISCIPLINE)
    finding = _finding(county, tmp_path)
    client.force_login(actor, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("finance:finding_action", args=[finding.pk]), {
        "verb": "confirm", "reason": "白条入账属实", "responsible_person": sibling.pk,
        "due_date": (timezone.localdate() + timedelta(days=30)).isoformat()}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    # The picker offers only people the reviewer may name (finance.views.nameable_people), so a relative
    # posted anyway is refused by the form before the action's own check (tested above) is reached.
    assert response.context["form"].errors["responsible_person"]
    assert "曾峰德" not in str(response.context["form"].fields["responsible_person"].queryset.values_list(
        "name", flat=True))
    assert Finding.objects.get(pk=finding.pk).status == finding.status
