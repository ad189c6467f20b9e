"""Background tasks (Django's tasks API, django-tasks backport, database backend; run by ``cleangov worker``).

* ``verify_trail_task``: recompute the audit trail's hash chain with a progress bar, started from
  the web by the county discipline commission through :func:`start_verify_trail`.

The periodic jobs (the deadline tick, the record-book checkpoints) are the apps' own tasks, declared
in their ``AppDeclaration`` and enqueued by the worker through :mod:`cleangov.core.periodic`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from .access import AUDIT_VERIFY_ROLES, user_roles
from .audit import verify_chain
from .models import AuditEvent, TaskProgress
from .progress import ProgressReporter, create_progress
from .recovery import register_task_recovery


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


register_task_recovery(verify_trail_task, idempotent=True, may_retry=can_verify_trail)


@task()
def recover_dead_tasks_task() -> dict:
    """The periodic safety net for tasks whose worker died, should every live worker's own pass miss them."""
    from .recovery import recover_dead_tasks

    return {"tasks_recovered": len(recover_dead_tasks())}


# Recovery itself is idempotent: a task already recovered is no longer running.
register_task_recovery(recover_dead_tasks_task, idempotent=True)
