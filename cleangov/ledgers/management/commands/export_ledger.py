"""``cleangov export-ledger UNIT FILE``: write a unit's record book as JSON lines for offline checks."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Write a unit's record book (every revision, with its hash chain) as a JSON-lines export file."

    def add_arguments(self, parser):
        parser.add_argument("unit", help="unit code")
        parser.add_argument("file", help="the export file to write ('-' for standard output)")
        parser.add_argument("--checkpoints", metavar="FILE", help="also write the published checkpoints JSON here")

    def handle(self, *args, unit, file, checkpoints=None, **options):
        import json

        from cleangov.ledgers.exporting import export_lines, published_checkpoints
        from cleangov.orgs.models import Unit

        target = Unit.objects.filter(code=unit).first()
        if target is None:
            raise CommandError(f"no unit with code {unit!r}", returncode=2)
        count = 0
        if file == "-":
            for line in export_lines(target):
                self.stdout.write(line, ending="")
                count += 1
        else:
            with Path(file).open("w", encoding="utf-8") as out:
                for line in export_lines(target):
                    out.write(line)
                    count += 1
        if checkpoints:
            Path(checkpoints).write_text(json.dumps(published_checkpoints(target), ensure_ascii=False, indent=1),
                                         encoding="utf-8")
        if file != "-":
            self.stdout.write(f"{unit}: {count - 1} chain links written to {file}")
