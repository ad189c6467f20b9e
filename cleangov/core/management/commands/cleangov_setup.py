"""``cleangov setup``: create or upgrade the database and load reference data. Safe to run again.

Steps: apply migrations, then run every app's setup hook (the compiled translation catalogs are
committed and checked current by ``make lint``, so nothing is compiled here). An app takes part by
declaring ``setup=run`` (``run(stdout) -> None``) in its ``AppDeclaration``; each step must be
idempotent (orgs loads the rank mappings, other apps may load calendars, catalogs, ...).
"""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.utils import OperationalError

from cleangov.core.declarations import declarations


def setup_hooks():
    """(app label, run function) for every CleanGov app that declares a setup step, in app order."""
    return [(label, declaration.setup) for label, declaration in declarations() if declaration.setup is not None]


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
