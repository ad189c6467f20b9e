"""Background tasks of the deadline engine (run by ``cleangov worker``)."""

from __future__ import annotations

from datetime import date

from django_tasks import task

from cleangov.core.recovery import register_task_recovery

from .tick import run_tick

TICK_SCHEDULE_NAME = "deadlines.tick"  # the schedule row's key: kept from before the job was declared


@task()
def tick_deadlines_task(day: str | None = None) -> dict:
    """The deadline tick (see :func:`cleangov.deadlines.tick.run_tick`); ``day`` is an ISO date or None."""
    today = date.fromisoformat(day) if day else None
    return run_tick(today=today).as_dict()


# Every step catches up and is idempotent, so a run lost with its worker simply runs again.
register_task_recovery(tick_deadlines_task, idempotent=True)
