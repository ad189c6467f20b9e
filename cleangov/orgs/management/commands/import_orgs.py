"""``cleangov import-orgs FILE [FILE...]``: units, people, posts and relations from CSV or XLSX.

Exit 0 when everything was imported (or would be, with --dry-run), 2 when any file has an error:
then nothing is imported and the full report names file, sheet, row, column and reason.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from tqdm import tqdm

from cleangov.core import uploads
from cleangov.orgs.importing.columns import KINDS
from cleangov.orgs.importing.pipeline import ImportFile, run_import


class Command(BaseCommand):
    help = "Import units, people, posts and relations from CSV (UTF-8 or GBK) or XLSX files."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--kind", choices=KINDS, help="what every file/sheet holds (default: from sheet or file "
                                                          "name, else from the headers)")
        parser.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")
        parser.add_argument("--user", help="username recorded as the actor in the audit trail (default: system)")
        parser.add_argument("--language", default=None,
                            help="language of the report, e.g. zh-hans or en (default: the site language)")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, files, kind=None, dry_run=False, user=None, language=None, quiet=False, **options):
        translation.activate(language or settings.LANGUAGE_CODE)
        acting_user = None
        if user:
            acting_user = get_user_model().objects.filter(username=user).first()
            if acting_user is None:
                raise CommandError(f"no such user: {user}", returncode=2)
        loaded = []
        for name in files:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"no such file: {name}", returncode=2)
            try:
                loaded.append(ImportFile.from_path(path))
            except uploads.ReadError as exc:
                raise CommandError(uploads.refusal(exc), returncode=2) from exc
        with tqdm(unit="row", disable=quiet, file=self.stderr._out, leave=False) as bar:
            try:
                result = run_import(loaded, acting_user=acting_user, kind=kind, dry_run=dry_run, progress=bar.update)
            except ValidationError as exc:  # the database changed between validation and writing
                for message in exc.messages:
                    self.stdout.write(message)
                raise CommandError("nothing imported: the data no longer validates", returncode=2) from exc
        report = result.report
        for line in report.lines():
            self.stdout.write(line)
        counts = ", ".join(f"{k}: {v}" for k, v in result.counts.items())
        if not report.ok:
            raise CommandError(
                f"{len(report.errors)} error(s), {len(report.warnings)} warning(s) in {result.rows_read} rows: "
                "nothing imported", returncode=2)
        if dry_run:
            self.stdout.write(f"dry run, nothing written: would import {counts}")
        elif result.imported:
            self.stdout.write(f"imported {counts} ({len(report.warnings)} warning(s))")
        else:
            self.stdout.write("nothing to import")
