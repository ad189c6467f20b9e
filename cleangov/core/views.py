"""The home page, the task-progress partial and the health check.

The home page shows only what exists: the user's roles and scopes, their notifications and
deadlines, and for each module their role will use either a link (module installed) or an honest
empty state. It never shows invented figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cleangov.accounts.access import access_notification_by_id, access_task_progress_by_id
from cleangov.accounts.actions import do_mark_notification_read
from cleangov.accounts.choices import RoleChoices
from cleangov.core.access import can_view_audit_trail
from cleangov.orgs.access import visible_people, visible_units
from cleangov.orgs.models import Person

from .access import (
    access_audit_event_by_id,
    require_audit_trail_access,
    restrict_audit_events,
)
from .audit_ui import audit_subject_types, diff_rows, event_label, masked_fields_for, start_trail_verification
from .filters import AuditEventFilterForm, apply_audit_filters, paginate
from .models import AuditEvent
from .recovery import TaskNotRetryable, do_retry_task, may_retry_task
from .tasks import can_verify_trail

R = RoleChoices


@dataclass(frozen=True)
class Module:
    """A part of the platform a role works with, shown on the home page."""

    app: str  # app label under cleangov.<app>
    entry: str  # the URL name of the module's landing page
    title: object
    offer: object  # what the module will do for this user, one sentence
    roles: frozenset


MODULES = (
    Module("duties", "duties:my_duties", _("Duty lists and letters of responsibility"),
           _("Duties decomposed to named leaders with deadlines and evidence, and signed letters of responsibility."),
           frozenset({R.COUNTY_LEADER, R.COUNTY_COMMISSION, R.TOWNSHIP_SECRETARY, R.TOWNSHIP_LEADER,
                      R.DEPARTMENT_HEAD, R.VILLAGE_SECRETARY, R.AUDITOR})),
    Module("ledgers", "ledgers:index", _("Record books"),
           _("Record books kept as things happen, with server-recorded entry times and late entries exposed."),
           frozenset({R.TOWNSHIP_SECRETARY, R.TOWNSHIP_LEADER, R.TOWNSHIP_DISCIPLINE, R.DEPARTMENT_HEAD,
                      R.DEPARTMENT_STAFF, R.VILLAGE_SECRETARY, R.COMMITTEE_DIRECTOR, R.LIAISON_CADRE,
                      R.COUNTY_COMMISSION, R.AUDITOR})),
    Module("finance", "finance:home", _("Voucher audit"),
           _("Every voucher line checked against the spending standards; findings explain rule, numbers and "
             "regulation."),
           frozenset({R.ACCOUNTANT, R.COUNTY_COMMISSION, R.TOWNSHIP_DISCIPLINE, R.TOWNSHIP_SECRETARY,
                      R.DEPARTMENT_HEAD, R.SUPERVISION_MEMBER, R.AUDITOR})),
    Module("disclosure", "disclosure:index", _("Village-affairs disclosure"),
           _("The mandatory disclosure catalog with due dates, supervision sign-off and villagers' questions."),
           frozenset({R.VILLAGE_SECRETARY, R.COMMITTEE_DIRECTOR, R.SUPERVISION_MEMBER, R.LIAISON_CADRE,
                      R.TOWNSHIP_SECRETARY, R.TOWNSHIP_DISCIPLINE, R.COUNTY_COMMISSION})),
    Module("whistleblowing", "whistleblowing:index", _("Reports (tip-offs)"),
           _("Anonymous reports with receipt codes, triage and disposal, with the accused and relatives excluded."),
           frozenset({R.COUNTY_COMMISSION, R.TOWNSHIP_DISCIPLINE})),
    Module("rectification", "rectification:index", _("Rectification"),
           _("Every finding becomes a rectification item with owner, deadline and evidence; recurrences escalate."),
           frozenset({R.COUNTY_COMMISSION, R.TOWNSHIP_SECRETARY, R.TOWNSHIP_LEADER, R.TOWNSHIP_DISCIPLINE,
                      R.DEPARTMENT_HEAD, R.VILLAGE_SECRETARY, R.COMMITTEE_DIRECTOR, R.AUDITOR})),
    Module("cases", "cases:index", _("Accountability cases"),
           _("A staged accountability workflow with the regulation's forms, time limits and appeals."),
           frozenset({R.COUNTY_COMMISSION, R.TOWNSHIP_DISCIPLINE})),
    Module("democracy", "democracy:index", _("Democratic management"),
           _("Four discussions, two disclosures; one-matter-one-discussion levies; meetings with quorum checks."),
           frozenset({R.VILLAGE_SECRETARY, R.COMMITTEE_DIRECTOR, R.SUPERVISION_MEMBER, R.VILLAGER_REPRESENTATIVE,
                      R.LIAISON_CADRE})),
    Module("assessment", "assessment:run_list", _("Year-end assessment"),
           _("Assessment scores computed from the evidence in every module, not from self-reports."),
           frozenset({R.COUNTY_LEADER, R.COUNTY_COMMISSION, R.TOWNSHIP_SECRETARY, R.DEPARTMENT_HEAD})),
)


def optional_reverse(name: str, *args) -> str:
    """The URL for ``name``, or "" while the module providing it is not installed yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _modules_for(roles: set[str]) -> list[dict]:
    out = []
    for module in MODULES:
        if not roles & module.roles:
            continue
        installed = apps.is_installed(f"cleangov.{module.app}")
        out.append({
            "module": module,
            "installed": installed,
            "url": optional_reverse(module.entry) if installed else "",
        })
    return out


def _deadlines_for(user) -> dict | None:
    """The user's open and overdue deadlines (None while the deadlines app is not installed)."""
    if not apps.is_installed("cleangov.deadlines"):
        return None
    from cleangov.deadlines.choices import DeadlineStatusChoices
    from cleangov.deadlines.models import Deadline

    status = DeadlineStatusChoices
    qs = Deadline.objects.filter(assignee=user, status__in=[status.OPEN, status.OVERDUE])
    rows = list(qs.select_related("unit").order_by("due_date", "pk")[:20])
    return {
        "rows": rows,
        "count": qs.count() if len(rows) == 20 else len(rows),
        "overdue_count": sum(1 for d in rows if d.status == status.OVERDUE),
    }


@login_required
def home(request):
    user = request.user
    language = get_language() or ""
    assignments = list(user.active_assignments())
    roles = {a.role for a in assignments}
    scopes = [
        {
            "role": a.get_role_display(),
            "unit": a.unit.display_name(language),
            "unit_id": a.unit_id,
            "subtree": a.include_subtree,
        }
        for a in assignments
    ]
    notifications = list(user.notifications.order_by("read_at", "-created_at")[:10])
    unread_count = user.notifications.filter(read_at__isnull=True).count()
    return render(request, "core/home.html", {
        "display_name": user.person.name if user.person_id else (user.get_full_name() or user.username),
        "scopes": scopes,
        "notifications": notifications,
        "unread_count": unread_count,
        "deadlines": _deadlines_for(user),
        "modules": _modules_for(roles),
        "has_org_access": bool(assignments),
        "tree_url": optional_reverse("orgs:tree") if assignments else "",
        "audit_url": optional_reverse("core:audit_event_list") if can_view_audit_trail(user) else "",
        "is_sysadmin": R.SYSADMIN in roles or user.is_superuser,
    })


@login_required
@require_POST
def notification_read(request, notification_id):
    notification = access_notification_by_id(request.user, notification_id, action="change")
    do_mark_notification_read(notification, acting_user=request.user)
    if request.htmx:
        return render(request, "core/partials/notification.html", {"notification": notification})
    return redirect("core:home")


# --- The audit-trail viewer (orgs UI engineer) ----------------------------------------------------
@login_required
def audit_event_list(request):
    """The trail, newest first: scoped by unit, conflicts of interest removed, filtered, paginated.
    A fixed number of queries per page (tests/web/test_audit_views.py counts them)."""
    user = request.user
    require_audit_trail_access(user)
    form = AuditEventFilterForm(request.GET or None)
    events = restrict_audit_events(AuditEvent.objects.select_related("unit"), user)
    if form.is_valid():
        events = apply_audit_filters(events, form.cleaned_data, units=lambda: visible_units(user))
    page, querystring = paginate(request, events.order_by("-seq"))
    masked = masked_fields_for(user)
    rows = []
    for event in page:
        diff = diff_rows(event.before, event.after, changed_only=True, masked=masked)
        rows.append({"event": event, "label": event_label(event.event_code), "diff": diff[:5],
                     "more": len(diff) > 5})
    return render(request, "core/audit_event_list.html", {
        "form": form,
        "page": page,
        "rows": rows,
        "querystring": querystring,
        "event_codes": [(code, event_label(code)) for code in AuditEventFilterForm.known_event_codes()],
        "subject_types": audit_subject_types(),
        "can_verify": can_verify_trail(user),
    })


@login_required
def audit_event_detail(request, event_id):
    user = request.user
    event = access_audit_event_by_id(user, event_id)
    people = list(Person.objects.filter(pk__in=event.subject_person_ids or []))
    linked = set(visible_people(user).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True))
    return render(request, "core/audit_event_detail.html", {
        "event": event,
        "label": event_label(event.event_code),
        "diff": diff_rows(event.before, event.after, masked=masked_fields_for(user)),
        "people": [{"person": p, "linked": p.pk in linked} for p in people],
        "unit_linked": bool(event.unit_id) and visible_units(user).filter(pk=event.unit_id).exists(),
    })


@login_required
def audit_verify_trail(request):
    """Start a background re-verification of the whole hash chain and show its progress."""
    if not can_verify_trail(request.user):
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    task_id = start_trail_verification(request.user)
    template = "core/audit_verify_started.html" if request.htmx else "core/audit_verify.html"
    return render(request, template, {"task_id": task_id})


TASK_STATUS_LABELS = {
    "queued": _("Waiting to start"),
    "running": _("Running"),
    "succeeded": _("Finished"),
    "failed": _("Failed"),
    "interrupted": _("Interrupted"),
}
FINISHED_STATUSES = {"succeeded", "failed", "interrupted"}


@login_required
def task_progress(request, task_id):
    """A progress bar that polls itself with htmx until the task has finished, failed or was
    interrupted (its worker died; then a Retry button for whoever may run it again)."""
    progress = access_task_progress_by_id(request.user, task_id)
    context = {
        "progress": progress,
        "finished": progress.status in FINISHED_STATUSES,
        "status_label": TASK_STATUS_LABELS.get(progress.status, progress.status),
        "can_retry": may_retry_task(request.user, progress),
    }
    template = "core/partials/task_progress.html" if request.htmx else "core/task_progress.html"
    return render(request, template, context)


@login_required
@require_POST
def task_retry(request, task_id):
    """Put an interrupted task back in the queue, then follow its progress again."""
    progress = access_task_progress_by_id(request.user, task_id)
    try:
        do_retry_task(progress, acting_user=request.user)
    except TaskNotRetryable:
        messages.error(request, _("This task cannot be retried."))
    return redirect("core:task_progress", task_id=progress.task_id)


def healthz(request):
    """For a load balancer: 200 when the app answers and its database does."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "not healthy"
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
