"""``cleangov ledger-checkpoint``: sign the chain head of every unit for every ended month not yet signed."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create the due monthly ledger checkpoints (signed with each township's Ed25519 key); catches up."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="pretend today is this date (YYYY-MM-DD), for catching up or tests")
        parser.add_argument("--unit", action="append", default=[], help="only these unit codes (repeatable)")

    def handle(self, *args, today=None, unit=(), **options):
        from cleangov.ledgers.actions import do_create_ledger_checkpoints
        from cleangov.orgs.models import Unit

        try:
            day = date.fromisoformat(today) if today else None
        except ValueError as exc:
            raise CommandError(f"--today: {exc}", returncode=2) from exc
        units = list(Unit.objects.filter(code__in=unit)) if unit else None
        if unit and len(units) != len(set(unit)):
            raise CommandError("unknown unit code", returncode=2)
        summary = do_create_ledger_checkpoints(acting_user=None, today=day, units=units)
        self.stdout.write(f"{summary.created} checkpoints signed for {summary.units} units")
