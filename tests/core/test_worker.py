"""Background tasks through a REAL ``cleangov worker`` process on the test database: the audit-trail
verification with its progress row, the periodic deadline tick, and the schedule shared by workers.
Also the progress helpers the tasks use."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cleangov.core.models import Notification, PeriodicSchedule, TaskProgress
from cleangov.core.periodic import periodic_jobs, schedule_job, schedule_periodic_jobs
from cleangov.core.progress import ProgressReporter, ProgressStatus, create_progress, get_progress
from cleangov.core.tasks import start_verify_trail
from cleangov.deadlines.api import create_deadline
from cleangov.deadlines.choices import DeadlineStatusChoices
from cleangov.deadlines.tasks import TICK_SCHEDULE_NAME
from tests.deadlines.helpers import env_for_test_database, run_cleangov


def run_worker(*extra):
    result = run_cleangov("worker", "--once", "--no-startup-delay", "--no-reload", *extra,
                          env=env_for_test_database())
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.mark.django_db(transaction=True)
def test_worker_runs_verification_and_the_deadline_tick(county):
    today = timezone.localdate()
    deadline = create_deadline(county.villages["a"], "disclosure.quarterly_financial", due_date=today - timedelta(10),
                               unit=county.villages["a"], assignee=county.persona("village_secretary"),
                               acting_user=None, title="第三季度财务公开")
    progress = start_verify_trail(county.persona("county_commission"))
    assert progress.status == ProgressStatus.QUEUED and progress.percent == 0
    assert DBTaskResult.objects.filter(id=progress.task_id, status="READY").exists()

    run_worker()

    progress.refresh_from_db()
    assert progress.status == ProgressStatus.SUCCEEDED, progress.message
    assert progress.total > 100 and progress.done == progress.total and progress.percent == 100
    assert f"{progress.total}" in progress.message
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatusChoices.OVERDUE
    assignee = county.persona("village_secretary")
    assert Notification.objects.filter(recipient=assignee, kind="deadline.overdue").count() == 1
    assert Notification.objects.filter(kind="deadline.escalated").count() == 2
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    schedule = PeriodicSchedule.objects.get(name=TICK_SCHEDULE_NAME)
    assert schedule.next_run_at > timezone.now() + timedelta(minutes=50)  # default period: one hour
    tick_result = DBTaskResult.objects.get(id=schedule.last_task_id)
    assert tick_result.return_value["marked_overdue"] == 1

    # A second worker pass within the period enqueues no tick and notifies nobody again.
    tasks = DBTaskResult.objects.count()
    run_worker()
    assert DBTaskResult.objects.count() == tasks
    assert Notification.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_worker_reports_a_broken_trail_as_failed_progress(county):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET subject_repr = %s WHERE seq = %s", ["篡改", 5])
    progress = start_verify_trail(county.persona("county_commission"))
    run_worker("--tick-seconds", "0")
    progress.refresh_from_db()
    assert progress.status == ProgressStatus.FAILED
    assert "#5" in progress.message and "edited" in progress.message
    assert progress.done == 4
    assert not PeriodicSchedule.objects.exists()  # --tick-seconds 0: this worker does not tick


@pytest.mark.django_db
def test_only_the_commission_and_administrators_start_a_verification(county):
    for role in ("township_discipline", "village_secretary", "auditor"):
        with pytest.raises(PermissionDenied):
            start_verify_trail(county.persona(role))
    assert not TaskProgress.objects.exists()


@pytest.mark.django_db
def test_schedule_enqueues_once_per_period():
    tick = next(job for job in periodic_jobs() if job.name == TICK_SCHEDULE_NAME)
    now = timezone.now()
    first = schedule_job(tick, every_seconds=600, now=now)
    assert first is not None
    assert schedule_job(tick, every_seconds=600, now=now + timedelta(seconds=599)) is None
    second = schedule_job(tick, every_seconds=600, now=now + timedelta(seconds=600))
    assert second not in (None, first)
    assert DBTaskResult.objects.filter(task_path="cleangov.deadlines.tasks.tick_deadlines_task").count() == 2


@pytest.mark.django_db(transaction=True)
def test_work_somebody_waits_for_is_taken_before_periodic_jobs_queued_ahead_of_it(county):
    periodic = schedule_periodic_jobs(every_seconds=600)
    assert len(periodic) == len(periodic_jobs())
    progress = start_verify_trail(county.persona("county_commission"))

    run_worker("--max-tasks", "1", "--tick-seconds", "0")

    assert DBTaskResult.objects.get(id=progress.task_id).status == "SUCCESSFUL"
    assert set(DBTaskResult.objects.filter(id__in=periodic).values_list("status", flat=True)) == {"READY"}


@pytest.mark.django_db
def test_progress_reporter_lifecycle():
    create_progress(task_id="t-1", label="导入", total=0)
    with ProgressReporter("t-1", min_interval=3600) as report:
        report.set_total(10)
        report.advance(3)  # throttled: not written yet
        assert get_progress("t-1").done == 0
        report.flush("三成")
        row = get_progress("t-1")
        assert (row.status, row.done, row.total, row.message, row.percent) == ("running", 3, 10, "三成", 30)
        report.advance(7)
    row = get_progress("t-1")
    assert (row.status, row.done, row.percent) == ("succeeded", 10, 100)


@pytest.mark.django_db
def test_progress_reporter_marks_failure_and_reraises():
    with pytest.raises(ZeroDivisionError), ProgressReporter("t-2", label="坏任务"):
        1 / 0  # noqa: B018
    row = get_progress("t-2")
    assert row.status == "failed" and row.message.startswith("ZeroDivisionError")
    assert row.label == "坏任务"


@pytest.mark.django_db
def test_create_progress_keeps_a_row_the_task_already_started():
    ProgressReporter("t-3").start(total=5)
    row = create_progress(task_id="t-3", label="late label")
    assert row.status == "running" and row.label == "late label" and row.total == 5


def test_worker_help_documents_exit_codes():
    result = run_cleangov("worker", "--help")
    assert result.returncode == 0
    assert "--once" in result.stdout and "exit codes:" in result.stdout and "--tick-seconds" in result.stdout

