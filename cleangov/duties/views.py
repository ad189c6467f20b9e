"""Pages of the duties app: thin — parse, gate, call the action, render."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cleangov.core.access import assignments_with, has_role, scope_q
from cleangov.core.forms import add_action_errors
from cleangov.core.workflow import available_transitions
from cleangov.deadlines.choices import DeadlineStatusChoices
from cleangov.deadlines.models import Deadline
from cleangov.orgs.choices import UnitLevelChoices
from cleangov.orgs.models import Unit

from . import access, actions
from .choices import DutyItemStatusChoices
from .forms import DutyItemForm, KeyPointForm, KeyPointsForm, LetterReviseForm, LetterSignForm, ProgressForm, ReasonForm
from .models import (
    AnnualKeyPoints,
    DutyEvidenceFile,
    DutyEvidenceLink,
    LetterSignature,
    LetterVersion,
)
from .pdf import render_letter_pdf
from .selectors import letter_status
from .workflow import DUTY_TRANSITIONS, DUTY_WORKFLOW, UI_TRANSITIONS


def _errors(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def overdue_ids(item_ids) -> set[int]:
    """Items whose completion clock the deadline tick has marked overdue (one query)."""
    ids = [str(i) for i in item_ids]
    if not ids:
        return set()
    rows = Deadline.objects.filter(subject_type="duties.dutyitem", subject_id__in=ids, rule=actions.DEADLINE_RULE,
                                   status=DeadlineStatusChoices.OVERDUE).values_list("subject_id", flat=True)
    return {int(r) for r in rows}


def _mark_overdue(items):
    late = overdue_ids([i.pk for i in items])
    for item in items:
        item.is_overdue = item.pk in late
    return items


def _letter_rows(letters):
    """Letters with their current status (signatures of the current version prefetched)."""
    letters = list(letters.prefetch_related(
        Prefetch("versions", queryset=LetterVersion.objects.prefetch_related("signatures"))))
    for letter in letters:
        current = next((v for v in letter.versions.all() if v.number == letter.current_version), None)
        sigs = list(current.signatures.all()) if current else []
        for s in sigs:
            s.version = current
        letter.status = letter_status(letter, sigs)
        letter.signed_sides = {s.side for s in sigs}
    return letters


# --- my duties ------------------------------------------------------------------------------------
@login_required
@require_GET
def my_duties(request):
    person_id = request.user.person_id
    year = timezone.localdate().year
    items = []
    letters = []
    if person_id:
        items = list(access.visible_duty_items(request.user).filter(lead_person_id=person_id)
                     .select_related("unit", "key_point").order_by("status", "due_date"))
        letters = _letter_rows(access.visible_letters(request.user).filter(
            Q(issuer_person_id=person_id) | Q(recipient_person_id=person_id))
            .select_related("issuer_unit", "issuer_person", "recipient_unit", "recipient_person"))
    _mark_overdue(items)
    my_side = {}
    for letter in letters:
        letter.my_side = access.letter_side_of(request.user, letter)
        letter.needs_my_signature = letter.my_side not in letter.signed_sides
        my_side[letter.pk] = letter.my_side
    units = [a.unit for a in assignments_with(request.user, access.DUTY_ROLES)]
    open_items = [i for i in items if i.status in (DutyItemStatusChoices.ASSIGNED, DutyItemStatusChoices.IN_PROGRESS)]
    return render(request, "duties/my_duties.html", {
        "items": items, "open_items": open_items, "letters": letters, "year": year,
        "units": list({u.pk: u for u in units}.values()),
        "to_sign": [letter for letter in letters if letter.needs_my_signature],
    })


# --- key points -----------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def keypoints_list(request):
    can_edit = access.can_edit_keypoints(request.user)
    form = KeyPointsForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST":
        if not can_edit:
            raise Http404
        county = Unit.objects.filter(level=UnitLevelChoices.COUNTY).filter(
            access.scope_q(request.user, roles=access.KEYPOINT_EDIT_ROLES, path_field="path")).first()
        if county is None:
            raise Http404
        if form.is_valid():
            try:
                doc = actions.do_create_keypoints(acting_user=request.user, unit=county,
                                                  year=form.cleaned_data["year"], title=form.cleaned_data["title"])
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                return redirect("duties:keypoints_detail", doc_id=doc.pk)
    docs = access.visible_keypoints(request.user).prefetch_related("points")
    can_view_detail = has_role(request.user, access.KEYPOINT_ADMIN_VIEW_ROLES)
    return render(request, "duties/keypoints_list.html", {"docs": docs, "form": form, "can_edit": can_edit,
                                                            "can_view_detail": can_view_detail,
                                                            "year": timezone.localdate().year})


@login_required
@require_http_methods(["GET", "POST"])
def keypoints_detail(request, doc_id):
    doc = access.access_keypoints_by_id(request.user, doc_id, action="view")
    can_edit = access.can_edit_keypoints(request.user) and not doc.is_published
    form = KeyPointForm(request.POST or None)
    if request.method == "POST":
        doc = access.access_keypoints_by_id(request.user, doc_id, action="edit")
        if form.is_valid():
            try:
                actions.do_add_key_point(doc, acting_user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                return redirect("duties:keypoints_detail", doc_id=doc.pk)
    points = doc.points.annotate(n_items=Count("duty_items"))
    return render(request, "duties/keypoints_detail.html", {"doc": doc, "points": points, "form": form,
                                                              "can_edit": can_edit})


@login_required
@require_POST
def keypoints_publish(request, doc_id):
    doc = access.access_keypoints_by_id(request.user, doc_id, action="publish")
    try:
        actions.do_publish_keypoints(doc, acting_user=request.user)
        messages.success(request, _("The key points are published: units can now decompose them."))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("duties:keypoints_detail", doc_id=doc.pk)


# --- a unit's duty list ---------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def unit_plan(request, unit_id, year):
    unit = access.access_unit_for_duties_by_id(request.user, unit_id, action="view")
    can_manage = access.can_manage_unit(request.user, unit)
    form = DutyItemForm(request.POST or None, unit=unit, year=year)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            try:
                item = actions.do_create_duty_item(acting_user=request.user, unit=unit, year=year,
                                                   **form.cleaned_data)
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("Duty item added."))
                return redirect("duties:item_detail", item_id=item.pk)
    items = list(access.visible_duty_items(request.user).filter(unit=unit, year=year)
                 .select_related("lead_person", "key_point", "lead_unit").annotate(n_children=Count("children")))
    _mark_overdue(items)
    by_point = defaultdict(list)
    for item in items:
        by_point[item.key_point].append(item)
    doc = AnnualKeyPoints.objects.filter(year=year, status="published").first()
    groups = [(point, by_point.pop(point, [])) for point in (doc.points.all() if doc else [])]
    groups += [(point, rest) for point, rest in by_point.items()]
    children = []
    if unit.level == UnitLevelChoices.TOWNSHIP:
        visible = access.visible_duty_items(request.user).filter(year=year)
        stats = {row["unit"]: row for row in visible.filter(unit__parent=unit).values("unit").annotate(
            total=Count("pk"), done=Count("pk", filter=Q(status__in=("done", "verified"))))}
        # Only villages inside the user's scope: a township held without its subtree lists none.
        villages = unit.children.filter(level=UnitLevelChoices.VILLAGE).filter(
            scope_q(request.user, roles=access.DUTY_ROLES, path_field="path"))
        children = [(v, stats.get(v.pk)) for v in villages]
    letters = _letter_rows(access.visible_letters(request.user).filter(issuer_unit=unit, year=year)
                           .select_related("recipient_unit", "recipient_person", "issuer_person"))
    return render(request, "duties/unit_plan.html", {
        "unit": unit, "year": year, "groups": groups, "form": form, "can_manage": can_manage, "doc": doc,
        "children": children, "letters": letters, "n_items": len(items),
        "n_done": sum(1 for i in items if i.is_completed), "n_overdue": sum(1 for i in items if i.is_overdue),
    })


# --- duty items -----------------------------------------------------------------------------------
def _item_context(request, item, progress_form=None):
    caps = access.capabilities(request.user, item)
    steps = available_transitions(DUTY_WORKFLOW, request.user, item, capabilities=caps, names=UI_TRANSITIONS)
    progress = item.progress.select_related("author").prefetch_related(
        Prefetch("files", queryset=DutyEvidenceFile.objects.order_by("pk")),
        Prefetch("links", queryset=DutyEvidenceLink.objects.order_by("pk")))
    children = list(access.visible_duty_items(request.user).filter(parent=item)
                    .select_related("unit", "lead_person").order_by("unit__path"))
    _mark_overdue([item, *children])
    can_progress = "lead" in caps and item.status in (DutyItemStatusChoices.ASSIGNED,
                                                        DutyItemStatusChoices.IN_PROGRESS)
    return {
        "item": item, "caps": caps, "steps": steps, "progress": progress, "children": children,
        "progress_form": progress_form or (ProgressForm() if can_progress else None),
        "can_roll_down": "manage" in caps and item.unit.level == UnitLevelChoices.TOWNSHIP
        and item.status != DutyItemStatusChoices.DRAFT and item.status != DutyItemStatusChoices.CANCELLED,
        "deadlines": Deadline.objects.filter(subject_type="duties.dutyitem", subject_id=str(item.pk))
        .select_related("assignee", "escalated_to", "responsible_post__person").order_by("pk"),
    }


@login_required
@require_GET
def item_detail(request, item_id):
    item = access.access_duty_item_by_id(request.user, item_id, action="view")
    return render(request, "duties/item_detail.html", _item_context(request, item))


@login_required
@require_POST
def item_transition(request, item_id, step):
    transition = DUTY_TRANSITIONS.get(step)
    if transition is None:
        raise Http404
    item = access.access_duty_item_by_id(request.user, item_id, action=transition.capability)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        actions.do_transition_duty_item(item, step, acting_user=request.user, reason=reason)
        messages.success(request, _("Done: %(step)s.") % {"step": transition.label})
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("duties:item_detail", item_id=item.pk)


@login_required
@require_POST
def item_progress(request, item_id):
    item = access.access_duty_item_by_id(request.user, item_id, action="lead")
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.do_add_duty_progress(item, acting_user=request.user, text=form.cleaned_data["text"],
                                         files=form.cleaned_data["uploads"], links=form.cleaned_data["link_specs"])
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Progress recorded."))
            return redirect("duties:item_detail", item_id=item.pk)
    item.refresh_from_db()
    return render(request, "duties/item_detail.html", _item_context(request, item, progress_form=form))


@login_required
@require_POST
def item_rolldown(request, item_id):
    item = access.access_duty_item_by_id(request.user, item_id, action="manage")
    try:
        result = actions.do_roll_down_duty_item(item, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("%(n)s village items created.") % {"n": len(result.created)})
        if result.no_secretary:
            names = "、".join(v.name for v in result.no_secretary)
            messages.warning(request, _("No village party secretary in post: %(villages)s.") % {"villages": names})
    return redirect("duties:item_detail", item_id=item.pk)


@login_required
@require_GET
def evidence_file(request, file_id):
    evidence = access.access_evidence_file_by_id(request.user, file_id)
    response = FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name,
                            content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- letters --------------------------------------------------------------------------------------
@login_required
@require_GET
def letter_list(request):
    year = request.GET.get("year")
    qs = access.visible_letters(request.user).select_related("issuer_unit", "issuer_person", "recipient_unit",
                                                             "recipient_person")
    if year and year.isdigit():
        qs = qs.filter(year=int(year))
    letters = _letter_rows(qs[:500])
    return render(request, "duties/letter_list.html", {"letters": letters, "year": year or ""})


@login_required
@require_POST
def letters_generate(request, unit_id, year):
    unit = access.access_unit_for_duties_by_id(request.user, unit_id, action="manage")
    try:
        created, existing = actions.do_generate_letters(unit, year, acting_user=request.user)
    except ValidationError as exc:  # e.g. a recipient is the user's relative: nothing is generated
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("%(created)s letters generated, %(existing)s already existed.")
                         % {"created": len(created), "existing": existing})
    return redirect("duties:unit_plan", unit_id=unit.pk, year=year)


def _version_of(letter, request):
    number = request.GET.get("version")
    versions = letter.versions.all()
    if number and number.isdigit():
        return next((v for v in versions if v.number == int(number)), None)
    return next((v for v in versions if v.number == letter.current_version), None)


@login_required
@require_GET
def letter_detail(request, letter_id):
    letter = access.access_letter_by_id(request.user, letter_id, action="view")
    letter = type(letter).objects.prefetch_related(
        Prefetch("versions", queryset=LetterVersion.objects.prefetch_related(
            Prefetch("signatures", queryset=LetterSignature.objects.select_related("person"))))).get(pk=letter.pk)
    version = _version_of(letter, request)
    if version is None:
        raise Http404
    my_side = access.letter_side_of(request.user, letter)
    signed_sides = {s.side for s in version.signatures.all()}
    is_current = version.number == letter.current_version
    can_revise = access.can_manage_unit(request.user, letter.issuer_unit)
    return render(request, "duties/letter_detail.html", {
        "letter": letter, "version": version, "content": version.content, "is_current": is_current,
        "signatures": {s.side: s for s in version.signatures.all()},
        "my_side": my_side, "can_sign": is_current and my_side and my_side not in signed_sides,
        "sign_form": LetterSignForm(initial={"version": version.number}),
        "revise_form": LetterReviseForm() if can_revise else None, "hash_ok": version.hash_is_intact(),
        "versions": letter.versions.all(),
    })


@login_required
@require_POST
def letter_sign(request, letter_id):
    letter = access.access_letter_by_id(request.user, letter_id, action="sign")
    form = LetterSignForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["confirm"]:
        messages.error(request, _("Tick the box to confirm that you have read the letter."))
        return redirect("duties:letter_detail", letter_id=letter.pk)
    try:
        actions.do_sign_letter(letter, acting_user=request.user, version_number=form.cleaned_data["version"])
        messages.success(request, _("You have signed the letter. The time and the content hash are recorded."))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("duties:letter_detail", letter_id=letter.pk)


@login_required
@require_POST
def letter_revise(request, letter_id):
    letter = access.access_letter_by_id(request.user, letter_id, action="revise")
    form = LetterReviseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the letter changes."))
        return redirect("duties:letter_detail", letter_id=letter.pk)
    try:
        version = actions.do_revise_letter(letter, acting_user=request.user, reason=form.cleaned_data["reason"],
                                           extra_terms=form.cleaned_data["extra_terms"])
        messages.success(request, _("Version %(n)s created: both sides must sign it again.") % {"n": version.number})
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("duties:letter_detail", letter_id=letter.pk)


@login_required
@require_GET
def letter_pdf(request, letter_id):
    letter = access.access_letter_by_id(request.user, letter_id, action="view")
    version = _version_of(letter, request)
    if version is None:
        raise Http404
    pdf = render_letter_pdf(version, list(version.signatures.all()))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="letter-{letter.pk}-v{version.number}.pdf"'
    return response

