"""Running the real ``cleangov`` console script in a subprocess, against a chosen database."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def cleangov_executable() -> list[str]:
    script = Path(sys.executable).parent / "cleangov"
    if script.exists():
        return [str(script)]
    found = shutil.which("cleangov")
    return [found] if found else [sys.executable, "-m", "cleangov.cli"]


def env_for_test_database() -> dict[str, str]:
    """Environment under which a subprocess opens the test database pytest-django created."""
    from django.db import connection

    env = os.environ.copy()
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        env.pop("DATABASE_URL", None)
        env["CLEANGOV_SQLITE_PATH"] = str(name)
    else:
        url = urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(url._replace(path="/" + name))
    return env


def env_for_empty_database(tmp_path) -> dict[str, str]:
    """A fresh, never-migrated SQLite file: what a new install has before ``cleangov setup``."""
    env = os.environ.copy()
    env.pop("DATABASE_URL", None)
    env["CLEANGOV_SQLITE_PATH"] = str(tmp_path / "unmigrated.sqlite3")
    return env


def run_cleangov(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*cleangov_executable(), *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
