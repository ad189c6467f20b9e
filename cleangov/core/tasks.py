"""Background tasks (Django's tasks API, django-tasks backport, database backend; run by ``cleangov worker``).

* ``verify_trail_task``: recompute the audit trail's hash chain with a progress bar, started from
  the web by the county discipline commission through :func:`start_verify_trail`.
* ``tick_deadlines_task``: the periodic deadline tick, enqueued by the worker through
  :func:`schedule_deadline_tick` at most once per period whatever the number of workers.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from .access import AUDIT_VERIFY_ROLES, user_roles
from .audit import verify_chain
from .models import AuditEvent, TaskProgress
from .progress import ProgressReporter, create_progress
from .recovery import register_task_recovery

TICK_SCHEDULE_NAME = "deadlines.tick"
DEFAULT_TICK_SECONDS = 3600


def can_verify_trail(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    # The system administrator keeps the system sound; verifying the chain shows no matter's contents.
    return user.is_superuser or bool(AUDIT_VERIFY_ROLES & user_roles(user))


def _language_of(user) -> str:
    return (getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE) if user else settings.LANGUAGE_CODE


@task(takes_context=True)
def verify_trail_task(context) -> dict:
    """Recompute the chain; the progress row ends ``succeeded`` when intact, ``failed`` naming the
    first broken event when not (the same verdict as ``cleangov verify-trail`` exit 0 / 1)."""
    task_id = str(context.task_result.id)
    progress_row = TaskProgress.objects.filter(task_id=task_id).select_related("started_by").first()
    language = _language_of(progress_row.started_by if progress_row else None)
    with ProgressReporter(task_id, label="verify-trail") as report:
        report.set_total(AuditEvent.objects.count())
        checked, problem = verify_chain(progress=report.advance)
        report.flush()
        with translation.override(language):
            if problem is None:
                report.succeed(_("Audit trail intact: %(count)s events verified.") % {"count": checked})
            else:
                report.fail(_("Audit trail broken at %(problem)s (%(count)s events verified before it).")
                            % {"problem": str(problem), "count": checked})
    return {"checked": checked, "intact": problem is None, "problem": str(problem) if problem else None}


# Read-only: a retry after a lost worker simply verifies again.
register_task_recovery(verify_trail_task, idempotent=True, may_retry=can_verify_trail)


def start_verify_trail(user) -> TaskProgress:
    """Enqueue a verification of the audit trail and return the progress row the page polls
    (URL ``core:task_progress``). Offered to the county discipline commission (and administrators)."""
    if not can_verify_trail(user):
        raise PermissionDenied
    with translation.override(_language_of(user)):
        label = _("Verify the audit trail")
    # One transaction: the worker never sees the task without its progress row.
    with transaction.atomic():
        result = verify_trail_task.enqueue()
        return create_progress(task_id=result.id, label=label, started_by=user)


@task()
def tick_deadlines_task(day: str | None = None) -> dict:
    """The deadline tick (see cleangov.deadlines.tick.run_tick); ``day`` is an ISO date or None."""
    from datetime import date

    from django.apps import apps

    from cleangov.deadlines.tick import run_tick

    from .recovery import recover_dead_tasks

    today = date.fromisoformat(day) if day else None
    result = run_tick(today=today).as_dict()
    # Also the safety net for tasks whose worker died, should every worker's own pass miss them.
    result["tasks_recovered"] = len(recover_dead_tasks())
    # The periodic tick also signs the record books' monthly checkpoints that have fallen due, so a
    # county running only `cleangov worker` still publishes them (the step is idempotent: catches up).
    if apps.is_installed("cleangov.ledgers"):
        from cleangov.ledgers.actions import do_create_ledger_checkpoints

        summary = do_create_ledger_checkpoints(acting_user=None, today=today)
        result["ledger_checkpoints"] = summary.created
    return result


# Every step of the tick catches up and is idempotent (see run_tick), so a lost tick runs again.
register_task_recovery(tick_deadlines_task, idempotent=True)


def tick_interval_seconds() -> int:
    return int(getattr(settings, "CLEANGOV_TICK_SECONDS", 0) or _env_tick_seconds())


def _env_tick_seconds() -> int:
    import os

    return int(os.environ.get("CLEANGOV_TICK_SECONDS", DEFAULT_TICK_SECONDS))


def schedule_deadline_tick(*, every_seconds: int, now=None) -> str | None:
    """Enqueue the tick if it is due; return the task id, or None when not due.

    The schedule row is locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions
    serialise writers), so with several workers exactly one enqueues per period. The tick itself is
    idempotent too, so a duplicate would cost time, not double notifications.
    """
    from cleangov.deadlines.models import PeriodicSchedule

    now = now or timezone.now()
    with transaction.atomic():
        row = PeriodicSchedule.objects.select_for_update().filter(name=TICK_SCHEDULE_NAME).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = PeriodicSchedule.objects.create(name=TICK_SCHEDULE_NAME, next_run_at=now)
            except IntegrityError:
                return None  # another worker created it this instant and is enqueueing
        if row.next_run_at > now:
            return None
        result = tick_deadlines_task.enqueue()
        row.next_run_at = now + timedelta(seconds=every_seconds)
        row.last_enqueued_at = now
        row.last_task_id = str(result.id)
        row.save(update_fields=["next_run_at", "last_enqueued_at", "last_task_id"])
        return str(result.id)
