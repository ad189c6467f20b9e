"""``cleangov demo``: build the deterministic demo county (once) and print one login per role."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from cleangov.orgs.demo.build import DemoRefused, build_demo, login_file, reset_demo_passwords
from cleangov.orgs.demo.generate import DEFAULT_SEED, SIZES


class Command(BaseCommand):
    help = ("Build the deterministic demo county with every app's demo data and print one login per role. "
            "Running it again changes nothing and prints the logins again.")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
        parser.add_argument("--size", choices=list(SIZES), default="normal",
                            help="normal: 12 townships, 156 villages; large: 20 townships, 480 villages; "
                                 "tiny: 3 townships, 7 villages (for tests)")
        parser.add_argument("--reset-passwords", action="store_true",
                            help="give every demo login a new password (when the login file was lost)")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, seed, size, reset_passwords=False, quiet=False, **options):
        if "orgs_unit" not in connection.introspection.table_names():
            raise CommandError("the database is not set up: run 'cleangov setup' first", returncode=3)
        try:
            if reset_passwords:
                outcome = reset_demo_passwords()
            else:
                with tqdm(unit="object", disable=quiet, file=self.stderr._out, leave=False) as bar:
                    outcome = build_demo(seed=seed, size=size, log=self.stdout.write, progress=bar.update)
        except DemoRefused as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if outcome.created:
            self.stdout.write(f"demo county built in {outcome.seconds:.1f} s (seed {seed}, size {size})")
            self.stdout.write("planted conflicts of interest:")
            for line in outcome.conflicts:
                self.stdout.write(f"  - {line}")
        elif not reset_passwords:
            self.stdout.write("the demo county already exists: nothing changed")
        self._print_logins(outcome)

    def _print_logins(self, outcome) -> None:
        rows = [("username", "role", "scope", "password")]
        rows += [(x.username, x.role_label, x.scope, x.password) for x in outcome.logins]
        widths = [max(_width(r[i]) for r in rows) for i in range(4)]
        self.stdout.write("")
        self.stdout.write(f"demo logins (password kept in {login_file()}, mode 600, for the demo only):")
        for row in rows:
            self.stdout.write("  " + "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
        if outcome.password_note:
            self.stdout.write(outcome.password_note)


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text))


def _pad(text: str, width: int) -> str:
    return str(text) + " " * (width - _width(text))
