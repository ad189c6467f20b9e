"""``cleangov serve`` starts Waitress, serves pages and static files, and stops cleanly on SIGTERM."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, timeout: float = 30) -> bytes:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local test server
                return response.read()
        except OSError as exc:
            last = exc
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer: {last}")


@pytest.fixture
def serve(tmp_path):
    procs = []

    def _start(*extra):
        port = _free_port()
        env = {**os.environ, "CLEANGOV_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
        env.pop("DATABASE_URL", None)  # the server only needs to answer; an empty SQLite file will do
        proc = subprocess.Popen(
            [sys.executable, "-m", "cleangov.cli", "serve", "--port", str(port), "--threads", "2", *extra],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        procs.append(proc)
        return proc, f"http://127.0.0.1:{port}"

    yield _start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_serves_pages_and_static_files_then_stops_on_sigterm(serve):
    proc, base = serve()
    assert _wait_for(f"{base}/healthz") == b"ok"
    css = _wait_for(f"{base}/static/css/cleangov.css")
    assert b"--brand" in css
    login = _wait_for(f"{base}/accounts/login/").decode()
    assert 'name="username"' in login
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0, out
    assert f"{base}/" in out
    assert "stopped" in out


def test_with_worker_starts_and_stops_the_child(serve):
    proc, base = serve("--with-worker")
    _wait_for(f"{base}/healthz")
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    started = [line for line in out.splitlines() if "worker started" in line]
    assert started, out
    pid = int(started[0].rsplit("pid ", 1)[1].rstrip(").").strip())
    # The serve process reaped its child: no process with that id is left running.
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_bad_port_is_a_usage_error(tmp_path):
    env = {**os.environ, "CLEANGOV_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "cleangov.cli", "serve", "--port", "70000"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 2
    assert "invalid port" in result.stderr


def _status_and_body(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local test server
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_serves_without_debug_by_default(serve):
    """A county server: CleanGov's own 404 without the URL list, static files through WhiteNoise."""
    proc, base = serve()
    _wait_for(f"{base}/healthz")
    status, html = _status_and_body(f"{base}/no-such-page/")
    assert status == 404
    assert "cleangov.css" in html and "django-admin/" not in html and "URLconf" not in html
    assert b"--brand" in _wait_for(f"{base}/static/css/cleangov.css")
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=20)
    assert "production settings" in out


def test_debug_flag_turns_on_debug_pages(serve):
    proc, base = serve("--debug")
    _wait_for(f"{base}/healthz")
    status, html = _status_and_body(f"{base}/no-such-page/")
    assert status == 404 and "django-admin/" in html  # Django's technical 404 lists the URL patterns
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=20)
    assert "debug settings" in out


def _pid_in(line: str) -> int:
    return int(line.rsplit("pid ", 1)[1].split(")")[0])


@pytest.mark.django_db(transaction=True)
def test_with_worker_starts_a_killed_worker_again_and_stops_it_with_the_server(tmp_path):
    from tests.deadlines.helpers import env_for_test_database

    port = _free_port()
    # The test database is migrated, so the worker stays up until it is killed.
    env = {**env_for_test_database(), "CLEANGOV_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cleangov.cli", "serve", "--port", str(port), "--threads", "2", "--with-worker"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()

    def started_pids():
        return [_pid_in(line) for line in list(lines) if "worker started" in line]

    def wait(predicate, what):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        raise AssertionError(f"{what}: {''.join(lines)}")

    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz")
        wait(lambda: started_pids(), "first worker")
        first = started_pids()[0]
        time.sleep(1)
        assert proc.poll() is None
        os.kill(first, signal.SIGKILL)
        wait(lambda: len(started_pids()) == 2, "a second worker")
        second = started_pids()[1]
        assert second != first
        logged = [line for line in lines if f"(pid {first}) exited with code -9" in line]
        assert logged and "starting it again in 1 s" in logged[0], "".join(lines)
        os.kill(second, 0)  # running
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    reader.join(timeout=5)
    assert proc.returncode == 0, "".join(lines)
    assert f"Background worker stopped (pid {second})" in "".join(lines)
    with pytest.raises(ProcessLookupError):
        os.kill(second, 0)


@pytest.mark.parametrize(("previous", "ran_for", "expected"), [
    (None, 0.1, 1), (1, 0.1, 2), (2, 3, 4), (4, 5, 8), (32, 1, 60), (60, 1, 60),
    (60, 61, 1), (8, 60, 1),  # a worker that ran a minute resets the back-off
])
def test_restart_back_off_doubles_to_a_minute_and_resets_after_a_long_run(previous, ran_for, expected):
    from cleangov.core.supervisor import next_backoff

    assert next_backoff(previous, ran_for) == expected


def test_a_body_past_the_largest_upload_is_refused_before_it_is_read(serve):
    """Waitress answers 413 to a body over CLEANGOV_MAX_REQUEST_BYTES instead of spooling it to disk."""
    _proc, base = serve()
    _wait_for(f"{base}/healthz")
    port = int(base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                     b"Content-Length: 200000000\r\n\r\n" + b"x" * 65536)
        answer = conn.recv(4096).decode("latin-1")
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert _wait_for(f"{base}/healthz") == b"ok"  # and the server goes on serving
