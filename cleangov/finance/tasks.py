"""Background work of the finance workspace (django-tasks, run by ``cleangov worker``).

* ``import_vouchers_task``: a staged upload → an immutable batch, with a progress bar; then an audit
  run of the batch's units is enqueued.
* ``audit_run_task``: one audit run (a batch's units, a township or the whole county) with progress.
* ``expire_staged_uploads_task`` (periodic): uploads never imported are removed after
  ``CLEANGOV_STAGED_UPLOAD_HOURS``, files and problem lists with them.

The same steps run synchronously from the CLI (``cleangov import-vouchers``) and the demo through
:func:`cleangov.finance.imports.import_file` and :func:`cleangov.finance.actions.execute_audit_run`.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from cleangov.core.progress import ProgressReporter, create_progress
from cleangov.core.recovery import register_task_recovery
from cleangov.orgs.models import Unit

from . import engine as E
from .actions import do_create_audit_run, do_fail_audit_run, execute_audit_run, failure_of
from .choices import AuditRunStatusChoices, AuditRunTriggerChoices
from .imports import ImportRefused, import_file
from .models import AuditRun, ImportBatch, StagedUpload


def _language(user) -> str:
    from django.conf import settings

    return (getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE) if user else settings.LANGUAGE_CODE


def start_audit_run(*, acting_user, scope_unit: Unit, trigger: str, unit_ids=(), batch=None) -> AuditRun:
    """Create a run and enqueue it; the progress row (core:task_progress) belongs to ``acting_user``."""
    with translation.override(_language(acting_user)):
        label = _("Audit of %(unit)s") % {"unit": scope_unit.name}
    with transaction.atomic():
        run = do_create_audit_run(acting_user=acting_user, scope_unit=scope_unit, trigger=trigger,
                                  unit_ids=unit_ids, batch=batch)
        result = audit_run_task.enqueue(run.pk)
        AuditRun.objects.filter(pk=run.pk).update(task_id=str(result.id))
        create_progress(task_id=result.id, label=label, started_by=acting_user if acting_user else None,
                        total=E.audit_steps() + 1)
        run.task_id = str(result.id)
    return run


def start_batch_audit(batch: ImportBatch, *, acting_user) -> AuditRun:
    unit_ids = list(batch.units.values_list("unit_id", flat=True))
    return start_audit_run(acting_user=acting_user, scope_unit=batch.scope_unit, trigger=AuditRunTriggerChoices.IMPORT,
                           unit_ids=unit_ids, batch=batch)


@task(takes_context=True)
def import_vouchers_task(context, staged_id: int, skip_invalid: bool = False, supersedes_id: int | None = None,
                         audit: bool = True) -> dict:
    from .access import import_units

    task_id = str(context.task_result.id)
    # Retried after a lost worker (cleangov.core.recovery): the batch, its lines and its event are
    # written in one transaction, so either the database rolled them back (start again) or they are
    # all there under this task id (only the steps after it remain).
    written = ImportBatch.objects.select_related("uploaded_by").filter(task_id=task_id).first()
    staged = StagedUpload.objects.select_related("owner", "unit").filter(pk=staged_id).first()
    if staged is None and written is None:
        return {"error": "staged upload not found"}
    user = staged.owner if staged is not None else written.uploaded_by
    with translation.override(_language(user)), ProgressReporter(task_id, label="import") as report:
        supersedes = ImportBatch.objects.filter(pk=supersedes_id).first() if supersedes_id else None
        try:
            batch = written or import_file(
                Path(staged.path), file_name=staged.file_name, scope_unit=staged.unit, acting_user=user,
                source="web", mapping=staged.mapping, skip_invalid=skip_invalid, supersedes=supersedes,
                allowed_units=import_units(user), task_id=task_id, on_total=report.set_total,
                on_rows=report.advance)
        except ImportRefused as exc:
            report.fail(str(exc.message))
            return {"error": str(exc.message), "errors": [e.as_dict() for e in exc.errors[:100]]}
        report.flush()
        if staged is not None:
            remove_staged(staged)
        run = None
        if audit:
            # A retry finds the batch's audit run if the lost attempt had already started it.
            run = (written and AuditRun.objects.filter(batch=batch, trigger=AuditRunTriggerChoices.IMPORT).first()) \
                or start_batch_audit(batch, acting_user=user)
        report.succeed(_("Imported %(n)s lines as batch #%(id)s.") % {"n": batch.rows_imported, "id": batch.pk})
    return {"batch": batch.pk, "run": run.pk if run else None}


@task(takes_context=True)
def audit_run_task(context, run_id: int) -> dict:
    task_id = str(context.task_result.id)
    run = AuditRun.objects.select_related("scope_unit", "started_by").get(pk=run_id)
    error = None
    with translation.override(_language(run.started_by)), ProgressReporter(task_id, label="audit") as report:
        report.set_total(E.audit_steps() + 1)
        # Findings are stored in one transaction at the end, upserted by fingerprint. A retry after a
        # lost worker runs the engine again, unless that transaction had committed: then the run is
        # finished and running it again would only add a second "finished" event.
        if run.status != AuditRunStatusChoices.SUCCEEDED:
            try:
                run = execute_audit_run(run, acting_user=run.started_by, progress=lambda _step: report.advance())
            except Exception as exc:
                # Users read why in words; the exception's own text (a database's, say) is for the log.
                error = exc
                run = do_fail_audit_run(run, acting_user=run.started_by, message=f"{type(exc).__name__}: {exc}",
                                        failure=failure_of(exc))
                report.fail(str(run.get_failure_display()))
        if error is None:
            report.succeed(_("%(total)s findings (%(new)s new) in %(lines)s lines.")
                           % {"total": run.findings_total, "new": run.findings_new, "lines": run.lines})
    if error is not None:
        raise error
    return {"run": run.pk, "findings": run.findings_total, "new": run.findings_new}


def _audit_run_given_up(task_id: str, reason: str) -> None:
    run = AuditRun.objects.filter(task_id=task_id).exclude(status=AuditRunStatusChoices.SUCCEEDED).first()
    if run is not None:
        do_fail_audit_run(run, acting_user=None, message=reason)


def _may_import(user) -> bool:
    from cleangov.core.access import has_role

    from .access import IMPORT_ROLES

    return has_role(user, IMPORT_ROLES)


def _may_run(user) -> bool:
    from cleangov.core.access import has_role

    from .access import TASK_ROLES

    # Accountants start the audit of the batch they import; commissions start the others.
    return has_role(user, TASK_ROLES)


# Both tasks are idempotent as described in their bodies, so a lost worker's task is retried.
register_task_recovery(import_vouchers_task, idempotent=True, may_retry=_may_import)
register_task_recovery(audit_run_task, idempotent=True, may_retry=_may_run, on_interrupted=_audit_run_given_up)


def remove_staged(staged: StagedUpload) -> None:
    """Delete a staged upload's file, its problem list and its row (the file first: a row without a file
    is harmless, a file without a row would never be found again)."""
    from .imports.preview import problems_path

    for path in (Path(staged.path), problems_path(staged)):
        with contextlib.suppress(OSError):
            path.unlink()
    staged.delete()


def expire_staged_uploads(now=None) -> int:
    """Remove the uploads staged longer ago than ``CLEANGOV_STAGED_UPLOAD_HOURS``; return how many.

    Machinery, not records: a staged file was never imported, so nothing in the books or the trail
    refers to it (an imported file lives on as its batch, hash and lines)."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.CLEANGOV_STAGED_UPLOAD_HOURS)
    expired = list(StagedUpload.objects.filter(created_at__lt=cutoff))
    for staged in expired:
        remove_staged(staged)
    return len(expired)


@task()
def expire_staged_uploads_task() -> dict:
    return {"removed": expire_staged_uploads()}


register_task_recovery(expire_staged_uploads_task, idempotent=True)
