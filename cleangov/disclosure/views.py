"""Staff pages of the disclosure: a village's schedule, one item with its draft, versions and
questions, and the steps of the workflow. Thin: parse → gate → action → redirect."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cleangov.core.access import require_role
from cleangov.core.workflow import available_transitions

from . import actions
from .access import (
    MODERATORS,
    VIEW_ROLES,
    access_disclosure_by_id,
    access_question_by_id,
    access_village_by_id,
    visible_villages,
)
from .catalog import get_catalog
from .choices import DisclosureStatusChoices as S
from .models import Disclosure
from .presentation import item_rows, overdue_rows
from .workflow import DISCLOSURE_WORKFLOW, PREPARERS


def _errors(request, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            for err in errs:
                messages.error(request, f"{field}: {err}" if field != "__all__" else err)
    else:
        for err in exc.messages:
            messages.error(request, err)


@login_required
@require_GET
def index(request):
    require_role(request.user, VIEW_ROLES)
    villages = list(visible_villages(request.user).order_by("path")[:500])
    today = timezone.localdate()
    overdue = {}
    for row in (Disclosure.objects.filter(unit__in=villages, due_date__lt=today)
                .exclude(status__in=[S.PUBLISHED, S.EXEMPT]).values_list("unit_id", flat=True)):
        overdue[row] = overdue.get(row, 0) + 1
    rows = [{"unit": v, "overdue": overdue.get(v.pk, 0)} for v in villages]
    return render(request, "disclosure/index.html", {"rows": rows})


@login_required
@require_GET
def village(request, unit_id: int):
    unit = access_village_by_id(request.user, unit_id)
    today = timezone.localdate()
    items = list(Disclosure.objects.filter(unit=unit).order_by("-due_date", "catalog_code")[:200])
    can_prepare = _may_prepare(request.user, unit)
    return render(request, "disclosure/village.html", {
        "unit": unit, "rows": item_rows(items, today), "overdue": overdue_rows(unit, today),
        "events": get_catalog().events, "can_prepare": can_prepare, "today": today})


def _may_prepare(user, unit) -> bool:
    try:
        access_village_by_id(user, unit.pk, action="prepare")
    except Exception:
        return False
    return True


@login_required
@require_POST
def record_event(request, unit_id: int):
    unit = access_village_by_id(request.user, unit_id, action="prepare")
    try:
        event_date = date.fromisoformat(request.POST.get("event_date", ""))
        d = actions.do_record_event_disclosure(unit, catalog_code=request.POST.get("catalog_code", ""),
                                               event_date=event_date, event_title=request.POST.get("event_title", ""),
                                               acting_user=request.user)
    except ValueError:
        messages.error(request, _("event date: Enter a date as YYYY-MM-DD."))
        return redirect("disclosure:village", unit.pk)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("disclosure:village", unit.pk)
    messages.success(request, _("The event is on the schedule."))
    return redirect("disclosure:detail", d.pk)


@login_required
@require_GET
def detail(request, disclosure_id: int):
    d = access_disclosure_by_id(request.user, disclosure_id)
    entry = get_catalog().get(d.catalog_code)
    steps = available_transitions(DISCLOSURE_WORKFLOW, request.user, d)
    versions = list(d.versions.order_by("-number"))
    questions = list(d.questions.order_by("-asked_at"))
    user_roles = {a.role for a in request.user.active_assignments()}
    return render(request, "disclosure/detail.html", {
        "d": d, "entry": entry, "steps": steps, "step_names": {t.name for t in steps}, "versions": versions,
        "questions": questions, "can_answer": bool(user_roles & PREPARERS),
        "can_hide": bool(user_roles & MODERATORS), "draft": d.draft_content,
        "draft_rows": [(f.display_label(), d.draft_content.get("fields", {}).get(f.name, "")) for f in entry.fields]
        if entry else []})


@login_required
@require_POST
def step(request, disclosure_id: int):
    d = access_disclosure_by_id(request.user, disclosure_id, action="act")
    name = request.POST.get("step", "")
    reason = request.POST.get("reason", "")
    user = request.user
    try:
        if name in ("submit", "correct"):
            entry = get_catalog().get(d.catalog_code)
            values = {f.name: request.POST.get(f"field_{f.name}", "") for f in entry.fields}
            actions.do_submit_disclosure(d, values=values, explanation=request.POST.get("explanation", ""),
                                         reason=reason, files=request.FILES.getlist("files"), acting_user=user)
        elif name == "sign":
            actions.do_sign_disclosure(d, acting_user=user)
        elif name == "return":
            actions.do_return_disclosure(d, comment=reason, acting_user=user)
        elif name == "request_exemption":
            actions.do_request_exemption(d, reason=reason, acting_user=user)
        elif name in ("grant_exemption", "refuse_exemption"):
            actions.do_decide_exemption(d, grant=name == "grant_exemption", reason=reason, acting_user=user)
        else:
            messages.error(request, _("This step does not apply to the item in its present state."))
            return redirect("disclosure:detail", d.pk)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("disclosure:detail", d.pk)
    messages.success(request, _("Done."))
    return redirect("disclosure:detail", d.pk)


@login_required
@require_POST
def answer_question(request, question_id: int):
    q = access_question_by_id(request.user, question_id, action="answer")
    try:
        actions.do_answer_question(q, answer=request.POST.get("answer", ""), acting_user=request.user)
        messages.success(request, _("The answer is published."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("disclosure:detail", q.disclosure_id)


@login_required
@require_POST
def hide_question(request, question_id: int):
    q = access_question_by_id(request.user, question_id, action="hide")
    try:
        actions.do_hide_question(q, reason=request.POST.get("reason", ""), acting_user=request.user)
        messages.success(request, _("The question is hidden; the reason is shown in its place."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("disclosure:detail", q.disclosure_id)
