"""The worker's periodic jobs: every installed app's declared :class:`~cleangov.core.declarations.PeriodicJob`
is enqueued at most once per period whatever the number of workers.

Each job has a :class:`~cleangov.core.models.PeriodicSchedule` row, locked before enqueueing
(SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions serialise writers), so with
several workers exactly one enqueues per period. Jobs are idempotent too, so a duplicate would cost
time, not double effects.
"""

from __future__ import annotations

import os
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .declarations import PeriodicJob, declarations
from .models import PeriodicSchedule

DEFAULT_TICK_SECONDS = 3600
# Housekeeping waits for people: a preview, import or audit run somebody is watching is taken before
# any periodic job queued ahead of it (the worker takes the highest priority first; the default is 0).
PERIODIC_PRIORITY = -10


def periodic_jobs() -> list[PeriodicJob]:
    """The declared jobs of the installed apps, in ``INSTALLED_APPS`` order."""
    return [job for _label, declaration in declarations() for job in declaration.periodic_jobs]


def tick_interval_seconds() -> int:
    return int(getattr(settings, "CLEANGOV_TICK_SECONDS", 0)
               or os.environ.get("CLEANGOV_TICK_SECONDS", DEFAULT_TICK_SECONDS))


def schedule_job(job: PeriodicJob, *, every_seconds: int, now=None) -> str | None:
    """Enqueue ``job`` if it is due; return the task id, or None when not due."""
    now = now or timezone.now()
    with transaction.atomic():
        row = PeriodicSchedule.objects.select_for_update().filter(name=job.name).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = PeriodicSchedule.objects.create(name=job.name, next_run_at=now)
            except IntegrityError:
                return None  # another worker created it this instant and is enqueueing
        if row.next_run_at > now:
            return None
        result = job.task.using(priority=PERIODIC_PRIORITY).enqueue()
        row.next_run_at = now + timedelta(seconds=every_seconds)
        row.last_enqueued_at = now
        row.last_task_id = str(result.id)
        row.save(update_fields=["next_run_at", "last_enqueued_at", "last_task_id"])
        return str(result.id)


def continue_later(task) -> str:
    """Queue ``task`` again at the periodic jobs' priority: a long job done in slices lets the worker take
    what people queued in between. Returns the new task's id."""
    return str(task.using(priority=PERIODIC_PRIORITY).enqueue().id)


def schedule_periodic_jobs(*, every_seconds: int, now=None) -> list[str]:
    """Enqueue every declared job that is due; return the ids of the tasks enqueued."""
    enqueued = (schedule_job(job, every_seconds=every_seconds, now=now) for job in periodic_jobs())
    return [task_id for task_id in enqueued if task_id]
