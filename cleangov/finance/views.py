"""Finance pages: import (upload → preview/mapping → background import), batches, audit runs, the
findings queue and a finding's page with its review actions. Thin: parse → gate → action → render."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q, Sum
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cleangov.core.access import get_or_404, has_role, require_role
from cleangov.core.progress import create_progress, get_progress
from cleangov.orgs.conflicts import ConflictOfInterest, conflicted_person_ids
from cleangov.orgs.models import Person, Post, Unit

from . import engine as E
from .access import (
    FINDING_COMMENT_ROLES,
    FINDING_VIEW_ROLES,
    IMPORT_ROLES,
    RULE_STATS_ROLES,
    RUN_START_ROLES,
    access_batch_by_id,
    access_finding_by_id,
    access_run_by_id,
    access_staged_upload_by_id,
    access_task_by_id,
    batches_for,
    findings_for,
    import_units,
    run_units,
    runs_for,
)
from .actions import (
    FindingActionError,
    do_comment_finding,
    do_confirm_finding,
    do_create_api_token,
    do_dismiss_finding,
    do_escalate_finding,
    do_remember_column_mapping,
    do_revoke_api_token,
    false_positive_rates,
)
from .changes import batch_changes
from .choices import AuditRunTriggerChoices, ImportBatchStatusChoices
from .filters import filter_findings, sort_findings
from .forms import ConfirmImportForm, FindingActionForm, FindingFilterForm, MappingForm, RunForm, TokenForm, UploadForm
from .imports.preview import iter_problems_csv, preview_ready, problems_path, start_preview
from .models import ApiToken, AuditRun, Finding, ImportBatch, StagedUpload
from .tasks import import_vouchers_task, start_audit_run
from .workflow import allowed_transitions

PAGE_SIZE = 50


def staging_dir() -> Path:
    d = Path(settings.MEDIA_ROOT) / "finance" / "staging"
    d.mkdir(parents=True, exist_ok=True)
    return d


@login_required
def home(request):
    user = request.user
    context = {
        "can_import": has_role(user, IMPORT_ROLES),
        "can_run": has_role(user, RUN_START_ROLES),
        "can_findings": has_role(user, FINDING_VIEW_ROLES),
        "can_stats": has_role(user, RULE_STATS_ROLES),
        # The batch and run lists answer 404 to everyone else: their links are shown only to these roles.
        "can_batches": has_role(user, {*IMPORT_ROLES, *RUN_START_ROLES, "auditor"}),
        "open_findings": findings_for(user).filter(status__in=["open", "escalated"]).count()
        if has_role(user, FINDING_VIEW_ROLES) else None,
    }
    return render(request, "finance/home.html", context)


# ---------------------------------------------------------------- import

@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    require_role(request.user, IMPORT_ROLES)
    units = import_units(request.user).order_by("path")
    form = UploadForm(request.POST or None, request.FILES or None, units=units)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()[:10]
        path = staging_dir() / f"{uuid.uuid4().hex}{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        sha = E.sha256_of(path)
        duplicate = ImportBatch.objects.filter(sha256=sha).first()
        if duplicate is not None:
            path.unlink()
            return render(request, "finance/import_upload.html", {
                "form": UploadForm(units=units), "duplicate": duplicate,
                "duplicate_visible": batches_for(request.user).filter(pk=duplicate.pk).exists()})
        staged = StagedUpload.objects.create(owner=request.user, unit=form.cleaned_data["unit"],
                                             file_name=Path(upload.name).name[:255], path=str(path), sha256=sha,
                                             size=upload.size)
        start_preview(staged, acting_user=request.user)
        return redirect("finance:import_preview", staged_id=staged.pk)
    return render(request, "finance/import_upload.html", {"form": form, **_import_help()})


SAMPLES_DIR = Path(settings.BASE_DIR) / "data" / "samples"
SAMPLE_URLS = {"sample_clean_csv": "voucher-sample.csv", "sample_clean_xlsx": "voucher-sample.xlsx",
               "sample_bad_csv": "voucher-sample-bad.csv", "sample_bad_xlsx": "voucher-sample-bad.xlsx"}
SAMPLE_FILES = tuple(SAMPLE_URLS.values())


def _import_help() -> dict:
    """The column documentation of a voucher file, from the engine's schema (the one list of columns it reads)."""
    from voucher_audit import schema as vschema

    kinds = {"text": _("text"), "date": _("date (YYYY-MM-DD)"), "decimal": _("amount in yuan, two decimals"),
             "int": _("whole number"), "bool": _("yes / no (是/否)"), "enum": _("one of the listed values")}
    columns = []
    for col in vschema.LINES.columns:
        values = [aliases[0] for aliases in vschema.ENUMS[col.enum or col.name].values()] if col.kind == "enum" else []
        # Shown by their Chinese headers: the English column names (snake_case) are documented in docs/finance.md.
        columns.append({"header": col.aliases[0], "other_headers": col.aliases[1:], "required": col.required,
                        "kind": kinds.get(col.kind, col.kind), "values": values})
    return {"columns": columns, "samples": SAMPLE_FILES}


@login_required
@require_GET
def import_sample(request, name):
    """A sample voucher file to start from (cleangov/data/samples/make_voucher_samples.py writes them)."""
    require_role(request.user, IMPORT_ROLES)
    if name not in SAMPLE_FILES:
        raise Http404
    return FileResponse((SAMPLES_DIR / name).open("rb"), as_attachment=True, filename=name)


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request, staged_id):
    """The preview computed once in the background (finance.imports.preview): its progress while it
    runs, then its summary, the first problems and the column mapping; never the file read again."""
    staged = access_staged_upload_by_id(request.user, staged_id)
    active = (batches_for(request.user).filter(status=ImportBatchStatusChoices.ACTIVE,
                                               scope_unit__path__startswith=staged.unit.path)
              .order_by("-period_end")[:50])
    if not staged.preview_task_id:
        start_preview(staged, acting_user=request.user)
    preview = staged.preview if preview_ready(staged) else None
    if request.method == "POST" and request.POST.get("step") == "map" and preview is not None:
        mform = MappingForm(request.POST, headers=preview["headers"])
        if mform.is_valid():
            staged.mapping = {h: c for h, c in mform.mapping().items()}
            staged.save(update_fields=["mapping"])
            do_remember_column_mapping(staged.unit, staged.mapping, acting_user=request.user)
            start_preview(staged, acting_user=request.user)
            return redirect("finance:import_preview", staged_id=staged.pk)
    confirm = ConfirmImportForm(request.POST or None, batches=active)
    if (request.method == "POST" and request.POST.get("step") == "import" and preview is not None
            and confirm.is_valid()):
        supersedes = confirm.cleaned_data.get("supersedes")
        if supersedes is not None:
            access_batch_by_id(request.user, supersedes, action="supersede")
        with transaction.atomic():
            result = import_vouchers_task.enqueue(staged.pk, bool(confirm.cleaned_data["skip_invalid"]), supersedes)
            create_progress(task_id=result.id, label=_("Import of %(name)s") % {"name": staged.file_name},
                            started_by=request.user)
        return redirect("finance:task_status", task_id=str(result.id))
    context = {"staged": staged, "preview": preview, "confirm_form": confirm,
               "progress": get_progress(staged.preview_task_id)}
    if preview is not None and not preview.get("failed"):
        duplicate = ImportBatch.objects.filter(pk=preview["duplicate_of"]).first() if preview["duplicate_of"] else None
        batches = ImportBatch.objects.in_bulk([o[1] for o in preview["overlaps"]])
        context.update({
            "mapping_form": MappingForm(headers=preview["headers"],
                                        initial_mapping={**preview["mapped"], **preview["mapping"]}),
            "periods": [(code, dt.date.fromisoformat(a), dt.date.fromisoformat(b), n)
                        for code, a, b, n in preview["periods"]],
            "overlaps": [(code, batches.get(pk), dt.date.fromisoformat(a), dt.date.fromisoformat(b))
                         for code, pk, a, b in preview["overlaps"]],
            "duplicate": duplicate, "errors": preview["problems"], "errors_total": preview["problems_total"],
            "errors_shown": len(preview["problems"]), "bad_rows": preview["bad_rows"],
            "show_mapping": bool(preview["missing_columns"]) or request.GET.get("map") == "1",
            "can_import": preview["rows_to_import"] > 0 and not preview["missing_columns"] and duplicate is None,
        })
    return render(request, "finance/import_preview.html", context)


@login_required
@require_GET
def import_problems(request, staged_id):
    """Every problem the preview found, as CSV, streamed from the file the preview task wrote."""
    staged = access_staged_upload_by_id(request.user, staged_id)
    if not preview_ready(staged) or staged.preview.get("failed") or not problems_path(staged).exists():
        return redirect("finance:import_preview", staged_id=staged.pk)  # still being computed
    response = StreamingHttpResponse(iter_problems_csv(staged), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="problems-{staged.pk}.csv"'
    return response


@login_required
def task_status(request, task_id):
    """An import's or a run's page: the progress bar, then the batch, its audit run and the findings."""
    progress = access_task_by_id(request.user, task_id)
    batch = ImportBatch.objects.filter(task_id=progress.task_id).first()
    run = AuditRun.objects.filter(task_id=progress.task_id).first()
    if batch is not None:
        run = batch.audit_runs.order_by("-pk").first()
    findings = []
    if run is not None and run.status == "succeeded":
        findings = list(findings_for(request.user).filter(Q(first_run=run) | Q(last_run=run))
                        .select_related("unit").order_by("rule", "pk")[:PAGE_SIZE])
    context = {"progress": progress, "batch": batch, "run": run, "findings": findings,
               "done": progress.status in ("succeeded", "failed") and (
                   (run is None and batch is None) or (run is not None and run.status in ("succeeded", "failed")))}
    template = "finance/partials/task_result.html" if request.htmx else "finance/task_status.html"
    return render(request, template, context)


# ---------------------------------------------------------------- batches and runs

@login_required
def batch_list(request):
    qs = batches_for(request.user)
    if not has_role(request.user, {*IMPORT_ROLES, *RUN_START_ROLES, "auditor"}):
        raise Http404
    page = Paginator(qs.select_related("scope_unit", "uploaded_by"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "finance/batch_list.html", {"page": page})


@login_required
def batch_detail(request, batch_id):
    batch = access_batch_by_id(request.user, batch_id)
    units = batch.units.select_related("unit").order_by("unit__code")
    runs = batch.audit_runs.order_by("-pk")[:10]
    findings = findings_for(request.user) if has_role(request.user, FINDING_VIEW_ROLES) else Finding.objects.none()
    return render(request, "finance/batch_detail.html", {"batch": batch, "units": units, "runs": runs,
                                                          "changes": batch_changes(batch, findings),
                                                          "lang": get_language(),
                                                          "can_supersede": has_role(request.user, IMPORT_ROLES)})


@login_required
def run_list(request):
    if not has_role(request.user, {*IMPORT_ROLES, *RUN_START_ROLES, "auditor"}):
        raise Http404
    page = Paginator(runs_for(request.user).select_related("scope_unit", "batch"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "finance/run_list.html", {"page": page,
                                                      "can_run": has_role(request.user, RUN_START_ROLES)})


@login_required
@require_http_methods(["GET", "POST"])
def run_start(request):
    require_role(request.user, RUN_START_ROLES)
    units = run_units(request.user).filter(level__in=["county", "township", "department", "village"]).order_by("path")
    form = RunForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        run = start_audit_run(acting_user=request.user, scope_unit=form.cleaned_data["unit"],
                              trigger=AuditRunTriggerChoices.MANUAL)
        return redirect("finance:task_status", task_id=run.task_id)
    return render(request, "finance/run_start.html", {"form": form})


@login_required
def run_detail(request, run_id):
    run = access_run_by_id(request.user, run_id)
    by_rule = (findings_for(request.user).filter(last_run=run).values("rule")
               .annotate(n=Count("pk"), stake=Sum("amount_at_stake")).order_by("rule"))
    return render(request, "finance/run_detail.html", {"run": run, "by_rule": by_rule})


# ---------------------------------------------------------------- findings

@login_required
def finding_list(request):
    require_role(request.user, FINDING_VIEW_ROLES)
    findings = findings_for(request.user)
    # The units the reader's findings are in, searched only when a unit is typed (never listed whole).
    form = FindingFilterForm(request.GET or None, units=Unit.objects.filter(pk__in=findings.values("unit_id")))
    qs = findings.select_related("unit")
    if form.is_valid():
        qs = filter_findings(qs, form.cleaned_data)
    qs, sort = sort_findings(qs, request.GET.get("sort", ""))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    columns = [(key, label, sort == key, sort == "-" + key) for key, label in (
        ("severity", _("Severity")), ("rule", _("Rule")), ("unit", _("Unit")), ("amount", _("Amount at stake")),
        ("found", _("Found")), ("status", _("Status")))]
    return render(request, "finance/finding_list.html", {
        "page": page, "form": form, "lang": get_language(), "sort": sort, "columns": columns})


LINES_PER_PAGE = 20


def nameable_people(user, finding):
    """Who the reviewer may name responsible: people of the finding's unit (home or a post there), without the
    finding's subjects and without the reviewer and their registered relatives (the conflict-of-interest check
    would refuse them), each with their current posts for the picker's label."""
    today = timezone.localdate()
    current_posts = Post.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today)).select_related("unit")
    return (Person.objects.filter(Q(home_unit=finding.unit) | Q(posts__unit=finding.unit))
            .exclude(pk__in=finding.subject_links.values("person_id"))
            .exclude(pk__in=conflicted_person_ids(user))
            .select_related("home_unit")
            .prefetch_related(Prefetch("posts", queryset=current_posts, to_attr="current_posts"))
            .order_by("name").distinct())


def _finding_context(request, finding, form=None, verb=""):
    user = request.user
    steps = allowed_transitions(finding, user)
    verbs = [t.name for t in steps]
    can_comment = findings_for(user, action="comment").filter(pk=finding.pk).exists()
    lines = finding.lines.select_related("batch").order_by("voucher_date", "line_id")
    lines_page = Paginator(lines, LINES_PER_PAGE).get_page(request.GET.get("lines"))
    if form is None:
        form = FindingActionForm(people=nameable_people(user, finding) if "confirm" in verbs else Person.objects.none())
    # A reader who may only comment (a village supervision member) writes a comment, not a reason.
    form.fields["reason"].label = _("Your comment") if not verbs else _("Reason (or your comment)")
    # The action offered first: the one the reviewer just took or chose, while it is still possible.
    selected = verb if verb in verbs or (verb == "comment" and can_comment) else ""
    return {
        "finding": finding, "lines_page": lines_page, "lines_total": lines_page.paginator.count,
        "lines_open": bool(request.GET.get("lines")) or lines_page.paginator.count <= 5,
        "message": finding.message(get_language()), "steps": steps, "verbs": verbs, "can_comment": can_comment,
        "form": form, "events": finding.events.select_related("actor__person", "run"),
        "rule": E.RULES.get(finding.rule), "subject_count": finding.subject_links.count(), "selected": selected,
        "matter": f"finance.finding:{finding.pk}",
        "records": finding.record_links.all(),
    }


@login_required
def finding_detail(request, finding_id):
    finding = access_finding_by_id(request.user, finding_id)
    return render(request, "finance/finding_detail.html",
                  _finding_context(request, finding, verb=request.GET.get("verb", "")))


@login_required
@require_POST
def finding_action(request, finding_id):
    """Confirm, dismiss, escalate or comment: each with a mandatory reason and an audit event."""
    user = request.user
    if not has_role(user, FINDING_COMMENT_ROLES):
        raise Http404
    finding = access_finding_by_id(user, finding_id, action="comment")
    form = FindingActionForm(request.POST, people=nameable_people(user, finding))
    verb = request.POST.get("verb", "")
    if form.is_valid():
        verb, reason = form.cleaned_data["verb"], form.cleaned_data["reason"]
        try:
            if verb == "comment":
                do_comment_finding(finding, acting_user=user, text=reason)
            else:
                finding = access_finding_by_id(user, finding_id, action="decide")
                if verb == "confirm":
                    do_confirm_finding(finding, acting_user=user, reason=reason,
                                       responsible_person=form.cleaned_data["responsible_person"],
                                       due_date=form.cleaned_data["due_date"])
                elif verb == "dismiss":
                    do_dismiss_finding(finding, acting_user=user, reason=reason)
                else:
                    do_escalate_finding(finding, acting_user=user, reason=reason)
        except FindingActionError as exc:
            form.add_error(None, exc.message)
        except ConflictOfInterest as exc:
            form.add_error("responsible_person" if exc.named else None, exc)
        else:
            finding.refresh_from_db()
            if verb == "comment":
                messages.success(request, _("Your comment is saved (see the history)."))
            else:
                messages.success(request, _("Saved: the finding is now “%(status)s”.") % {
                    "status": finding.get_status_display()})
            # Back to the review, with the step just taken still chosen if it can be taken again.
            return redirect(reverse("finance:finding_detail", args=[finding.pk]) + f"?verb={verb}#review")
    finding.refresh_from_db()
    return render(request, "finance/finding_detail.html", _finding_context(request, finding, form, verb=verb))


@login_required
def rule_stats(request):
    require_role(request.user, RULE_STATS_ROLES)
    rows = false_positive_rates()
    for r in rows:
        rule = E.RULES.get(r["rule"])
        r["title"] = rule.title if rule else r["rule"]
    return render(request, "finance/rule_stats.html", {"rows": rows})


# ---------------------------------------------------------------- API tokens

@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    require_role(request.user, IMPORT_ROLES)
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and request.POST.get("revoke"):
        with contextlib.suppress(ValueError):
            token = get_or_404(ApiToken.objects.filter(user=request.user), pk=int(request.POST["revoke"]))
            do_revoke_api_token(token, acting_user=request.user)
        return redirect("finance:api_tokens")
    if request.method == "POST" and form.is_valid():
        _token, new_token = do_create_api_token(acting_user=request.user, user=request.user,
                                                name=form.cleaned_data["name"])
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(request, "finance/api_tokens.html", {"form": form, "tokens": tokens, "new_token": new_token})
