"""Background tasks of the record books (run by ``cleangov worker``)."""

from __future__ import annotations

from datetime import date

from django_tasks import task

from cleangov.core.recovery import register_task_recovery

from .actions import do_create_ledger_checkpoints

CHECKPOINT_SCHEDULE_NAME = "ledgers.checkpoints"


@task()
def create_ledger_checkpoints_task(day: str | None = None) -> dict:
    """Sign the monthly checkpoints that have fallen due (``day`` is an ISO date or None for today).
    Idempotent: a second run in the same month signs nothing."""
    today = date.fromisoformat(day) if day else None
    summary = do_create_ledger_checkpoints(acting_user=None, today=today)
    return {"created": summary.created}


# Every step catches up and is idempotent, so a run lost with its worker simply runs again.
register_task_recovery(create_ledger_checkpoints_task, idempotent=True)
