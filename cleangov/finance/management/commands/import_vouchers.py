"""``cleangov import-vouchers FILE --unit CODE``: import one voucher file (CSV or XLSX) as a batch.

The same steps as a web upload: every row checked (the report names row, column, value and reason),
the batch written in one transaction (an interrupted import leaves nothing; run it again), then an
audit of the batch's units (``--no-audit`` to skip it). Exit 0 imported, 2 refused (nothing written),
1 imported but its audit failed (the reason in words; the detail is kept on the run).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from tqdm import tqdm

from cleangov.finance.access import import_units
from cleangov.finance.actions import do_create_audit_run, do_fail_audit_run, execute_audit_run, failure_of
from cleangov.finance.choices import AuditRunTriggerChoices, ImportBatchSourceChoices
from cleangov.finance.imports import ImportRefused, import_file
from cleangov.finance.models import ImportBatch
from cleangov.orgs.models import Unit


class Command(BaseCommand):
    help = "Import a voucher file (CSV or XLSX, canonical or Chinese headers) as an immutable batch, then audit it."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--unit", required=True, metavar="CODE",
                            help="the unit whose books these are; a township covers all its villages")
        parser.add_argument("--user", help="username recorded as the importer; their import scope is enforced")
        parser.add_argument("--skip-invalid", action="store_true", help="skip invalid rows (reported) instead of "
                                                                        "refusing the file")
        parser.add_argument("--supersedes", type=int, metavar="BATCH", help="id of the batch this file corrects")
        parser.add_argument("--mapping", metavar="JSON", help='header → column mapping, e.g. {"单据号": "voucher_no"}')
        parser.add_argument("--no-audit", action="store_true", help="do not audit the batch's units afterwards")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, file, unit, user=None, skip_invalid=False, supersedes=None, mapping=None,
               no_audit=False, quiet=False, **options):
        translation.activate(settings.LANGUAGE_CODE)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {file}", returncode=2)
        scope = Unit.objects.filter(code=unit).first()
        if scope is None:
            raise CommandError(f"unknown unit: {unit}", returncode=2)
        acting_user, allowed = None, None
        if user:
            acting_user = get_user_model().objects.filter(username=user).first()
            if acting_user is None:
                raise CommandError(f"no such user: {user}", returncode=2)
            allowed = import_units(acting_user)
            if not allowed.filter(pk=scope.pk).exists():
                raise CommandError(f"unit {unit} is outside the import scope of {user}", returncode=2)
        old = None
        if supersedes:
            old = ImportBatch.objects.filter(pk=supersedes).first()
            if old is None:
                raise CommandError(f"no such batch: {supersedes}", returncode=2)
        try:
            columns = json.loads(mapping) if mapping else None
        except ValueError as exc:
            raise CommandError(f"--mapping is not JSON: {exc}", returncode=2) from exc
        with tqdm(unit="line", disable=quiet, file=self.stderr._out, desc="import", leave=False) as bar:
            def total(n):
                bar.total = n
                bar.refresh()

            try:
                batch = import_file(path, file_name=path.name, scope_unit=scope, acting_user=acting_user,
                                    source=ImportBatchSourceChoices.CLI, mapping=columns, skip_invalid=skip_invalid,
                                    supersedes=old, allowed_units=allowed, on_total=total, on_rows=bar.update)
            except ImportRefused as exc:
                for e in exc.errors[:1000]:
                    self.stdout.write(f"input error: {e}")
                if exc.total > 1000:
                    self.stdout.write(f"... and {exc.total - 1000} more")
                raise CommandError(f"nothing imported: {exc.message}", returncode=2) from exc
        self.stdout.write(f"imported batch #{batch.pk}: {batch.rows_imported} lines "
                          f"({batch.rows_skipped} skipped), {batch.period_start} – {batch.period_end}, "
                          f"sha256 {batch.sha256}")
        if no_audit:
            return
        run = do_create_audit_run(acting_user=acting_user, scope_unit=scope, trigger=AuditRunTriggerChoices.IMPORT,
                                  unit_ids=batch.units.values_list("unit_id", flat=True), batch=batch)
        with tqdm(total=40, unit="step", disable=quiet, file=self.stderr._out, desc="audit", leave=False) as bar:
            try:
                run = execute_audit_run(run, acting_user=acting_user, progress=lambda _s: bar.update(1))
            except Exception as exc:
                # the batch is imported; the audit says why it failed in words, the detail is on the run
                run = do_fail_audit_run(run, acting_user=acting_user, message=f"{type(exc).__name__}: {exc}",
                                        failure=failure_of(exc))
                raise CommandError(f"batch #{batch.pk} imported; audit run #{run.pk} failed: "
                                   f"{run.get_failure_display()}", returncode=1) from exc
        self.stdout.write(f"audit run #{run.pk}: {run.findings_total} findings ({run.findings_new} new) "
                          f"in {run.lines} lines")
