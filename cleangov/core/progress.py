"""Progress of background tasks, written from inside the task and polled by the page that started it.

    progress = create_progress(task_id=result.id, label="Verify the audit trail", started_by=user)
    ...
    # inside the task
    with ProgressReporter(task_id) as report:
        report.set_total(n)
        for item in items:
            ...
            report.advance()
        report.succeed("all done")

Rows are machinery, not domain state, so they are written directly (no audit event); the task's
own effects go through actions as usual. Updates are throttled so a million-step task does not
write a million rows' worth of UPDATEs; ``succeed``/``fail`` always write.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from .models import TaskProgress


class ProgressStatus:
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # the worker died and the task was given up (cleangov.core.recovery)
    FINISHED = (SUCCEEDED, FAILED)


def create_progress(*, task_id, label: str, started_by=None, total: int = 0) -> TaskProgress:
    """The row a page polls; call it in the same transaction that enqueues the task."""
    progress, created = TaskProgress.objects.get_or_create(
        task_id=str(task_id),
        defaults={"label": str(label)[:200], "started_by": started_by, "total": total,
                  "status": ProgressStatus.QUEUED},
    )
    if not created:
        # The task already started (an immediate backend runs it inside enqueue): keep its status.
        TaskProgress.objects.filter(pk=progress.pk).update(label=str(label)[:200], started_by=started_by)
        progress.refresh_from_db()
    return progress


def get_progress(task_id) -> TaskProgress | None:
    return TaskProgress.objects.filter(task_id=str(task_id)).first()


class ProgressReporter:
    """Updates one TaskProgress row from inside a task. As a context manager it marks the row
    running on entry, failed (with the error) if the block raises, and succeeded if the block ends
    without having called ``succeed`` or ``fail``."""

    def __init__(self, task_id, *, label: str = "", min_interval: float = 0.5):
        self.task_id = str(task_id)
        self.label = label
        self.min_interval = min_interval
        self.done = 0
        self.total = 0
        self.status = ProgressStatus.QUEUED
        self._last_write = 0.0
        self._pending = False

    def _rows(self):
        return TaskProgress.objects.filter(task_id=self.task_id)

    def start(self, *, total: int | None = None, message: str = "") -> None:
        progress, _created = TaskProgress.objects.get_or_create(
            task_id=self.task_id, defaults={"label": (self.label or self.task_id)[:200]}
        )
        self.total = progress.total if total is None else total
        self.done = 0
        self.status = ProgressStatus.RUNNING
        self._rows().update(status=self.status, done=0, total=self.total, message=message,
                            attempts=F("attempts") + 1, updated_at=timezone.now())
        self._last_write = time.monotonic()

    def set_total(self, total: int) -> None:
        self.total = total
        self._rows().update(total=total, updated_at=timezone.now())

    def advance(self, n: int = 1) -> None:
        if settings.CLEANGOV_TASK_STEP_DELAY:
            # Tests only: a task slow enough, step by step, to kill its worker in the middle of it.
            time.sleep(settings.CLEANGOV_TASK_STEP_DELAY)
        self.done += n
        self._pending = True
        now = time.monotonic()
        if now - self._last_write >= self.min_interval:
            self.flush()

    def flush(self, message: str | None = None) -> None:
        fields = {"done": self.done, "updated_at": timezone.now()}
        if self.total < self.done:
            self.total = self.done
            fields["total"] = self.total
        if message is not None:
            fields["message"] = message
        self._rows().update(**fields)
        self._last_write = time.monotonic()
        self._pending = False

    def succeed(self, message: str = "") -> None:
        self._finish(ProgressStatus.SUCCEEDED, message)

    def fail(self, message: str = "") -> None:
        self._finish(ProgressStatus.FAILED, message)

    def _finish(self, status: str, message: str) -> None:
        self.status = status
        total = max(self.total, self.done)
        self._rows().update(status=status, done=self.done, total=total, message=message,
                            updated_at=timezone.now())
        self._pending = False

    def __enter__(self) -> ProgressReporter:
        self.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is not None:
            self.fail(f"{exc_type.__name__}: {exc}")
        elif self.status not in ProgressStatus.FINISHED:
            self.succeed()
        return False
