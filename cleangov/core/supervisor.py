"""The background worker as a child of ``cleangov serve --with-worker``, started again when it dies.

A worker that crashes or is killed is started again after a back-off that doubles from one second up
to a minute (so a worker that dies at once, e.g. on a database that is down, does not spin), and
falls back to one second once a worker has run for a minute. The tasks the dead worker was running
are recovered by the live workers (cleangov.core.recovery). Stopping the supervisor stops the child
and starts no other.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence

INITIAL_BACKOFF = 1.0
MAX_BACKOFF = 60.0
STABLE_AFTER = 60.0  # seconds a worker must run before the back-off starts again from INITIAL_BACKOFF


def next_backoff(previous: float | None, ran_for: float, *, initial: float = INITIAL_BACKOFF,
                 maximum: float = MAX_BACKOFF, stable_after: float = STABLE_AFTER) -> float:
    """Seconds to wait before starting the next worker: 1, 2, 4 … 60, or 1 again after a long run."""
    if previous is None or ran_for >= stable_after:
        return initial
    return min(previous * 2, maximum)


class WorkerSupervisor:
    def __init__(self, *, say: Callable[[str], None], warn: Callable[[str], None],
                 command: Sequence[str] | None = None, initial: float = INITIAL_BACKOFF,
                 maximum: float = MAX_BACKOFF, stable_after: float = STABLE_AFTER):
        # Started through the CLI module, the same way an operator would start it by hand.
        self.command = list(command or [sys.executable, "-m", "cleangov.cli", "worker"])
        self.say, self.warn = say, warn
        self.initial, self.maximum, self.stable_after = initial, maximum, stable_after
        self.process: subprocess.Popen | None = None
        self.restarts = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._started_at = 0.0
        self._thread: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self) -> WorkerSupervisor:
        with self._lock:
            self._spawn()
        self._thread = threading.Thread(target=self._watch, name="worker-supervisor", daemon=True)
        self._thread.start()
        return self

    def _spawn(self) -> None:
        self.process = subprocess.Popen(self.command)  # noqa: S603 - our own CLI, no user input
        self._started_at = time.monotonic()
        self.say(f"Background worker started (pid {self.process.pid}).")

    def _watch(self) -> None:
        backoff = None
        while True:
            process = self.process
            code = process.wait()
            if self._stopping.is_set():
                return
            backoff = next_backoff(backoff, time.monotonic() - self._started_at, initial=self.initial,
                                   maximum=self.maximum, stable_after=self.stable_after)
            self.warn(f"Background worker (pid {process.pid}) exited with code {code}; "
                      f"starting it again in {backoff:g} s.")
            if self._stopping.wait(backoff):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                self._spawn()
                self.restarts += 1

    def stop(self, timeout: float = 15) -> None:
        """Stop the worker and start no other. SIGTERM lets it finish the task it runs; one still
        running after ``timeout`` is killed, and its task is recovered through the lease."""
        with self._lock:
            self._stopping.set()
            process = self.process
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            self.say(f"Background worker stopped (pid {process.pid}).")
        elif process.returncode not in (0, -signal.SIGTERM):
            self.warn(f"Background worker (pid {process.pid}) had exited with code {process.returncode}.")
        if self._thread is not None:
            self._thread.join(timeout=5)
