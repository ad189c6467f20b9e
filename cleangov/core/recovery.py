"""Tasks whose worker died: heartbeats, detection, automatic retry, and the Retry button.

django_tasks_db marks a task RUNNING when a worker claims it and SUCCESSFUL or FAILED when the task
returns; a worker killed in between (``kill -9``, a crash, the machine lost) leaves the row RUNNING
for ever and no other worker takes it. Here:

* every ``cleangov worker`` process stamps its :class:`~cleangov.core.models.WorkerHeartbeat` row
  from a thread (:class:`Heartbeat`), every quarter of the lease, whatever the task is doing — a
  single long engine step or a long database statement does not stop the stamps;
* :func:`recover_dead_tasks`, called by every worker between passes over the queue and by the
  periodic tick, finds RUNNING tasks whose worker has not been seen for the lease
  (``CLEANGOV_TASK_LEASE_SECONDS``, default 120) and either puts them back in the queue (same task id,
  so the progress page and the objects that name the task keep working) while they have attempts
  left (``CLEANGOV_TASK_MAX_ATTEMPTS``, default 3, counted as the workers that claimed the task), or
  marks them FAILED / "interrupted" with the reason ("the worker stopped during step 9 of 14");
* :func:`do_retry_task` is the Retry button of an interrupted task's page.

Retrying is only sound because every CleanGov task is idempotent: running it again after a partial
run leaves what one uninterrupted run leaves (docs/deployment/README.md lists what each relies on).
Apps declare, per task, who besides its starter's ownership may retry it and what to clean up when
it is given up (:func:`register_task_recovery`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .audit import record_event
from .models import TaskProgress, WorkerHeartbeat

logger = logging.getLogger(__name__)

DEFAULT_LEASE_SECONDS = 120.0
DEFAULT_MAX_ATTEMPTS = 3
INTERRUPTED = "interrupted"
# Recorded as the exception of a given-up task's DBTaskResult, so the admin and the API tell it apart
# from a task that raised.
WORKER_LOST = "cleangov.core.recovery.WorkerLost"


def lease_seconds() -> float:
    return float(getattr(settings, "CLEANGOV_TASK_LEASE_SECONDS", DEFAULT_LEASE_SECONDS) or DEFAULT_LEASE_SECONDS)


def max_attempts() -> int:
    return max(1, int(getattr(settings, "CLEANGOV_TASK_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)))


def heartbeat_interval() -> float:
    # Four stamps per lease: a worker is declared dead only after missing several in a row.
    return max(0.2, lease_seconds() / 4)


# ---------------------------------------------------------------------------------------- registry

@dataclass(frozen=True)
class TaskRecovery:
    idempotent: bool = False  # retried automatically; otherwise given up at once, for a person to retry
    may_retry: Callable | None = None  # (user) -> bool: may this user start such a task
    on_interrupted: Callable | None = None  # (task_id, reason) -> None, inside the reaper's transaction


_RECOVERY: dict[str, TaskRecovery] = {}


def register_task_recovery(task, *, idempotent: bool, may_retry: Callable | None = None,
                           on_interrupted: Callable | None = None) -> None:
    """Declare what a task's recovery needs, next to the task: ``idempotent`` (a second run after a
    partial one leaves what one run leaves, so a lost worker's task is retried automatically; a task
    not declared is given up at once and waits for a person's Retry), ``may_retry(user)`` (whether
    the user who started it may still start such a task) and ``on_interrupted(task_id, reason)``
    (settle the object the task was working on, e.g. mark an audit run failed)."""
    _RECOVERY[task.module_path] = TaskRecovery(idempotent=idempotent, may_retry=may_retry,
                                               on_interrupted=on_interrupted)


def _recovery_for(task_path: str) -> TaskRecovery:
    if task_path not in _RECOVERY:
        # The declaration sits next to the task: importing the task makes it. The path was written by
        # our own enqueue, never by a user.
        try:
            import_string(task_path)
        except ImportError:
            logger.warning("task %s cannot be imported", task_path)
    return _RECOVERY.get(task_path, TaskRecovery())


# --------------------------------------------------------------------------------------- heartbeats

class Heartbeat:
    """Stamps one worker's heartbeat row from a daemon thread until :meth:`stop`."""

    def __init__(self, worker_id: str, *, interval: float | None = None):
        self.worker_id = worker_id
        self.interval = heartbeat_interval() if interval is None else interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def beat(self) -> None:
        now = timezone.now()
        updated = WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(seen_at=now)
        if not updated:
            WorkerHeartbeat.objects.create(worker_id=self.worker_id, hostname=socket.gethostname()[:255],
                                           pid=os.getpid(), started_at=now, seen_at=now)

    def start(self) -> Heartbeat:
        self.beat()  # in the caller's thread: the row exists before this worker claims anything
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{self.worker_id[:8]}", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    self.beat()
                except Exception as exc:
                    # A busy SQLite file or a dropped connection: try again at the next stamp (the
                    # lease allows several to be missed). Whatever it was, the thread must live on, or
                    # this live worker's task would be taken for a dead one's.
                    logger.warning("worker %s: heartbeat not written (%s)", self.worker_id, exc)
                    connection.close()
        finally:
            connection.close()  # this thread's own connection

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        try:
            # A worker that stops cleanly has finished or handed back its tasks: forget it.
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except DatabaseError:
            logger.warning("worker %s: heartbeat row not removed", self.worker_id)


# ---------------------------------------------------------------------------------------- detection

@dataclass(frozen=True)
class Recovered:
    task_id: str
    task_path: str
    outcome: str  # "retried" or "interrupted"
    reason: str


def _language(progress: TaskProgress | None) -> str:
    user = progress.started_by if progress is not None else None
    return (getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE) if user else settings.LANGUAGE_CODE


def describe_stop(progress: TaskProgress | None) -> str:
    """Where the task was when its worker stopped, in the active language."""
    if progress is None or not progress.total:
        return _("The worker stopped before the task reported any progress.")
    step = min(progress.done + 1, progress.total)
    return _("The worker stopped during step %(step)s of %(total)s.") % {"step": step, "total": progress.total}


def dead_task_ids(*, now=None) -> list[str]:
    """RUNNING tasks whose worker has not stamped its heartbeat within the lease."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=lease_seconds())
    live = {worker for worker, seen_at in _heartbeats() if seen_at >= cutoff}
    # A task claimed less than a lease ago is left alone even without a heartbeat row (a worker of an
    # older version): it had no chance to be seen yet.
    running = DBTaskResult.objects.running().filter(started_at__lt=cutoff).values_list("id", "worker_ids")
    return [str(task_id) for task_id, workers in running if not workers or workers[-1] not in live]


def recover_dead_tasks(*, now=None) -> list[Recovered]:
    """Retry or give up every task whose worker died. Safe to call from any number of workers at
    once: each task is decided under its row lock and only while still RUNNING with a dead worker."""
    now = now or timezone.now()
    recovered = []
    for task_id in dead_task_ids(now=now):
        try:
            outcome = _recover(task_id, now=now)
        except DatabaseError as exc:  # a busy SQLite file: the next pass decides
            logger.warning("task %s: recovery postponed (%s)", task_id, exc)
            continue
        if outcome is not None:
            recovered.append(outcome)
    # Rows of workers gone for long are noise for an operator reading the table. Deleted only when
    # there are some: this runs every second in every idle worker, and a write would take SQLite's lock.
    forgotten = now - timedelta(seconds=10 * lease_seconds())
    gone = [worker for worker, seen_at in _heartbeats() if seen_at < forgotten]
    if gone:
        WorkerHeartbeat.objects.filter(worker_id__in=gone, seen_at__lt=forgotten).delete()
    return recovered


def _heartbeats() -> list[tuple[str, object]]:
    return list(WorkerHeartbeat.objects.values_list("worker_id", "seen_at"))


def _recover(task_id: str, *, now) -> Recovered | None:
    cutoff = now - timedelta(seconds=lease_seconds())
    with transaction.atomic():
        row = DBTaskResult.objects.select_for_update().filter(pk=task_id, status=TaskResultStatus.RUNNING).first()
        if row is None:
            return None  # finished meanwhile, or another worker recovered it
        worker = row.worker_ids[-1] if row.worker_ids else None
        if row.started_at and row.started_at >= cutoff:
            return None
        if worker and WorkerHeartbeat.objects.filter(worker_id=worker, seen_at__gte=cutoff).exists():
            return None  # stamped since we looked
        # No select_related here: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
        progress = TaskProgress.objects.select_for_update().filter(task_id=str(row.id)).first()
        attempts = len(row.worker_ids)
        recovery = _recovery_for(row.task_path)
        retry = recovery.idempotent and attempts < max_attempts()
        with translation.override("en"):
            reason_en = describe_stop(progress)
        with translation.override(_language(progress)):
            reason = describe_stop(progress)
            if retry:
                message = _("%(reason)s Started again (attempt %(next)s of %(max)s).") % {
                    "reason": reason, "next": attempts + 1, "max": max_attempts()}
            elif recovery.idempotent:
                message = _("%(reason)s Not started again: attempts made %(n)s of %(max)s.") % {
                    "reason": reason, "n": attempts, "max": max_attempts()}
            else:
                message = _("%(reason)s This task is not started again automatically.") % {"reason": reason}
        if retry:
            # Back in the queue under the same id; the next claim appends its worker to worker_ids.
            row.status = TaskResultStatus.READY
            row.save(update_fields=["status"])
            if progress is not None:
                TaskProgress.objects.filter(pk=progress.pk).update(status="queued", message=message,
                                                                   updated_at=now)
            logger.warning("task %s (%s): worker %s lost; %s; re-queued as attempt %s of %s",
                           row.id, row.task_path, worker, reason_en, attempts + 1, max_attempts())
            return Recovered(str(row.id), row.task_path, "retried", reason_en)
        row.status = TaskResultStatus.FAILED
        row.finished_at = now
        row.exception_class_path = WORKER_LOST
        row.traceback = f"{reason_en} (worker {worker}, {attempts} attempts)"
        row.return_value = None
        row.save(update_fields=["status", "finished_at", "exception_class_path", "traceback", "return_value"])
        if progress is not None:
            TaskProgress.objects.filter(pk=progress.pk).update(status=INTERRUPTED, message=message, updated_at=now)
        if recovery.on_interrupted is not None:
            recovery.on_interrupted(str(row.id), reason)
        logger.warning("task %s (%s): worker %s lost; %s; given up after %s attempts",
                       row.id, row.task_path, worker, reason_en, attempts)
        return Recovered(str(row.id), row.task_path, "interrupted", reason_en)


# ------------------------------------------------------------------------------------- Retry button

class TaskNotRetryable(Exception):
    pass


def may_retry_task(user, progress: TaskProgress) -> bool:
    """The Retry button: for the user who started the task, while they may still start such a task."""
    if not getattr(user, "is_authenticated", False) or progress.started_by_id != user.pk:
        return False
    if progress.status != INTERRUPTED:
        return False
    row = DBTaskResult.objects.filter(pk=progress.task_id).values_list("task_path", flat=True).first() \
        if _is_uuid(progress.task_id) else None
    if row is None:
        return False
    check = _recovery_for(row).may_retry
    return user.is_superuser or check is None or bool(check(user))


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def do_retry_task(progress: TaskProgress, *, acting_user) -> TaskProgress:
    """Put an interrupted task back in the queue under the same id (one more attempt)."""
    if not may_retry_task(acting_user, progress):
        raise TaskNotRetryable
    with transaction.atomic():
        locked = TaskProgress.objects.select_for_update().get(pk=progress.pk)
        if locked.status != INTERRUPTED:
            raise TaskNotRetryable
        requeued = DBTaskResult.objects.filter(pk=locked.task_id, status=TaskResultStatus.FAILED,
                                               exception_class_path=WORKER_LOST).update(
            status=TaskResultStatus.READY, finished_at=None, exception_class_path="", traceback="")
        if not requeued:
            raise TaskNotRetryable
        before = {"status": locked.status, "message": locked.message, "attempts": locked.attempts}
        locked.status = "queued"
        locked.message = ""
        locked.save(update_fields=["status", "message", "updated_at"])
        record_event(acting_user=acting_user, event_code="core.task_retried", subject=locked, before=before,
                     after={"status": locked.status, "task": locked.label})
    return locked
