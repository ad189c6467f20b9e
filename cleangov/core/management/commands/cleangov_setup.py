"""``cleangov setup``: create or upgrade the database and load reference data. Safe to run again.

Steps: apply migrations, then run every app's setup hook (the compiled translation catalogs are
committed and checked current by ``make lint``, so nothing is compiled here). An app takes part by
shipping ``cleangov/<app>/setup_data.py`` with ``run(stdout) -> None``; each hook must be
idempotent (orgs loads the rank mappings, other apps may load calendars, catalogs, ...).
"""

from __future__ import annotations

import importlib
import time

from django.apps import apps
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


class Command(BaseCommand):
    help = "Create or upgrade the database, and load reference data (idempotent)."

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            connection.ensure_connection()
        except OperationalError as exc:
            raise CommandError(f"database not reachable: {exc}", returncode=3) from exc
        self.stdout.write(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        call_command("migrate", interactive=False, verbosity=0, stdout=self.stdout)
        self.stdout.write("migrations: applied")
        for label, run in setup_hooks():
            self.stdout.write(f"{label}: ", ending="")
            run(self.stdout)
        self.stdout.write(f"setup done in {time.monotonic() - started:.1f} s")
