"""``cleangov ledger-kinds import FILE | check FILE | show``: manage record-book kinds without code."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("Record-book kinds: 'check FILE' validates a YAML catalog, 'import FILE' loads it (a changed kind "
            "becomes a new version), 'show' lists the kinds.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["import", "check", "show"])
        parser.add_argument("file", nargs="?")

    def handle(self, *args, action, file=None, **options):
        from cleangov.ledgers.actions import do_import_ledger_kinds
        from cleangov.ledgers.kinds import CatalogError, parse_catalog
        from cleangov.ledgers.models import LedgerKind

        if action == "show":
            for kind in LedgerKind.objects.select_related("current_version"):
                v = kind.current_version
                spec = v.parsed
                self.stdout.write(f"{kind.code:32} v{v.version:<3} {spec.frequency.period:8} "
                                  f"min {spec.frequency.min:<3} {'active' if kind.active else 'retired':8} {v.name}")
            return
        if not file:
            raise CommandError("give the YAML file", returncode=2)
        from cleangov.core import uploads

        try:
            specs = parse_catalog(uploads.read_text(Path(file), max_bytes=uploads.yaml_max_bytes()), Path(file).name)
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}", returncode=2) from exc
        except uploads.ReadError as exc:
            raise CommandError(uploads.refusal(exc), returncode=2) from exc
        except CatalogError as exc:
            for line in exc.errors:
                self.stderr.write(f"{file}: {line}")
            raise CommandError(f"{len(exc.errors)} problem(s) in {file}; nothing imported", returncode=2) from exc
        if action == "check":
            self.stdout.write(f"{file}: {len(specs)} kinds, valid")
            return
        summary = do_import_ledger_kinds(specs, acting_user=None, source_file=Path(file).name)
        self.stdout.write(f"{len(summary.created)} created, {len(summary.new_versions)} new versions "
                          f"({', '.join(summary.new_versions) or '-'}), {len(summary.unchanged)} unchanged")
