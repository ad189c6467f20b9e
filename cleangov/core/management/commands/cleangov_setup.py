"""``cleangov setup``: create or upgrade the database and load reference data. Safe to run again.

Steps: apply migrations; compile translation catalogs whose .mo is missing or older than the .po
(when GNU gettext's msgfmt is installed); then run every app's setup hook. An app takes part by
shipping ``cleangov/<app>/setup_data.py`` with ``run(stdout) -> None``; each hook must be
idempotent (orgs loads the rank mappings, other apps may load calendars, catalogs, ...).
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.utils import OperationalError


def setup_hooks():
    """(app label, run function) for every CleanGov app with a ``setup_data`` module, in app order."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("cleangov."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.setup_data")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.setup_data":
                raise
            continue
        found.append((config.label, module.run))
    return found


def stale_catalogs() -> list[Path]:
    dirs = [Path(p) for p in settings.LOCALE_PATHS]
    dirs += [Path(c.path) / "locale" for c in apps.get_app_configs() if c.name.startswith("cleangov.")]
    out = []
    for base in dirs:
        if not base.is_dir():
            continue
        for po in sorted(base.glob("*/LC_MESSAGES/*.po")):
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                out.append(po)
    return out


class Command(BaseCommand):
    help = "Create or upgrade the database, compile translations and load reference data (idempotent)."

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            connection.ensure_connection()
        except OperationalError as exc:
            raise CommandError(f"database not reachable: {exc}", returncode=3) from exc
        self.stdout.write(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        call_command("migrate", interactive=False, verbosity=0, stdout=self.stdout)
        self.stdout.write("migrations: applied")
        self._compile_catalogs()
        for label, run in setup_hooks():
            self.stdout.write(f"{label}: ", ending="")
            run(self.stdout)
        self.stdout.write(f"setup done in {time.monotonic() - started:.1f} s")

    def _compile_catalogs(self) -> None:
        stale = stale_catalogs()
        if not stale:
            self.stdout.write("translations: up to date")
            return
        msgfmt = shutil.which("msgfmt")
        if msgfmt is None:
            self.stdout.write(f"translations: {len(stale)} catalog(s) not compiled (install gettext for msgfmt)")
            return
        for po in stale:
            subprocess.run([msgfmt, "--check-format", "-o", str(po.with_suffix(".mo")), str(po)], check=True)  # noqa: S603
        self.stdout.write(f"translations: {len(stale)} catalog(s) compiled")
