"""Pages of the accountability cases app: thin — parse, gate, call the action, render."""

from __future__ import annotations

import csv
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cleangov.core.access import require_role, scope_q
from cleangov.core.workflow import available_transitions
from cleangov.deadlines.api import deadlines_for
from cleangov.orgs.access import visible_people
from cleangov.orgs.models import Unit

from . import access, actions
from .choices import (
    CADRE_FORMS,
    ORGANISATION_FORMS,
    AccountabilityFormChoices,
    AppealStatusChoices,
    CaseStatusChoices,
    SubjectKindChoices,
)
from .forms import MemberForm, ReasonForm, RegisterCaseForm, StatementForm, SubjectForm
from .models import CaseStep
from .periods import effects_on
from .selectors import step_label
from .workflow import AFTER_DELIVERY, APPEAL_WORKFLOW, CASE_TRANSITIONS, CASE_WORKFLOW


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _date(value, default=None):
    try:
        return datetime.date.fromisoformat(value) if value else default
    except ValueError as exc:
        raise ValidationError({"on": _("Enter a valid date.")}) from exc


def _register_units(user):
    return Unit.objects.filter(scope_q(user, roles=access.REGISTER_ROLES, path_field="path")).order_by("path")


@login_required
@require_GET
def index(request):
    require_role(request.user, access.VIEW_ROLES)
    cases = access.visible_cases(request.user).select_related("unit")
    status = request.GET.get("status", "")
    counts = {row["status"]: row["n"] for row in cases.values("status").annotate(n=Count("pk"))}
    stats = [{"value": v, "label": label, "count": counts.get(v, 0)} for v, label in CaseStatusChoices.choices]
    if status in CaseStatusChoices.values:
        cases = cases.filter(status=status)
    return render(request, "cases/index.html", {
        "cases": cases[:200], "stats": stats, "status": status, "total": sum(counts.values()),
        "can_register": access.can_register(request.user),
    })


@login_required
@require_GET
def export_csv(request):
    require_role(request.user, access.VIEW_ROLES)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="accountability-cases.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("Reference"), _("Unit"), _("Title"), _("Status"), _("Registered on"), _("Decided on"),
                     _("Subjects"), _("Forms")])
    cases = access.visible_cases(request.user).select_related("unit").prefetch_related(
        "subjects__person", "subjects__subject_unit", "forms")
    for case in cases:
        writer.writerow([case.reference, case.unit.name, case.title, case.get_status_display(),
                         case.registered_on, case.decided_on or "",
                         "; ".join(str(s) for s in case.subjects.all()),
                         "; ".join(f.get_form_display() for f in case.forms.all() if f.revoked_on is None)])
    return response


@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    require_role(request.user, access.REGISTER_ROLES)
    form = RegisterCaseForm(request.POST or None, units=_register_units(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            case = actions.do_register_case(acting_user=request.user, unit=form.cleaned_data["unit"],
                                            title=form.cleaned_data["title"], summary=form.cleaned_data["summary"],
                                            registered_on=form.cleaned_data["registered_on"])
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("Case %(ref)s registered.") % {"ref": case.reference})
            return redirect("cases:case_detail", case_id=case.pk)
    return render(request, "cases/register.html", {"form": form})


def _case_context(request, case):
    user = request.user
    subjects = list(case.subjects.select_related("person", "subject_unit"))
    forms_rows = list(case.forms.select_related("subject__person", "subject__subject_unit"))
    today = timezone.localdate()
    for row in forms_rows:
        row.effects = effects_on([row], today) if row.revoked_on is None else []
    appeals = list(case.appeals.select_related("subject__person", "subject__subject_unit"))
    appeal_steps = {a.pk: available_transitions(APPEAL_WORKFLOW, user, a) for a in appeals}
    for appeal in appeals:
        appeal.steps = appeal_steps[appeal.pk]
    steps = available_transitions(CASE_WORKFLOW, user, case)
    for subject in subjects:
        allowed = ORGANISATION_FORMS if subject.kind == SubjectKindChoices.ORGANISATION else CADRE_FORMS
        subject.form_choices = [(v, label) for v, label in AccountabilityFormChoices.choices if v in allowed]
    handle = access.visible_cases(user, roles=access.HANDLER_ROLES).filter(pk=case.pk).exists()
    decide = access.visible_cases(user, roles=access.DECIDER_ROLES).filter(pk=case.pk).exists()
    history = [{"step": s, "label": step_label(s.name)} for s in CaseStep.objects.filter(case=case)
               .select_related("actor")]
    return {
        "case": case, "subjects": subjects, "forms_rows": forms_rows, "appeals": appeals, "steps": steps,
        "members": list(case.members.select_related("person")), "recusals": list(case.recusals.select_related("user")),
        "deadlines": list(deadlines_for(case)), "history": history,
        "can_handle": handle, "can_decide": decide,
        "can_add_subjects": handle and case.status in (CaseStatusChoices.REGISTERED, CaseStatusChoices.INITIATED,
                                                       CaseStatusChoices.INVESTIGATING),
        "can_record_statements": handle and case.status == CaseStatusChoices.INVESTIGATING,
        "can_appeal": handle and case.status in AFTER_DELIVERY and case.appeal_until and today <= case.appeal_until,
        "can_correct": decide and case.status in (CaseStatusChoices.DECIDED, *AFTER_DELIVERY),
        "can_publish": handle and case.status in (CaseStatusChoices.FILED, CaseStatusChoices.CLOSED)
        and not case.public_reference,
        "subject_form": SubjectForm(), "member_form": MemberForm(), "statement_form": StatementForm(),
        "form_choices": AccountabilityFormChoices.choices, "pending_appeal": any(
            a.status == AppealStatusChoices.FILED for a in appeals),
        "today": today,
    }


@login_required
@require_GET
def case_detail(request, case_id):
    case = access.access_case_by_id(request.user, case_id)
    return render(request, "cases/case_detail.html", _case_context(request, case))


def _posted_forms(request, subjects) -> list[tuple[int, str, int | None]]:
    """(subject id, form, months) from the decision form: checkboxes ``form_<subject>``, the sanction's
    months in ``months_<subject>``."""
    out = []
    for subject in subjects:
        months_raw = request.POST.get(f"months_{subject.pk}", "").strip()
        for form in request.POST.getlist(f"form_{subject.pk}"):
            months = None
            if form == AccountabilityFormChoices.DISCIPLINARY_SANCTION and months_raw:
                if not months_raw.isdigit():
                    raise ValidationError({"forms": _("The period of effect is a number of months.")})
                months = int(months_raw)
            out.append((subject.pk, form, months))
    return out


@login_required
@require_POST
def case_step(request, case_id, step):
    if step not in CASE_TRANSITIONS:
        raise Http404
    case = access.access_case_by_id(request.user, case_id, action=step)
    try:
        details = {k: request.POST.get(k, "") for k in ("investigation_report", "fact_statement",
                                                       "collective_meeting", "collective_opinion", "decision_text")}
        forms = _posted_forms(request, case.subjects.all()) if step == "decide" else []
        actions.do_transition_case(case, step, acting_user=request.user, on=_date(request.POST.get("on")),
                                   reason=request.POST.get("reason", ""), details=details, forms=forms)
        messages.success(request, _("Done: %(step)s.") % {"step": CASE_TRANSITIONS[step].label})
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("cases:case_detail", case_id=case.pk)


def _person(request, code):
    person = visible_people(request.user).filter(code=(code or "").strip()).first()
    if person is None:
        raise ValidationError({"person": _("No person with this code in your units.")})
    return person


@login_required
@require_POST
def case_subject_add(request, case_id):
    case = access.access_case_by_id(request.user, case_id, action="handle")
    form = SubjectForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Check the subject's fields."))
        data = form.cleaned_data
        person = unit = None
        if data["kind"] == SubjectKindChoices.CADRE:
            person = _person(request, data["person_code"])
        else:
            unit = Unit.objects.filter(scope_q(request.user, roles=access.HANDLER_ROLES, path_field="path"),
                                       code=data["unit_code"].strip()).first()
        actions.do_add_case_subject(case, acting_user=request.user, kind=data["kind"], person=person,
                                    subject_unit=unit, responsibility=data["responsibility"],
                                    post_title=data["post_title"])
        messages.success(request, _("Subject added."))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("cases:case_detail", case_id=case.pk)


@login_required
@require_POST
def case_member_add(request, case_id):
    case = access.access_case_by_id(request.user, case_id, action="handle")
    form = MemberForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Check the team member's fields."))
        person = _person(request, form.cleaned_data["person_code"])
        actions.do_add_case_member(case, acting_user=request.user, person=person, role=form.cleaned_data["role"])
        messages.success(request, _("Team member added."))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("cases:case_detail", case_id=case.pk)


@login_required
@require_POST
def case_statement(request, case_id, subject_id):
    case = access.access_case_by_id(request.user, case_id, action="handle")
    subject = case.subjects.filter(pk=subject_id).first()
    if subject is None:
        raise Http404
    form = StatementForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Check the statement's fields."))
        actions.do_record_subject_statement(subject, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Statement recorded."))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("cases:case_detail", case_id=case.pk)


@login_required
@require_POST
def case_recuse(request, case_id):
    case = access.access_case_by_id(request.user, case_id)
    form = ReasonForm(request.POST)
    try:
        actions.do_record_recusal(case, acting_user=request.user,
                                  reason=form.cleaned_data["reason"] if form.is_valid() else "")
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("cases:case_detail", case_id=case.pk)
    messages.success(request, _("Your recusal is recorded; the case is no longer shown to you."))
    return redirect("cases:index")


@login_required
@require_POST
def case_appeal_file(request, case_id):
    case = access.access_case_by_id(request.user, case_id, action="handle")
    subject = case.subjects.filter(pk=request.POST.get("subject") or 0).first()
    try:
        if subject is None:
            raise ValidationError({"subject": _("Choose a subject of this case.")})
        actions.do_file_appeal(case, acting_user=request.user, subject=subject,
                               filed_on=_date(request.POST.get("filed_on"), timezone.localdate()),
                               grounds=request.POST.get("grounds", ""))
        messages.success(request, _("Appeal registered. The decision stays in force while it is examined."))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("cases:case_detail", case_id=case.pk)


@login_required
@require_POST
def appeal_decide(request, appeal_id, step):
    if step not in APPEAL_WORKFLOW.names:
        raise Http404
    appeal = access.access_appeal_by_id(request.user, appeal_id, action=step)
    try:
        replacements = [(f, None) for f in request.POST.getlist("replacement")]
        actions.do_decide_appeal(appeal, step, acting_user=request.user,
                                 on=_date(request.POST.get("on"), timezone.localdate()),
                                 reason=request.POST.get("reason", ""), replacement_forms=replacements)
        messages.success(request, _("Appeal decided."))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("cases:case_detail", case_id=appeal.case_id)


@login_required
@require_POST
def case_correct(request, case_id):
    case = access.access_case_by_id(request.user, case_id, action="decide")
    try:
        actions.do_correct_case_decision(case, acting_user=request.user,
                                         on=_date(request.POST.get("on"), timezone.localdate()),
                                         reason=request.POST.get("reason", ""),
                                         revoke_form_ids=[int(i) for i in request.POST.getlist("revoke")
                                                          if i.isdigit()],
                                         replacement_forms=_posted_forms(request, case.subjects.all()))
        messages.success(request, _("Decision corrected."))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("cases:case_detail", case_id=case.pk)


@login_required
@require_POST
def case_publish(request, case_id):
    case = access.access_case_by_id(request.user, case_id, action="handle")
    try:
        case = actions.do_publish_case_outcome(case, acting_user=request.user,
                                               public_summary=request.POST.get("public_summary", ""))
        messages.success(request, _("Outcome made public as %(ref)s.") % {"ref": case.public_reference})
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("cases:case_detail", case_id=case.pk)
