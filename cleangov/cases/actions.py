"""State changes of accountability cases. Views, the case_requested receiver, demo and tests call these;
nothing else saves the app's objects. Every action is atomic and writes one audit event.

Time limits (中国共产党问责条例, 2019, Arts. 20–22 as summarised in docs/cases.md; the 2016 text is
the confirmed one for the one-month formalities), all on the deadline engine's calendar:

* organisational adjustment or handling: formalities completed within one month of the decision
  (clock ``cases.adjustment_formalities``, started by the decision, met by "implement");
* appeal: filed within one month of receiving the decision (the case's ``appeal_until``: one calendar
  month after delivery, moved to the next working day when it falls on a rest day);
* the appeal is decided within one month of its filing (clock ``cases.appeal_decision``); execution is
  not suspended meanwhile.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cleangov.core.access import roles_over
from cleangov.core.audit import record_event, snapshot
from cleangov.core.workflow import find_transition, may_take, validate_reason
from cleangov.deadlines.api import cancel_deadlines, create_deadline, is_workday, meet_deadlines
from cleangov.orgs.conflicts import ConflictOfInterest, check_conflict_of_interest
from cleangov.orgs.models import Person, Unit, related_person_ids

from .choices import (
    CADRE_FORMS,
    COMMISSION_MAY_DECIDE,
    ORGANISATION_FORMS,
    ORGANISATIONAL_ADJUSTMENT_FORMS,
    AccountabilityFormChoices,
    AppealStatusChoices,
    CaseStatusChoices,
    ResponsibilityChoices,
    SubjectKindChoices,
    TeamRoleChoices,
)
from .models import AccountabilityCase, CaseAppeal, CaseForm, CaseMember, CaseRecusal, CaseStep, CaseSubject
from .periods import add_months
from .workflow import AFTER_DELIVERY, APPEAL_WORKFLOW, CASE_WORKFLOW, PARTY_COMMITTEE_ROLES

S = CaseStatusChoices
CASE_FIELDS = ("reference", "unit", "title", "status", "source_ref", "registered_on", "initiation_approved_on",
               "reported_on", "deliberated_on", "decided_on", "delivered_on", "appeal_until", "implemented_on",
               "filed_on", "closed_on", "public_reference", "published_on")
FORMALITIES_RULE = "cases.adjustment_formalities"
APPEAL_RULE = "cases.appeal_decision"


def _subject_person_ids(case: AccountabilityCase) -> list[int]:
    return sorted(set(case.subjects.exclude(person=None).values_list("person_id", flat=True)))


def _user_of(person):
    return getattr(person, "user", None) if person is not None else None


def _step(case, name, on, acting_user, note=""):
    CaseStep.objects.create(case=case, name=name, on=on, note=note,
                            actor=acting_user if getattr(acting_user, "pk", None) else None)


def _link(case) -> str:
    return reverse("cases:case_detail", args=[case.pk])


def within_one_month(start: datetime.date) -> datetime.date:
    """The last day of "within one month" from ``start``: the same date a month later, moved on to the
    next working day of the deadline engine's calendar when it is a rest day."""
    day = add_months(start, 1)
    while not is_workday(day):
        day += datetime.timedelta(days=1)
    return day


def _next_reference(year: int) -> str:
    prefix = f"WZ-{year}-"
    last = (AccountabilityCase.objects.filter(reference__startswith=prefix).order_by("-reference")
            .values_list("reference", flat=True).first())
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _refuse_team_conflict(case: AccountabilityCase, person_id: int) -> None:
    """A subject, or anyone registered as a subject's relative, may not investigate or handle the case."""
    subjects = _subject_person_ids(case)
    if person_id in related_person_ids(subjects):
        raise ConflictOfInterest(
            _("This person is a subject of the case or registered as a subject's relative: they must recuse."),
            named=True, person=person_id)


# --- registering ----------------------------------------------------------------------------------
@transaction.atomic
def do_register_case(*, acting_user, unit: Unit, title: str, summary: str = "", registered_on=None,
                     source_ref: str = "", subject_people: Iterable = ()) -> AccountabilityCase:
    """Register a clue (by hand, or on ``core.signals.case_requested``); ``subject_people`` become the
    case's cadre subjects, their responsibility to be established by the investigation."""
    people = [p if isinstance(p, Person) else Person.objects.get(pk=p) for p in subject_people]
    check_conflict_of_interest(acting_user, named_people=people)
    registered_on = registered_on or timezone.localdate()
    if not title.strip():
        raise ValidationError({"title": _("Give the case a title.")})
    case = AccountabilityCase(reference=_next_reference(registered_on.year), unit=unit, title=title.strip(),
                              summary=summary, registered_on=registered_on, source_ref=source_ref,
                              created_by=acting_user if getattr(acting_user, "pk", None) else None)
    case.full_clean()
    case.save()
    for person in people:
        CaseSubject.objects.create(case=case, kind=SubjectKindChoices.CADRE, person=person, responsibility="")
    _step(case, "register", registered_on, acting_user)
    record_event(acting_user=acting_user, event_code="cases.case_registered", subject=case,
                 after=snapshot(case, CASE_FIELDS), unit=unit, subject_people=[p.pk for p in people])
    return case


@transaction.atomic
def do_add_case_subject(case: AccountabilityCase, *, acting_user, kind: str, person: Person | None = None,
                        subject_unit: Unit | None = None, responsibility: str = "",
                        post_title: str = "") -> CaseSubject:
    case = AccountabilityCase.objects.select_for_update().get(pk=case.pk)
    check_conflict_of_interest(acting_user, named_people=person, subject_people=_subject_person_ids(case))
    if case.status not in (S.REGISTERED, S.INITIATED, S.INVESTIGATING):
        raise ValidationError(_("Subjects are added before the investigation report."))
    if responsibility and responsibility not in ResponsibilityChoices.values:
        raise ValidationError({"responsibility": _("Choose a type of responsibility.")})
    if kind == SubjectKindChoices.CADRE and person is None:
        raise ValidationError({"person": _("Choose the leading cadre.")})
    if kind == SubjectKindChoices.ORGANISATION and subject_unit is None:
        raise ValidationError({"subject_unit": _("Choose the party organisation.")})
    if person is not None and case.members.filter(person_id__in=related_person_ids([person.pk]),
                                                  recused_on=None).exists():
        raise ValidationError({"person": _("This person or a registered relative is on the case's team: record "
                                           "the recusal first.")})
    subject = CaseSubject(case=case, kind=kind, person=person if kind == SubjectKindChoices.CADRE else None,
                          subject_unit=subject_unit if kind == SubjectKindChoices.ORGANISATION else None,
                          responsibility=responsibility, post_title=post_title)
    subject.full_clean()
    subject.save()
    record_event(acting_user=acting_user, event_code="cases.subject_added", subject=case,
                 after={"kind": kind, "person": getattr(person, "pk", None),
                        "subject_unit": getattr(subject_unit, "pk", None), "responsibility": responsibility},
                 unit=case.unit, subject_people=_subject_person_ids(case))
    return subject


@transaction.atomic
def do_record_subject_statement(subject: CaseSubject, *, acting_user, responsibility: str, statement: str,
                                recorded_on: datetime.date) -> CaseSubject:
    """The investigation meets the subject and records their statement and defence (陈述和申辩), and
    states the type of responsibility."""
    subject = CaseSubject.objects.select_for_update().select_related("case__unit").get(pk=subject.pk)
    case = subject.case
    check_conflict_of_interest(acting_user, subject_people=_subject_person_ids(case))
    if case.status != S.INVESTIGATING:
        raise ValidationError(_("Statements are recorded during the investigation."))
    if responsibility not in ResponsibilityChoices.values:
        raise ValidationError({"responsibility": _("Choose a type of responsibility.")})
    if not statement.strip():
        raise ValidationError({"statement": _("Record what the subject stated (or that they declined).")})
    before = snapshot(subject, ("responsibility", "statement", "statement_recorded_on"))
    subject.responsibility, subject.statement = responsibility, statement.strip()
    subject.statement_recorded_on = recorded_on
    subject.save(update_fields=["responsibility", "statement", "statement_recorded_on", "updated_at"])
    record_event(acting_user=acting_user, event_code="cases.statement_recorded", subject=case, before=before,
                 after=snapshot(subject, ("responsibility", "statement", "statement_recorded_on")), unit=case.unit,
                 subject_people=_subject_person_ids(case))
    return subject


@transaction.atomic
def do_add_case_member(case: AccountabilityCase, *, acting_user, person: Person, role: str) -> CaseMember:
    """Put someone on the investigation team or make them a handler. Nobody names themselves' relative,
    and no subject or subject's relative is named (the shared conflict check, then the case's own)."""
    case = AccountabilityCase.objects.select_for_update().get(pk=case.pk)
    check_conflict_of_interest(acting_user, named_people=person, subject_people=_subject_person_ids(case),
                               allow_self=True)
    _refuse_team_conflict(case, person.pk)
    if role not in TeamRoleChoices.values:
        raise ValidationError({"role": _("Choose a role on the team.")})
    if case.status in (S.CLOSED, S.DROPPED):
        raise ValidationError(_("This case is concluded."))
    if case.members.filter(person=person, role=role, recused_on=None).exists():
        raise ValidationError({"person": _("This person already has this role on the case.")})
    member = CaseMember.objects.create(case=case, person=person, role=role)
    record_event(acting_user=acting_user, event_code="cases.member_added", subject=case,
                 after={"person": person.pk, "role": role}, unit=case.unit, subject_people=_subject_person_ids(case))
    return member


@transaction.atomic
def do_record_recusal(case: AccountabilityCase, *, acting_user, reason: str, on=None) -> CaseRecusal:
    """The acting handler withdraws from the case (a conflict of interest, 中华人民共和国监察法 2018
    Art. 58); their team roles end and the case is hidden from them from now on."""
    case = AccountabilityCase.objects.select_for_update().get(pk=case.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for this step.")})
    on = on or timezone.localdate()
    recusal = CaseRecusal.objects.create(case=case, user=acting_user, reason=reason, recorded_on=on)
    person_id = getattr(acting_user, "person_id", None)
    if person_id:
        case.members.filter(person_id=person_id, recused_on=None).update(recused_on=on, recusal_reason=reason)
    record_event(acting_user=acting_user, event_code="cases.recusal_recorded", subject=case,
                 after={"user": acting_user.pk, "reason": reason}, unit=case.unit,
                 subject_people=_subject_person_ids(case))
    return recusal


# --- the stages -----------------------------------------------------------------------------------
def _forms_spec(case, forms) -> list[tuple[CaseSubject, str, int | None]]:
    """Validate (subject id, form, months) triples of a decision: organisation forms for organisations,
    cadre forms for cadres, each form once per subject, a sanction's months only for a sanction."""
    subjects = {s.pk: s for s in case.subjects.all()}
    out, seen = [], set()
    for subject_id, form, months in forms:
        subject = subjects.get(int(subject_id))
        if subject is None:
            raise ValidationError({"forms": _("A form names someone who is not a subject of this case.")})
        allowed = ORGANISATION_FORMS if subject.kind == SubjectKindChoices.ORGANISATION else CADRE_FORMS
        if form not in allowed:
            raise ValidationError({"forms": _("%(form)s is not a form for %(subject)s.") % {
                "form": AccountabilityFormChoices(form).label if form in AccountabilityFormChoices.values else form,
                "subject": subject}})
        if (subject.pk, form) in seen:
            raise ValidationError({"forms": _("%(subject)s is given the same form twice.") % {"subject": subject}})
        seen.add((subject.pk, form))
        if months is not None and form != AccountabilityFormChoices.DISCIPLINARY_SANCTION:
            raise ValidationError({"forms": _("Only a disciplinary sanction carries its own period of effect.")})
        out.append((subject, form, months))
    return out


def _commission_only(user, case) -> bool:
    return not (roles_over(user, case.unit) & PARTY_COMMITTEE_ROLES)


def _decide(case, acting_user, on, details, forms):
    text = (details.get("decision_text") or "").strip()
    if not text:
        raise ValidationError({"decision_text": _("Write the decision.")})
    spec = _forms_spec(case, forms)
    if not spec:
        raise ValidationError({"forms": _("Choose at least one form of accountability.")})
    missing = [str(s) for s in case.subjects.all() if s.pk not in {x[0].pk for x in spec}]
    if missing:
        raise ValidationError({"forms": _("Give a form to every subject: %(names)s.") % {"names": "、".join(missing)}})
    if getattr(acting_user, "pk", None) and _commission_only(acting_user, case):
        beyond = [f for _s, f, _m in spec if f not in COMMISSION_MAY_DECIDE]
        if beyond:
            raise ValidationError({"forms": _(
                "The discipline commission decides circulated criticism, admonishment, review and notice; "
                "organisational adjustment and sanctions are decided by the party committee on its proposal.")})
    for subject, form, months in spec:
        CaseForm.objects.create(case=case, subject=subject, form=form, effect_months=months, effective_from=on)
    case.decision_text, case.decided_on = text, on
    if any(f in ORGANISATIONAL_ADJUSTMENT_FORMS for _s, f, _m in spec):
        create_deadline(case, FORMALITIES_RULE, due_date=add_months(on, 1), rest_day_moves_on=True,
                        assignee=acting_user if getattr(acting_user, "pk", None) else None, unit=case.unit,
                        acting_user=acting_user,
                        title=_("Organisational formalities of %(ref)s") % {"ref": case.reference},
                        link=_link(case), subject_people=_subject_person_ids(case))


def _apply(case, transition, acting_user, on, reason, details, forms):
    name = transition.name
    if name == "approve_initiation":
        case.initiation_approved_on = on
    elif name == "start_investigation":
        if not case.members.filter(recused_on=None, role__in=(TeamRoleChoices.LEADER,
                                                              TeamRoleChoices.INVESTIGATOR)).exists():
            raise ValidationError(_("Set up the investigation team first."))
    elif name == "submit_report":
        report = (details.get("investigation_report") or "").strip()
        facts = (details.get("fact_statement") or case.fact_statement or "").strip()
        if not report:
            raise ValidationError({"investigation_report": _("Write the investigation report.")})
        if not facts:
            raise ValidationError({"fact_statement": _("Write the statement of facts.")})
        if not case.subjects.exists():
            raise ValidationError(_("The case has no subject."))
        unheard = [str(s) for s in case.subjects.filter(kind=SubjectKindChoices.CADRE, statement_recorded_on=None)]
        if unheard:
            raise ValidationError(_("Record the statement and defence of: %(names)s.") % {"names": "、".join(unheard)})
        if case.subjects.filter(responsibility="").exists():
            raise ValidationError(_("State the type of responsibility of every subject."))
        case.investigation_report, case.fact_statement, case.reported_on = report, facts, on
    elif name == "deliberate":
        meeting = (details.get("collective_meeting") or "").strip()
        opinion = (details.get("collective_opinion") or "").strip()
        if not meeting or not opinion:
            raise ValidationError({"collective_meeting": _("Name the meeting and record its opinion.")})
        case.collective_meeting, case.collective_opinion, case.deliberated_on = meeting, opinion, on
    elif name == "decide":
        _decide(case, acting_user, on, details, forms)
    elif name == "deliver":
        if on < case.decided_on:
            raise ValidationError({"on": _("Delivery cannot come before the decision.")})
        case.delivered_on, case.appeal_until = on, within_one_month(on)
    elif name == "implement":
        case.implemented_on = on
        meet_deadlines(case, rule=FORMALITIES_RULE, acting_user=acting_user)
    elif name == "file":
        case.filed_on = on
    elif name == "close":
        if case.appeals.filter(status=AppealStatusChoices.FILED).exists():
            raise ValidationError(_("An appeal is pending: decide it before closing the case."))
        case.closed_on = on
    elif name == "drop":
        case.dropped_reason, case.closed_on = reason, on
        cancel_deadlines(case, acting_user=acting_user, reason=reason)


@transaction.atomic
def do_transition_case(case: AccountabilityCase, step: str, *, acting_user, on: datetime.date | None = None,
                       reason: str = "", details: dict | None = None, forms: Iterable = ()) -> AccountabilityCase:
    """Take the step ``step`` of CASE_WORKFLOW. ``details`` carries the texts the step records (report,
    meeting, decision); ``forms`` the decision's (subject id, form, months or None) triples."""
    case = AccountabilityCase.objects.select_for_update().select_related("unit").get(pk=case.pk)
    check_conflict_of_interest(acting_user, subject_people=_subject_person_ids(case))
    transition = find_transition(CASE_WORKFLOW, case.status, step)
    if transition is None:
        raise ValidationError(_("This step is not possible in the case's current stage."))
    if getattr(acting_user, "pk", None) and not may_take(CASE_WORKFLOW, transition, acting_user, case):
        raise ValidationError(_("Your role does not take this step on this case."))
    reason = validate_reason(transition, reason)
    on = on or timezone.localdate()
    before = snapshot(case, CASE_FIELDS)
    _apply(case, transition, acting_user, on, reason, details or {}, list(forms))
    case.status = transition.target
    case.full_clean()
    case.save()
    _step(case, step, on, acting_user, reason)
    record_event(acting_user=acting_user, event_code=f"cases.case_{transition.target}", subject=case,
                 before=before, after=snapshot(case, CASE_FIELDS) | ({"reason": reason} if reason else {}),
                 unit=case.unit, subject_people=_subject_person_ids(case))
    return case


# --- appeal and correction ------------------------------------------------------------------------
@transaction.atomic
def do_file_appeal(case: AccountabilityCase, *, acting_user, subject: CaseSubject, filed_on: datetime.date,
                   grounds: str) -> CaseAppeal:
    """Register a subject's written appeal (申诉), received within one month of delivery."""
    case = AccountabilityCase.objects.select_for_update().get(pk=case.pk)
    check_conflict_of_interest(acting_user, subject_people=_subject_person_ids(case))
    if subject.case_id != case.pk:
        raise ValidationError({"subject": _("Choose a subject of this case.")})
    if case.status not in AFTER_DELIVERY or case.delivered_on is None:
        raise ValidationError(_("An appeal is filed against a delivered decision."))
    if filed_on < case.delivered_on or filed_on > case.appeal_until:
        raise ValidationError({"filed_on": _("An appeal is filed within one month of delivery: from %(start)s to "
                                             "%(end)s.") % {"start": case.delivered_on, "end": case.appeal_until}})
    if not (grounds or "").strip():
        raise ValidationError({"grounds": _("Record the grounds of the appeal.")})
    if case.appeals.filter(subject=subject, status=AppealStatusChoices.FILED).exists():
        raise ValidationError({"subject": _("This subject's appeal is already pending.")})
    appeal = CaseAppeal.objects.create(case=case, subject=subject, filed_on=filed_on, grounds=grounds.strip(),
                                       decide_by=within_one_month(filed_on))
    create_deadline(appeal, APPEAL_RULE, due_date=add_months(filed_on, 1), rest_day_moves_on=True,
                    assignee=acting_user if getattr(acting_user, "pk", None) else None, unit=case.unit,
                    acting_user=acting_user, title=_("Decide the appeal in %(ref)s") % {"ref": case.reference},
                    link=_link(case), subject_people=_subject_person_ids(case))
    _step(case, "appeal_filed", filed_on, acting_user)
    record_event(acting_user=acting_user, event_code="cases.appeal_filed", subject=case,
                 after={"appeal": appeal.pk, "subject": subject.pk, "filed_on": str(filed_on)}, unit=case.unit,
                 subject_people=_subject_person_ids(case))
    return appeal


def _revoke(forms_qs, on, reason) -> list[int]:
    ids = list(forms_qs.filter(revoked_on=None).values_list("pk", flat=True))
    CaseForm.objects.filter(pk__in=ids).update(revoked_on=on, revoked_reason=reason)
    return ids


@transaction.atomic
def do_decide_appeal(appeal: CaseAppeal, step: str, *, acting_user, on: datetime.date, reason: str,
                     replacement_forms: Iterable = ()) -> CaseAppeal:
    """Uphold, change (revoke the subject's forms and give ``replacement_forms``) or revoke the decision."""
    appeal = CaseAppeal.objects.select_for_update().select_related("case__unit", "subject").get(pk=appeal.pk)
    case = appeal.case
    check_conflict_of_interest(acting_user, subject_people=_subject_person_ids(case))
    transition = find_transition(APPEAL_WORKFLOW, appeal.status, step)
    if transition is None:
        raise ValidationError(_("This appeal is already decided."))
    if getattr(acting_user, "pk", None) and not may_take(APPEAL_WORKFLOW, transition, acting_user, appeal):
        raise ValidationError(_("Your role does not take this step on this case."))
    reason = validate_reason(transition, reason)
    if on < appeal.filed_on:
        raise ValidationError({"on": _("The appeal cannot be decided before it was filed.")})
    replacements = list(replacement_forms)
    revoked: list[int] = []
    if step == "change":
        spec = _forms_spec(case, [(appeal.subject_id, f, m) for f, m in replacements])
        if not spec:
            raise ValidationError({"forms": _("Choose the forms that replace the decision's.")})
        revoked = _revoke(case.forms.filter(subject=appeal.subject), on, reason)
        for subject, form, months in spec:
            CaseForm.objects.create(case=case, subject=subject, form=form, effect_months=months,
                                    effective_from=case.decided_on)
    elif step == "revoke":
        revoked = _revoke(case.forms.filter(subject=appeal.subject), on, reason)
    appeal.status, appeal.decided_on, appeal.decision_text = transition.target, on, reason
    appeal.save(update_fields=["status", "decided_on", "decision_text", "updated_at"])
    meet_deadlines(appeal, rule=APPEAL_RULE, acting_user=acting_user)
    _step(case, f"appeal_{transition.target}", on, acting_user, reason)
    record_event(acting_user=acting_user, event_code=f"cases.appeal_{transition.target}", subject=case,
                 after={"appeal": appeal.pk, "revoked_forms": revoked, "replacements": [f for f, _m in replacements],
                        "reason": reason}, unit=case.unit, subject_people=_subject_person_ids(case))
    return appeal


@transaction.atomic
def do_correct_case_decision(case: AccountabilityCase, *, acting_user, on: datetime.date, reason: str,
                             revoke_form_ids: Iterable[int] = (),
                             replacement_forms: Iterable = ()) -> AccountabilityCase:
    """Correct a decision found wrong in its facts, evidence, basis or procedure: revoke forms and give
    replacements ((subject id, form, months) triples)."""
    case = AccountabilityCase.objects.select_for_update().select_related("unit").get(pk=case.pk)
    check_conflict_of_interest(acting_user, subject_people=_subject_person_ids(case))
    if case.status not in (S.DECIDED, *AFTER_DELIVERY):
        raise ValidationError(_("Only a decided case can be corrected."))
    reason = validate_reason(None, reason, required=True)
    ids = [int(i) for i in revoke_form_ids]
    if case.forms.filter(pk__in=ids).count() != len(set(ids)):
        raise ValidationError({"forms": _("A form to revoke does not belong to this case.")})
    spec = _forms_spec(case, replacement_forms)
    if not ids and not spec:
        raise ValidationError({"forms": _("Choose what the correction revokes or adds.")})
    revoked = _revoke(case.forms.filter(pk__in=ids), on, reason)
    for subject, form, months in spec:
        CaseForm.objects.create(case=case, subject=subject, form=form, effect_months=months,
                                effective_from=case.decided_on)
    _step(case, "corrected", on, acting_user, reason)
    record_event(acting_user=acting_user, event_code="cases.decision_corrected", subject=case,
                 after={"revoked_forms": revoked, "added": [f for _s, f, _m in spec], "reason": reason},
                 unit=case.unit, subject_people=_subject_person_ids(case))
    return case


# --- the public outcome ---------------------------------------------------------------------------
def _next_public_reference(year: int) -> str:
    prefix = f"GK{year}-"
    last = (AccountabilityCase.objects.filter(public_reference__startswith=prefix).order_by("-public_reference")
            .values_list("public_reference", flat=True).first())
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


@transaction.atomic
def do_publish_case_outcome(case: AccountabilityCase, *, acting_user, public_summary: str,
                            on: datetime.date | None = None) -> AccountabilityCase:
    """Give a concluded case its anonymised public outcome with a stable reference. The summary is what
    the decision makes public, written for villagers: no names of reporters, relatives or subjects."""
    case = AccountabilityCase.objects.select_for_update().select_related("unit").get(pk=case.pk)
    check_conflict_of_interest(acting_user, subject_people=_subject_person_ids(case))
    if case.status not in (S.FILED, S.CLOSED):
        raise ValidationError(_("An outcome is published once the decision is filed."))
    if case.public_reference:
        raise ValidationError(_("This outcome is already public."))
    summary = (public_summary or "").strip()
    if not summary:
        raise ValidationError({"public_summary": _("Write the public summary.")})
    names = set(case.subjects.exclude(person=None).values_list("person__name", flat=True))
    names |= set(Person.objects.filter(pk__in=related_person_ids(_subject_person_ids(case)))
                 .values_list("name", flat=True))
    leaked = sorted(n for n in names if n and n in summary)
    if leaked:
        raise ValidationError({"public_summary": _("The public summary names a person (%(names)s): remove the "
                                                   "name.") % {"names": "、".join(leaked)}})
    on = on or timezone.localdate()
    case.public_reference, case.public_summary, case.published_on = _next_public_reference(on.year), summary, on
    case.save(update_fields=["public_reference", "public_summary", "published_on", "updated_at"])
    _step(case, "published", on, acting_user)
    record_event(acting_user=acting_user, event_code="cases.outcome_published", subject=case,
                 after={"public_reference": case.public_reference}, unit=case.unit,
                 subject_people=_subject_person_ids(case))
    return case
