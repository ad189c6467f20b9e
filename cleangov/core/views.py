"""The home page, the task-progress partial and the health check.

The home page shows only what exists: the user's roles and scopes, what they have to do today and what
changed since their last visit (core/todo.py, from the apps' providers), their notifications, the panels
the apps declare (the deadline engine's "Your deadlines"), and a card for each declared module
their role may open, or an honest empty state for a planned module (core/planned.py). It never
shows invented figures. Everything app-specific comes from the apps' declarations
(cleangov.core.declarations); this module names no app.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .access import (
    access_audit_event_by_id,
    access_notification_by_id,
    access_task_progress_by_id,
    assignments_read_once,
    require_audit_trail_access,
    restrict_audit_events,
)
from .actions import do_mark_notification_read
from .audit_ui import audit_subject_types, diff_rows, event_label, masked_fields_for, start_trail_verification
from .declarations import declarations, event_labels, people_directory
from .filters import AuditEventFilterForm, apply_audit_filters, paginate
from .models import AuditEvent
from .planned import PLANNED_MODULES
from .recovery import TaskNotRetryable, do_retry_task, may_retry_task
from .tasks import can_verify_trail
from .todo import home_todo


def _modules_for(roles: set[str]) -> list[dict]:
    """The declared cards the user's roles may open, then the planned modules no app provides yet."""
    out = []
    for _label, declaration in declarations():
        for card in declaration.home_cards:
            if roles & card.roles:
                out.append({"title": card.title, "offer": card.offer, "url": reverse(card.url_name),
                            "installed": True})
    installed = {config.label for config in apps.get_app_configs()}
    for module in PLANNED_MODULES:
        if module.label not in installed and roles & module.roles:
            out.append({"title": module.title, "offer": module.offer, "url": "", "installed": False})
    return out


def _shortcuts_for(roles: set[str]) -> list[dict]:
    links = sorted((link for _label, d in declarations() for link in d.shortcuts if link.shown_to(roles)),
                   key=lambda link: link.position)
    return [{"url": reverse(link.url_name), "label": link.label} for link in links]


def _panels_for(user) -> list[dict]:
    return [{"template": panel.template, "context": panel.context(user)}
            for _label, declaration in declarations() for panel in declaration.home_panels]


@login_required
def home(request):
    # Every app's panel and to-do provider checks the user's roles: read the assignments once.
    with assignments_read_once(request.user):
        return _home(request)


def _home(request):
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
        "todo": home_todo(user, record=request.method == "GET"),
        "panels": _panels_for(user),
        "modules": _modules_for(roles),
        "shortcuts": _shortcuts_for(roles),
        "show_admin": ("sysadmin" in roles or user.is_superuser) and user.is_staff,
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
        events = apply_audit_filters(events, form.cleaned_data, units=lambda: people_directory().visible_units(user))
    page, querystring = paginate(request, events.order_by("-seq"))
    masked = masked_fields_for(user)
    labels = event_labels()
    rows = []
    for event in page:
        diff = diff_rows(event.before, event.after, changed_only=True, masked=masked,
                          subject_type=event.subject_type)
        rows.append({"event": event, "label": labels.get(event.event_code, event.event_code), "diff": diff[:5],
                     "more": len(diff) > 5})
    return render(request, "core/audit_event_list.html", {
        "form": form,
        "page": page,
        "rows": rows,
        "querystring": querystring,
        "event_codes": sorted(labels.items()),
        "subject_types": audit_subject_types(),
        "can_verify": can_verify_trail(user),
    })


@login_required
def audit_event_detail(request, event_id):
    user = request.user
    event = access_audit_event_by_id(user, event_id)
    directory = people_directory()
    return render(request, "core/audit_event_detail.html", {
        "event": event,
        "label": event_label(event.event_code),
        "diff": diff_rows(event.before, event.after, masked=masked_fields_for(user), subject_type=event.subject_type),
        "people": directory.subject_people(user, event.subject_person_ids or []),
        "unit_url": directory.unit_url(user, event.unit_id) if event.unit_id else "",
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


@login_required
def matter_timeline(request, ref):
    """One timeline over the whole chain of a matter (report → finding → rectification → case), each
    step told by its app to this user only; 404 when the user may see nothing of it."""
    from .matters import MatterRef, timeline

    try:
        matter = MatterRef.parse(ref)
    except ValueError as exc:
        raise Http404 from exc
    steps = timeline(request.user, matter)
    if not steps:
        raise Http404
    return render(request, "core/matter_timeline.html", {"matter": matter, "steps": steps})
