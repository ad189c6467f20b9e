"""``cleangov verify-ledger UNIT [--export FILE] [--checkpoints FILE]``.

* ``--export FILE --checkpoints FILE``: fully offline, no database: the export against the published
  checkpoints document (the JSON of /ledgers/checkpoints/<unit>.json).
* ``--export FILE``: the export against the checkpoints published by this installation.
* neither: the live book in the database (chain, checkpoints, and entry rows against their revisions).

Exit 0 "ok"; exit 1 naming the first entry that does not match (id, number, event date).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("Verify a unit's record book against its signed monthly checkpoints. Exit 0 when it matches; exit 1 "
            "naming the first entry that does not.")
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("unit", help="unit code (e.g. QH-T01-V01)")
        parser.add_argument("--export", metavar="FILE", help="an export file (cleangov export-ledger); "
                                                             "without it the database is verified")
        parser.add_argument("--checkpoints", metavar="FILE",
                            help="the published checkpoints JSON; with --export, nothing is read from the database")

    def handle(self, *args, unit, export=None, checkpoints=None, **options):
        from cleangov.ledgers.chain import verify_export_text

        if checkpoints and not export:
            raise CommandError("--checkpoints needs --export", returncode=2)
        if export:
            try:
                lines = Path(export).read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise CommandError(f"cannot read {export}: {exc}", returncode=2) from exc
            if checkpoints:
                try:
                    published = json.loads(Path(checkpoints).read_text(encoding="utf-8"))
                except (OSError, json.JSONDecodeError) as exc:
                    raise CommandError(f"cannot read {checkpoints}: {exc}", returncode=2) from exc
            else:
                published = self._published(unit)
            try:
                result = verify_export_text(lines, published)
            except ValueError as exc:
                raise CommandError(f"{export}: {exc}", returncode=2) from exc
            header_unit = json.loads(lines[0]).get("unit") if lines else None
            if header_unit != unit:
                raise CommandError(f"the export is of unit {header_unit!r}, not {unit!r}", returncode=2)
        else:
            from cleangov.ledgers.exporting import verify_database_book

            result = verify_database_book(self._unit(unit))
        if not result.ok:
            raise CommandError(f"ledger of {unit} does NOT match: {result.problem}", returncode=1)
        self.stdout.write(f"ok: {unit}: {result.links} chain links ({result.entries} entries) match "
                          f"{result.checkpoints} signed checkpoints")

    def _unit(self, code):
        from cleangov.orgs.models import Unit

        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise CommandError(f"no unit with code {code!r}", returncode=2)
        return unit

    def _published(self, code) -> dict:
        from cleangov.ledgers.exporting import published_checkpoints

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleangov.settings")
        return published_checkpoints(self._unit(code))
