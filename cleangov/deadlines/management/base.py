"""A base for CLI commands whose exit codes are a contract (cleangov calendar, tick, worker).

Django turns argparse usage errors into exit code 2 on the command line but into a CommandError with
code 1 under call_command; here they are code 2 both ways, so tests through call_command and
scripts through the console script see the same contract. The epilog keeps its line breaks. The
parser and the formatter live in cleangov.core.management.base (core's worker uses them too).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from cleangov.core.management.base import HelpFormatter, UsageErrorParser


class ContractCommand(BaseCommand):
    epilog: str | None = None

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        if self.epilog:
            kwargs.setdefault("epilog", self.epilog)
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        return parser

    def add_arguments(self, parser):
        # Swap the class before any subparser is made, so subparsers inherit the exit-code contract.
        parser.__class__ = UsageErrorParser
