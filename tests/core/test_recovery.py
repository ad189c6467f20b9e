"""A worker killed with ``kill -9`` in the middle of an import or an audit: REAL ``cleangov worker``
processes on the test database. Another worker notices within the lease and either runs the task
again to the end (the result equals one uninterrupted run: no duplicate lines, findings or events)
or, out of attempts, marks it interrupted with the step it stopped at; the starter presses Retry."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import sqlite3
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cleangov.core.models import AuditEvent, TaskProgress, WorkerHeartbeat
from cleangov.core.progress import create_progress
from cleangov.core.recovery import (
    WORKER_LOST,
    TaskNotRetryable,
    dead_task_ids,
    do_retry_task,
    recover_dead_tasks,
)
from cleangov.core.tasks import verify_trail_task
from cleangov.finance.choices import AuditRunStatusChoices, AuditRunTriggerChoices
from cleangov.finance.models import AuditRun, Finding, FindingEvent, ImportBatch, StagedUpload, VoucherLine
from cleangov.finance.tasks import import_vouchers_task, start_audit_run
from tests.deadlines.helpers import cleangov_executable, env_for_test_database
from tests.finance.helpers import audit, import_rows
from tests.support.finance import csv_bytes, sample_rows

LEASE = 2  # seconds; the default is 120


@pytest.fixture
def workers(tmp_path):
    """Start real ``cleangov worker`` processes; every one still running is killed at the end."""
    started: list[subprocess.Popen] = []

    def start(*, step_delay: float = 0, max_attempts: int = 3) -> subprocess.Popen:
        env = env_for_test_database()
        env.update({"CLEANGOV_TASK_LEASE_SECONDS": str(LEASE), "CLEANGOV_TASK_STEP_DELAY": str(step_delay),
                    "CLEANGOV_TASK_MAX_ATTEMPTS": str(max_attempts), "PYTHONUNBUFFERED": "1"})
        log = (tmp_path / f"worker-{len(started)}.log").open("w")
        proc = subprocess.Popen([*cleangov_executable(), "worker", "--no-startup-delay", "--no-reload",
                                 "--interval", "0.2", "--tick-seconds", "0"],
                                env=env, stdout=log, stderr=subprocess.STDOUT)
        proc.log_path = log.name
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def kill9(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=10) == -signal.SIGKILL


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)


def wait_for(predicate, *, timeout: float = 90, what: str = "", proc=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    log = Path(proc.log_path).read_text() if proc is not None else ""
    raise AssertionError(f"timed out waiting for {what}\n{log}")


def progress_of(task_id) -> TaskProgress:
    return TaskProgress.objects.get(task_id=str(task_id))


def worker_holds_a_transaction() -> bool:
    """True while some other connection has a write transaction open (the import's, here)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND state LIKE 'idle in transaction%%' AND pid <> pg_backend_pid()")
            return cursor.fetchone()[0] > 0
    probe = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True
    else:
        probe.execute("ROLLBACK")
        return False
    finally:
        probe.close()


def held_three_times() -> bool:
    # Three probes in a row, so a heartbeat's brief write is not mistaken for the import's transaction.
    for _ in range(3):
        if not worker_holds_a_transaction():
            return False
        time.sleep(0.2)
    return True


def findings_of(run: AuditRun) -> set:
    return set(Finding.objects.filter(last_run=run, current=True).values_list("fingerprint", "rule", "unit_id"))


def assert_equals_a_clean_run(run: AuditRun) -> None:
    """An uninterrupted run of the same scope afterwards finds exactly the same findings, none new."""
    run.refresh_from_db()
    recovered = set(Finding.objects.filter(first_run=run).values_list("fingerprint", "rule", "unit_id"))
    clean = audit(run.scope_unit)
    assert (clean.findings_total, clean.findings_new) == (run.findings_total, 0)
    assert findings_of(clean) == recovered and len(recovered) == run.findings_total > 0
    # One history entry per finding, one "finished" event per run: nothing was written twice.
    assert FindingEvent.objects.filter(kind="found").count() == Finding.objects.count()
    assert AuditEvent.objects.filter(event_code="finance.audit_run_finished", subject_id=str(run.pk)).count() == 1


def county_with_vouchers(county, tmp_path):
    for side, start in (("a", 1), ("b", 101)):
        import_rows(county, tmp_path, sample_rows(county.villages[side].code, start_no=start), name=f"{side}.csv",
                    user=county.persona("accountant", side), scope=county.townships[side])


def start_county_audit(county):
    user = county.persona("county_commission")
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    run = start_audit_run(acting_user=user, scope_unit=county.county, trigger=AuditRunTriggerChoices.MANUAL)
    return run, user


# ------------------------------------------------------------------------ real workers, kill -9

@pytest.mark.django_db(transaction=True)
def test_audit_whose_worker_was_killed_is_retried_to_the_same_findings(county, tmp_path, workers):
    county_with_vouchers(county, tmp_path)
    run, _user = start_county_audit(county)
    first = workers(step_delay=0.4)
    wait_for(lambda: progress_of(run.task_id).done >= 5, what="the audit to reach step 6", proc=first)
    kill9(first)
    killed_at = time.monotonic()
    assert DBTaskResult.objects.get(id=run.task_id).status == "RUNNING"
    assert progress_of(run.task_id).status == "running"
    assert not Finding.objects.exists()  # findings are stored in one transaction at the end

    second = workers()
    wait_for(lambda: progress_of(run.task_id).status == "succeeded", what="the retried audit", proc=second)
    # Noticed within the lease (plus the poll interval and the second worker's start-up).
    assert time.monotonic() - killed_at < LEASE + 60
    stop(second)

    progress = progress_of(run.task_id)
    assert progress.attempts == 2 and progress.done == progress.total
    result = DBTaskResult.objects.get(id=run.task_id)
    assert result.status == "SUCCESSFUL" and len(result.worker_ids) == 2
    assert result.worker_ids[0] != result.worker_ids[1]
    run.refresh_from_db()
    assert run.status == AuditRunStatusChoices.SUCCEEDED
    assert_equals_a_clean_run(run)
    assert not WorkerHeartbeat.objects.filter(seen_at__gte=timezone.now() - timedelta(seconds=LEASE)).exists()


@pytest.mark.django_db(transaction=True)
def test_import_killed_inside_its_transaction_is_rolled_back_then_retried_once(county, tmp_path, workers):
    accountant = county.persona("accountant")
    data = csv_bytes(sample_rows(county.villages["a"].code))
    path = tmp_path / "upload.csv"
    path.write_bytes(data)
    staged = StagedUpload.objects.create(owner=accountant, unit=county.townships["a"], file_name="v.csv",
                                         path=str(path), sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    with transaction.atomic():
        result = import_vouchers_task.enqueue(staged.pk, False, None)
        create_progress(task_id=result.id, label="import", started_by=accountant)

    # The one progress step of a six-line import comes after its lines are inserted, inside the
    # batch's transaction: the worker sleeps there, holding it open.
    first = workers(step_delay=30)
    wait_for(lambda: progress_of(result.id).total == 6, what="the import to read its file", proc=first)
    wait_for(held_three_times, what="the import's transaction", proc=first)
    kill9(first)
    # The database rolled the batch back: no batch, no line, no event; the upload is still staged.
    assert not ImportBatch.objects.exists() and not VoucherLine.objects.exists()
    assert not AuditEvent.objects.filter(event_code="finance.batch_imported").exists()
    assert StagedUpload.objects.filter(pk=staged.pk).exists()

    second = workers()
    wait_for(lambda: progress_of(result.id).status == "succeeded", what="the retried import", proc=second)
    batch = ImportBatch.objects.get()
    run = wait_for(lambda: AuditRun.objects.filter(batch=batch, status="succeeded").first(),
                   what="the batch's audit", proc=second)
    stop(second)

    assert progress_of(result.id).attempts == 2
    assert batch.rows_imported == 6 and VoucherLine.objects.count() == 6
    assert sorted(VoucherLine.objects.values_list("line_id", flat=True)) == [f"L{n}" for n in range(1, 7)]
    assert AuditEvent.objects.filter(event_code="finance.batch_imported").count() == 1
    assert AuditRun.objects.count() == 1 and not StagedUpload.objects.exists()
    assert_equals_a_clean_run(run)


@pytest.mark.django_db(transaction=True)
def test_out_of_attempts_the_task_is_interrupted_with_its_step_and_the_starter_retries_it(
        county, tmp_path, workers, client):
    county_with_vouchers(county, tmp_path)
    run, user = start_county_audit(county)
    first = workers(step_delay=0.4)
    seen = wait_for(lambda: progress_of(run.task_id).done >= 8 and progress_of(run.task_id).done,
                    what="the audit to reach step 9", proc=first)
    kill9(first)

    second = workers(max_attempts=1)
    wait_for(lambda: progress_of(run.task_id).status == "interrupted", what="the interruption", proc=second)
    progress = progress_of(run.task_id)
    step, total = map(int, re.search(r"during step (\d+) of (\d+)\.", progress.message).groups())
    assert total == progress.total > 9 and step == progress.done + 1 and step > seen
    result = DBTaskResult.objects.get(id=run.task_id)
    assert result.status == "FAILED" and result.exception_class_path == WORKER_LOST
    assert f"step {step} of {total}" in result.traceback
    run.refresh_from_db()
    assert run.status == AuditRunStatusChoices.FAILED and f"step {step} of {total}" in run.message
    # The page says so and offers Retry to the starter; nobody else sees the task at all.
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("core:task_progress", args=[run.task_id]), HTTP_HX_REQUEST="true").content.decode()
    assert "Interrupted" in page and f"during step {step} of {total}" in page
    assert reverse("core:task_retry", args=[run.task_id]) in page and "hx-trigger" not in page

    response = client.post(reverse("core:task_retry", args=[run.task_id]))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(event_code="core.task_retried", actor=user).count() == 1
    wait_for(lambda: progress_of(run.task_id).status == "succeeded", what="the retried audit", proc=second)
    stop(second)
    assert progress_of(run.task_id).attempts == 2
    assert_equals_a_clean_run(run)


@pytest.mark.django_db(transaction=True)
def test_a_live_worker_in_a_task_longer_than_the_lease_is_left_alone(county, tmp_path, workers):
    county_with_vouchers(county, tmp_path)
    run, _user = start_county_audit(county)
    busy = workers(step_delay=0.4)  # 14 steps: about three leases
    wait_for(lambda: progress_of(run.task_id).status == "running", what="the audit to start", proc=busy)
    watcher = workers()  # looks for dead workers' tasks five times a second meanwhile
    wait_for(lambda: progress_of(run.task_id).status == "succeeded", what="the audit", proc=busy)
    stop(busy)
    stop(watcher)
    result = DBTaskResult.objects.get(id=run.task_id)
    assert (result.finished_at - result.started_at).total_seconds() > 2 * LEASE
    assert progress_of(run.task_id).attempts == 1 and len(result.worker_ids) == 1
    assert "retried" not in Path(watcher.log_path).read_text()


# ------------------------------------------------------------------------------- in one process

def _running(worker_id: str, *, started_ago: float):
    result = verify_trail_task.enqueue()
    DBTaskResult.objects.filter(id=result.id).update(
        status="RUNNING", worker_ids=[worker_id], started_at=timezone.now() - timedelta(seconds=started_ago))
    return str(result.id)


def _seen(worker_id: str, ago: float) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id=worker_id, started_at=now - timedelta(hours=1),
                                   seen_at=now - timedelta(seconds=ago))


@pytest.mark.django_db
def test_dead_means_claimed_by_a_worker_unseen_for_the_lease(settings):
    settings.CLEANGOV_TASK_LEASE_SECONDS = 120
    _seen("alive", 30)
    _seen("gone", 121)
    cases = {
        # (worker, claimed seconds ago) → dead?
        ("alive", 600): False,
        ("gone", 600): True,
        ("never-seen", 600): True,
        ("never-seen", 60): False,  # claimed under a lease ago: not judged yet
    }
    ids = {case: _running(case[0], started_ago=case[1]) for case in cases}
    dead = set(dead_task_ids())
    assert {case: ids[case] in dead for case in cases} == cases


@pytest.mark.django_db
def test_a_task_not_declared_idempotent_is_given_up_at_once(settings, county):
    from cleangov.assessment.tasks import compute_assessment_task

    settings.CLEANGOV_TASK_LEASE_SECONDS = 120
    result = compute_assessment_task.enqueue(framework_version_id=1, year=2025, scope_unit_id=1, selection="all")
    DBTaskResult.objects.filter(id=result.id).update(status="RUNNING", worker_ids=["gone"],
                                                     started_at=timezone.now() - timedelta(minutes=5))
    create_progress(task_id=result.id, label="assessment", started_by=county.persona("county_commission"))
    [outcome] = recover_dead_tasks()
    assert outcome.outcome == "interrupted"
    assert DBTaskResult.objects.get(id=result.id).status == "FAILED"
    assert progress_of(result.id).status == "interrupted"


@pytest.mark.django_db
def test_only_the_starter_retries_and_only_an_interrupted_task(settings, county, login):
    settings.CLEANGOV_TASK_LEASE_SECONDS = 120
    settings.CLEANGOV_TASK_MAX_ATTEMPTS = 1
    starter = county.persona("county_commission")
    task_id = _running("gone", started_ago=600)
    create_progress(task_id=task_id, label="verify", started_by=starter)
    with pytest.raises(TaskNotRetryable):  # still running
        do_retry_task(progress_of(task_id), acting_user=starter)
    recover_dead_tasks()
    progress = progress_of(task_id)
    assert progress.status == "interrupted"
    with pytest.raises(TaskNotRetryable):
        do_retry_task(progress, acting_user=county.persona("village_secretary"))
    other = login(county.persona("village_secretary"))
    assert other.post(reverse("core:task_retry", args=[task_id])).status_code == 404
    assert DBTaskResult.objects.get(id=task_id).status == "FAILED"

    client = login(starter)
    assert client.get(reverse("core:task_retry", args=[task_id])).status_code == 405
    assert client.post(reverse("core:task_retry", args=[task_id])).status_code == 302
    assert DBTaskResult.objects.get(id=task_id).status == "READY"
    assert progress_of(task_id).status == "queued"
    event = AuditEvent.objects.get(event_code="core.task_retried")
    assert event.actor == starter and event.before["status"] == "interrupted"
    # A second press finds nothing to retry.
    response = client.post(reverse("core:task_retry", args=[task_id]), follow=True)
    assert "cannot be retried" in response.content.decode() or "无法重试" in response.content.decode()
    assert AuditEvent.objects.filter(event_code="core.task_retried").count() == 1


@pytest.mark.django_db
def test_retries_after_the_commit_only_finish_the_remaining_steps(county, tmp_path):
    """The other side of the import's transaction: a worker lost after the batch committed (or after
    its audit run was started, or after the findings were stored) leaves nothing to write twice."""
    from django_tasks_db.compat import TaskContext

    from cleangov.finance.tasks import audit_run_task, import_file

    accountant = county.persona("accountant")
    data = csv_bytes(sample_rows(county.villages["a"].code))
    path = tmp_path / "upload.csv"
    path.write_bytes(data)
    staged = StagedUpload.objects.create(owner=accountant, unit=county.townships["a"], file_name="v.csv",
                                         path=str(path), sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    result = import_vouchers_task.enqueue(staged.pk, False, None)
    create_progress(task_id=result.id, label="import", started_by=accountant)
    # The lost attempt got as far as committing the batch.
    import_file(path, file_name="v.csv", scope_unit=county.townships["a"], acting_user=accountant, source="web",
                task_id=str(result.id))
    context = TaskContext(task_result=result)
    for _attempt in range(2):  # the retry, then a retry of a retry that had started the audit run
        returned = import_vouchers_task.call(context, staged.pk, False, None)
        assert returned["batch"] == ImportBatch.objects.get().pk
        assert progress_of(result.id).status == "succeeded"
    assert AuditEvent.objects.filter(event_code="finance.batch_imported").count() == 1
    assert VoucherLine.objects.count() == 6 and not StagedUpload.objects.exists()
    run = AuditRun.objects.get()
    assert returned["run"] == run.pk

    audit_context = TaskContext(task_result=DBTaskResult.objects.get(id=run.task_id).task_result)
    first = audit_run_task.call(audit_context, run.pk)
    again = audit_run_task.call(audit_context, run.pk)  # a retry after the findings were stored
    assert again == first and first["findings"] > 0
    assert AuditEvent.objects.filter(event_code="finance.audit_run_finished").count() == 1
    assert FindingEvent.objects.filter(kind="found").count() == Finding.objects.count() == first["findings"]
