"""``cleangov worker``: run background tasks, and enqueue the apps' periodic jobs.

It is django_tasks_db's own worker (same options, same queue, same claiming of tasks) in a loop
that, between passes over the queue, enqueues the periodic jobs the apps declare (the deadline
tick, the record-book checkpoints) when they are due.
"""

from __future__ import annotations

import os
import time

from django.core.management.base import CommandError
from django.db import DatabaseError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from cleangov.core.management.base import HelpFormatter, UsageErrorParser
from cleangov.core.periodic import schedule_periodic_jobs, tick_interval_seconds
from cleangov.core.recovery import Heartbeat, recover_dead_tasks

EPILOG = """\
The periodic jobs (the deadline tick: mark overdue, notify, escalate; the record books' monthly
checkpoints) are enqueued every --tick-seconds (CLEANGOV_TICK_SECONDS, default 3600); several
workers share one schedule row per job, so each period runs each job once. --once processes
what is queued (including the due jobs) and exits: for cron and tests.

exit codes: 0 stopped normally (or --once finished); 1 interrupted during a task;
2 bad usage; 3 database not ready (run 'cleangov setup')
"""


def positive_int(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(DbWorkerCommand):
    help = "Run background tasks (django_tasks_db worker) and enqueue the periodic jobs (deadline tick, ...)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        kwargs.setdefault("epilog", EPILOG)
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = UsageErrorParser
        return parser

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--once", action="store_true",
                            help="process the queued tasks (and the due periodic jobs), then exit; same as --batch")
        parser.add_argument("--tick-seconds", type=positive_int, default=None,
                            help="seconds between periodic jobs such as the deadline tick (default: "
                                 "CLEANGOV_TICK_SECONDS or 3600); 0 disables them in this worker")

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, reload, max_tasks,
               worker_id, exclude_queues, once=False, tick_seconds=None, **options):
        self.configure_logging(verbosity)
        self._verbosity = verbosity
        once = once or batch
        tick_every = tick_interval_seconds() if tick_seconds is None else tick_seconds
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*", returncode=2)
        # Batch mode: each worker.run() drains the ready tasks and returns, so this loop can enqueue
        # the tick between passes without re-implementing the claiming of tasks.
        worker = Worker(queue_names=queue_names, interval=interval, batch=True, backend_name=backend_name,
                        startup_delay=startup_delay and not once, max_tasks=max_tasks, worker_id=worker_id,
                        excluded_queue_names=excluded)

        def loop():
            try:
                self._loop(worker, once=once, interval=interval, tick_every=tick_every, max_tasks=max_tasks)
            except DatabaseError as exc:
                raise CommandError(f"database not ready ({exc}); run 'cleangov setup' first", returncode=3) from exc

        if reload and not once:
            # As upstream: reload on code changes in development (default: DEBUG); the child handles signals.
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(loop)
        else:
            worker.configure_signals()
            loop()

    def _loop(self, worker: Worker, *, once: bool, interval: float, tick_every: int, max_tasks) -> None:
        heartbeat = Heartbeat(worker.worker_id).start()
        try:
            self._passes(worker, once=once, interval=interval, tick_every=tick_every, max_tasks=max_tasks)
        finally:
            heartbeat.stop()

    def _passes(self, worker: Worker, *, once: bool, interval: float, tick_every: int, max_tasks) -> None:
        while worker.running:
            # Tasks whose worker died (no heartbeat within the lease) are re-queued or given up first.
            for item in recover_dead_tasks():
                self.stderr.write(f"task {item.task_id} {item.outcome}: {item.reason}")
            if tick_every:
                for task_id in schedule_periodic_jobs(every_seconds=tick_every):
                    if self._verbosity >= 2:
                        self.stdout.write(f"enqueued periodic job {task_id}")
            worker.run()
            worker.startup_delay = False
            if once or not worker.running:
                return
            if max_tasks is not None and worker._run_tasks >= max_tasks:
                return
            time.sleep(interval)
