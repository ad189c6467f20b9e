"""Pages of the assessment app: thin — parse, gate, call the action, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cleangov.core.access import has_role, require_role
from cleangov.core.forms import add_action_errors
from cleangov.core.links import followable
from cleangov.core.metrics import registry

from . import access, actions
from .compute import rank
from .exports import run_pdf, run_xlsx
from .forms import AdjustForm, FindingForm, FrameworkUploadForm, StartRunForm
from .frameworks import FrameworkError, parse_framework
from .models import Framework, FrameworkVersion, InspectionFinding, ScoreAdjustment
from .tasks import start_assessment


def _errors(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _ranked(user, run):
    snaps = list(access.visible_snapshots(user).filter(run=run).select_related("unit")
                 .prefetch_related(Prefetch("adjustments", queryset=ScoreAdjustment.objects.select_related(
                     "adjusted_by"))))
    return rank(snaps)


@login_required
@require_http_methods(["GET", "POST"])
def run_list(request):
    require_role(request.user, access.VIEW_ROLES | access.START_ROLES)
    scopes = access.start_scopes(request.user)
    form = None
    if scopes.exists():
        form = StartRunForm(request.POST or None, scopes=scopes)
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            progress = start_assessment(request.user, framework_version=form.cleaned_data["framework_version"],
                                        year=form.cleaned_data["year"], scope_unit=form.cleaned_data["scope_unit"],
                                        selection=form.cleaned_data["selection"])
            return redirect("core:task_progress", task_id=progress.task_id)
    runs = list(access.visible_runs(request.user).select_related("framework_version", "scope_unit")[:100])
    return render(request, "assessment/run_list.html", {"runs": runs, "form": form})


@login_required
@require_GET
def run_detail(request, run_id):
    run = access.access_run_by_id(request.user, run_id)
    snapshots = _ranked(request.user, run)
    levels = []
    for snap in snapshots:
        if not levels or levels[-1][0] != snap.unit_level:
            levels.append((snap.unit_level, snap.unit.get_level_display(), []))
        levels[-1][2].append(snap)
    published = registry()
    indicators = run.framework_version.parsed.indicators
    return render(request, "assessment/run_detail.html", {
        "run": run, "levels": levels, "indicators": indicators, "can_publish": access.can_publish(request.user, run),
        "missing": [(m, m in published) for m in run.metrics_missing],
        "count": len(snapshots),
    })


def _export_name(run, ext: str) -> str:
    return f"assessment-{run.framework_version.framework.code}-{run.year}-run{run.pk}.{ext}"


@login_required
@require_GET
def run_export_xlsx(request, run_id):
    run = access.access_run_by_id(request.user, run_id)
    body = run_xlsx(run, _ranked(request.user, run))
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(run, "xlsx")}"'
    return response


@login_required
@require_GET
def run_export_pdf(request, run_id):
    run = access.access_run_by_id(request.user, run_id)
    response = HttpResponse(run_pdf(run, _ranked(request.user, run)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_export_name(run, "pdf")}"'
    return response


@login_required
@require_POST
def run_publish(request, run_id):
    run = access.access_run_by_id(request.user, run_id, action="publish")
    try:
        actions.do_publish_run(run, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("The results are published: each unit now sees its own."))
    return redirect("assessment:run_detail", run_id=run.pk)


def _followable_evidence(user, snap) -> set[str]:
    """The evidence links of a snapshot the reader may follow. The evidence was frozen with the score for
    whoever computed it; a letter of responsibility or a finding behind a value may be one the reader's
    gates answer 404 for, so each link is checked with its owning app's declared gate (core.links)."""
    return followable(user, (url for m in snap.metrics.values() for _label, url in m.get("evidence", ()) if url))


def _with_links(metric: dict, allowed: set[str]) -> dict:
    """The metric with every evidence link the reader may not follow shown as text."""
    if not metric.get("evidence"):
        return metric
    return {**metric, "evidence": [[label, url if url in allowed else ""] for label, url in metric["evidence"]]}


def _explain_context(request, snap, *, adjust_form=None, finding_form=None):
    language = get_language()
    english = bool(language and language.startswith("en"))
    can_act = access.can_act_on_snapshot(request.user, snap)
    conflicted = can_act and actions.adjustment_conflict(request.user, snap)
    may_adjust = can_act and not conflicted and not snap.run.is_published and snap.computed_score is not None
    adjustments = list(snap.adjustments.select_related("adjusted_by"))
    adjusted = {}
    for adj in adjustments:
        adjusted.setdefault(adj.indicator_id, []).append(adj)
    rows = []
    published = registry()
    evidence_links = _followable_evidence(request.user, snap)
    for ind in snap.indicators:
        metrics = [(mid, _with_links(snap.metrics.get(mid, {}), evidence_links)) for mid in ind["metrics"]]
        # What each metric counts, in the reader's language (a confirmed-findings count is not a count of
        # every finding found): from the publishing app's declaration.
        counts = [(mid, published[mid].description) for mid in ind["metrics"] if mid in published]
        rows.append({"ind": ind, "metrics": metrics, "counts": counts, "adjustments": adjusted.get(ind["id"], []),
                     "name": ind["name_en"] if english and ind["name_en"] else ind["name"]})
    findings = InspectionFinding.objects.filter(unit=snap.unit, run=snap.run).select_related("responsible_person")
    return {
        "snap": snap, "run": snap.run, "rows": rows, "adjustments": adjustments,
        "total_adjustments": adjusted.get("", []), "findings": findings,
        "conflicted": conflicted,
        "adjust_form": (adjust_form or AdjustForm(snapshot=snap, language=language)) if may_adjust else None,
        "finding_form": (finding_form or FindingForm(snapshot=snap)) if can_act else None,
        "weight_share": snap.weight_share,
    }


@login_required
@require_GET
def snapshot_detail(request, snapshot_id):
    snap = access.access_snapshot_by_id(request.user, snapshot_id)
    return render(request, "assessment/snapshot_detail.html", _explain_context(request, snap))


@login_required
@require_POST
def snapshot_adjust(request, snapshot_id):
    snap = access.access_snapshot_by_id(request.user, snapshot_id, action="adjust")
    form = AdjustForm(request.POST, snapshot=snap, language=get_language())
    if form.is_valid():
        try:
            actions.do_adjust_score(snap, points=form.cleaned_data["points"], reason=form.cleaned_data["reason"],
                                    indicator_id=form.cleaned_data["indicator_id"], acting_user=request.user)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("The adjustment is recorded."))
            return redirect("assessment:snapshot_detail", snapshot_id=snap.pk)
    context = _explain_context(request, snap, adjust_form=form)
    if context["adjust_form"] is None:  # published, conflicted or no score: say why instead of a form
        why = " ".join(str(e) for e in form.non_field_errors())
        messages.error(request, why or _("This score cannot be adjusted."))
    return render(request, "assessment/snapshot_detail.html", context, status=200)


@login_required
@require_POST
def finding_create(request, snapshot_id):
    snap = access.access_snapshot_by_id(request.user, snapshot_id, action="record_finding")
    form = FindingForm(request.POST, snapshot=snap)
    if form.is_valid():
        try:
            actions.do_record_inspection_finding(
                unit=snap.unit, run=snap.run, description=form.cleaned_data["description"],
                indicator_id=form.cleaned_data["indicator_id"],
                responsible_person=form.cleaned_data["responsible_person"],
                deadline=form.cleaned_data["deadline"], acting_user=request.user)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("The finding is recorded and its rectification clock started."))
            return redirect("assessment:snapshot_detail", snapshot_id=snap.pk)
    return render(request, "assessment/snapshot_detail.html", _explain_context(request, snap, finding_form=form))


@login_required
@require_GET
def finding_list(request):
    require_role(request.user, access.VIEW_ROLES)
    findings = (access.visible_findings(request.user)
                .select_related("unit", "responsible_person", "run__framework_version").order_by("deadline")[:500])
    return render(request, "assessment/finding_list.html", {"findings": findings})


@login_required
@require_GET
def framework_list(request):
    require_role(request.user, access.FRAMEWORK_VIEW_ROLES)
    frameworks = list(Framework.objects.select_related("current_version"))
    chosen = None
    version_id = request.GET.get("version")
    if version_id:
        chosen = FrameworkVersion.objects.filter(pk=version_id).select_related("framework").first()
    published = registry()
    shown = [chosen] if chosen else [f.current_version for f in frameworks if f.current_version_id]
    blocks = []
    for version in shown:
        spec = version.parsed
        blocks.append({"version": version, "spec": spec,
                       "history": FrameworkVersion.objects.filter(framework_id=version.framework_id),
                       "indicators": [(i, [(m, m in published) for m in i.compiled().metrics])
                                      for i in spec.indicators]})
    return render(request, "assessment/framework_list.html", {
        "blocks": blocks, "can_upload": has_role(request.user, access.FRAMEWORK_ADMIN_ROLES)})


@login_required
@require_http_methods(["GET", "POST"])
def framework_upload(request):
    require_role(request.user, access.FRAMEWORK_ADMIN_ROLES)
    form = FrameworkUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            spec = parse_framework(form.cleaned_data["file"])
        except FrameworkError as exc:
            problems = exc.errors
        else:
            if form.cleaned_data["check_only"]:
                messages.info(request, _("The file is valid: framework %(code)s with %(n)s indicators.")
                              % {"code": spec.code, "n": len(spec.indicators)})
            else:
                try:
                    load = actions.do_load_framework(spec, acting_user=request.user,
                                                     source_file=request.FILES["file"].name)
                except ValidationError as exc:
                    problems = list(exc.messages)
                else:
                    if load.created:
                        messages.success(request, _("Loaded as version %(n)s of %(code)s.")
                                         % {"n": load.version.number, "code": spec.code})
                    else:
                        messages.info(request, _("Nothing changed: this is the current version."))
                    return redirect("assessment:framework_list")
    return render(request, "assessment/framework_upload.html", {"form": form, "problems": problems})
