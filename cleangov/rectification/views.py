"""Pages of rectification: the handlers' list and item page, the responsible person's work view, the
dashboard, the export. Thin: gate → form → action → render."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cleangov.core.access import has_role, require_role, restrict
from cleangov.core.links import link_if_followable
from cleangov.core.matters import MatterRef
from cleangov.deadlines.api import deadlines_for
from cleangov.orgs.conflicts import ConflictOfInterest
from cleangov.orgs.models import Person, Post, Unit

from . import access, taxonomy
from .actions import do_decide_item, do_open_item, do_record_repayment, do_recuse_from_item, do_submit_item, recovered
from .choices import ItemStatusChoices as S
from .forms import DecideForm, FilterForm, OpenItemForm, RecuseForm, RepaymentForm, SubmitForm
from .selectors import dashboard_rows, is_overdue
from .workflow import DEADLINE_RULE, HANDLER_STEPS, RECTIFICATION_WORKFLOW

PAGE_SIZE = 50
# The page of each kind of source, by URL name (a source whose app is not installed shows no link).
SOURCE_PAGES = {"finance.finding": ("finance:finding_detail", "finding_id")}


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _filtered(qs, form):
    if form.is_valid():
        data = form.cleaned_data
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        if data.get("problem_type"):
            qs = qs.filter(problem_type=data["problem_type"])
        if data.get("overdue"):
            qs = qs.filter(status=S.OPEN, deadline__lt=timezone.localdate())
        if data.get("recurrence"):
            qs = qs.filter(recurrence_of__isnull=False)
    return qs


@login_required
def index(request):
    user = request.user
    mine = list(access.own_items(user).select_related("unit").order_by("deadline", "pk")[:100])
    handler = has_role(user, access.VIEW_ROLES)
    form = FilterForm(request.GET or None)
    page = None
    if handler:
        qs = _filtered(access.items_for(user).select_related("unit", "responsible_person"), form)
        page = Paginator(qs.order_by("-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "rectification/index.html", {
        "mine": mine, "handler": handler, "page": page, "form": form, "today": timezone.localdate(),
        "can_open": has_role(user, access.HANDLE_ROLES)})


def _source_url(user, item) -> str:
    """The page of the finding the item came from, when the reader may open it (a township secretary
    handles items but does not read vouchers' findings: for them the source stays text)."""
    if not item.source_ref:
        return ""
    ref = MatterRef.parse(item.source_ref)
    name = SOURCE_PAGES.get(ref.kind)
    if not name:
        return ""
    try:
        url = reverse(name[0], kwargs={name[1]: ref.pk})
    except NoReverseMatch:
        return ""
    return link_if_followable(user, url)


def _detail_context(request, item, **forms):
    user = request.user
    caps = access.capabilities(user, item)
    steps = [t for t in RECTIFICATION_WORKFLOW
             if item.status in t.sources and t.name in HANDLER_STEPS and t.capability in caps]
    return {
        "item": item, "steps": steps, "problem_type": taxonomy.label(item.problem_type),
        "source_url": _source_url(user, item), "evidence": item.evidence.all(),
        "repayments": item.repayments.all(), "recovered": recovered(item),
        "events": item.events.select_related("actor"), "deadlines": deadlines_for(item, rule=DEADLINE_RULE),
        "recurrences": access.items_for(user).filter(recurrence_of=item),
        "earlier": access.items_for(user).filter(pk=item.recurrence_of_id).first(),
        "overdue": is_overdue(item), "can_handle": "handle" in caps,
        "decide_form": forms.get("decide_form") or DecideForm(),
        "repayment_form": forms.get("repayment_form") or RepaymentForm(),
        "recuse_form": forms.get("recuse_form") or RecuseForm(),
        "matter": str(MatterRef.of(item)),
    }


@login_required
@require_GET
def item_detail(request, item_id):
    item = access.access_item_by_id(request.user, item_id)
    return render(request, "rectification/item_detail.html", _detail_context(request, item))


@login_required
@require_POST
def item_decide(request, item_id, verb):
    item = access.access_item_by_id(request.user, item_id, action="handle")
    if verb not in HANDLER_STEPS:
        raise Http404
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            do_decide_item(item, verb, acting_user=request.user, reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            _add_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, _("Saved."))
            return redirect("rectification:item_detail", item_id=item.pk)
    item.refresh_from_db()
    return render(request, "rectification/item_detail.html", _detail_context(request, item, decide_form=form),
                  status=200)


@login_required
@require_POST
def item_repayment(request, item_id):
    item = access.access_item_by_id(request.user, item_id, action="handle")
    form = RepaymentForm(request.POST)
    if form.is_valid():
        try:
            do_record_repayment(item, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Repayment recorded."))
            return redirect("rectification:item_detail", item_id=item.pk)
    return render(request, "rectification/item_detail.html", _detail_context(request, item, repayment_form=form))


@login_required
@require_POST
def item_recuse(request, item_id):
    item = access.access_item_by_id(request.user, item_id)
    form = RecuseForm(request.POST)
    if form.is_valid():
        do_recuse_from_item(item, acting_user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Your withdrawal is recorded; the item is no longer in your lists."))
        return redirect("rectification:index")
    return render(request, "rectification/item_detail.html", _detail_context(request, item, recuse_form=form))


@login_required
def item_work(request, item_id):
    """The responsible person's own view: the problem, the rule and its numbers, the voucher lines
    concerned, their submissions and the verifier's answers, nothing else.

    The item's clock links here; when it escalates, the supervisors who receive it are not the responsible
    person, so a handler who may open the item is sent to the handler's page (anyone else gets the 404)."""
    try:
        item = access.access_item_by_id(request.user, item_id, action="work")
    except Http404:
        if request.method != "GET":
            raise
        access.access_item_by_id(request.user, item_id, action="view")
        return redirect("rectification:item_detail", item_id=item_id)
    can_submit = item.status == S.OPEN
    form = SubmitForm(request.POST or None, request.FILES or None, initial={"measures": item.measures})
    if request.method == "POST":
        if not can_submit:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            links = [(data["link_url"], data["link_label"])] if data.get("link_url") else []
            try:
                do_submit_item(item, acting_user=request.user, measures=data["measures"], files=data["files"],
                               links=links)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Your rectification is submitted for verification."))
                return redirect("rectification:item_work", item_id=item.pk)
    return render(request, "rectification/item_work.html", {
        "item": item, "form": form, "can_submit": can_submit, "problem_type": taxonomy.label(item.problem_type),
        "evidence": item.evidence.all(), "events": item.events.filter(for_responsible=True),
        "repayments": item.repayments.all(), "recovered": recovered(item), "overdue": is_overdue(item),
        "matter": str(MatterRef.of(item)),
    })


@login_required
@require_GET
def evidence_file(request, item_id, evidence_id):
    evidence = access.access_evidence_by_id(request.user, item_id, evidence_id)
    response = FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name,
                            content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def item_new(request):
    user = request.user
    require_role(user, access.HANDLE_ROLES)
    units = restrict(Unit.objects.all(), user, roles=access.HANDLE_ROLES, path_field="path").order_by("path")
    people = Person.objects.filter(Q(home_unit__in=units) | Q(pk__in=Post.objects.filter(unit__in=units)
                                                              .values("person_id"))).distinct().order_by("name")
    form = OpenItemForm(request.POST or None, units=units, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = do_open_item(unit=data["unit"], title=data["title"], detail=data["detail"],
                                problem_type=data["problem_type"], responsible_person=data["responsible_person"],
                                deadline=data["deadline"], amount=data["amount"], acting_user=user)
        except ConflictOfInterest as exc:
            form.add_error("responsible_person" if exc.named else None, exc)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The item is opened and its clock started."))
            return redirect("rectification:item_detail", item_id=item.pk)
    return render(request, "rectification/item_new.html", {"form": form})


@login_required
@require_GET
def dashboard(request):
    user = request.user
    require_role(user, access.VIEW_ROLES)
    by_unit, by_type, totals = dashboard_rows(access.items_for(user))
    return render(request, "rectification/dashboard.html", {"by_unit": by_unit, "by_type": by_type,
                                                            "totals": totals})


@login_required
@require_GET
def export_csv(request):
    """The items the user may view, one row each (subjects and their relatives see none of theirs)."""
    user = request.user
    require_role(user, access.VIEW_ROLES)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rectification-items.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("Item"), _("Unit"), _("Problem type"), _("Problem"), _("Status"), _("Deadline"),
                     _("Closed on"), _("Recurrence of"), _("Amount to recover"), _("Recovered")])
    for item in access.items_for(user).select_related("unit").order_by("pk").iterator():
        writer.writerow([item.pk, str(item.unit), taxonomy.label(item.problem_type), item.title,
                         item.get_status_display(), item.deadline.isoformat(),
                         item.closed_on.isoformat() if item.closed_on else "", item.recurrence_of_id or "",
                         item.amount_to_recover or "", recovered(item) if item.amount_to_recover else ""])
    return response
