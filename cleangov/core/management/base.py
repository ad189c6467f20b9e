"""Argument parsing for CLI commands whose exit codes are a contract (cleangov worker, calendar, tick).

Django turns argparse usage errors into exit code 2 on the command line but into a CommandError with
code 1 under call_command; with :class:`UsageErrorParser` they are code 2 both ways, so tests through
call_command and scripts through the console script see the same contract. :class:`HelpFormatter`
keeps the epilog's line breaks.
"""

from __future__ import annotations

from argparse import RawDescriptionHelpFormatter

from django.core.management.base import CommandError, CommandParser, DjangoHelpFormatter


class UsageErrorParser(CommandParser):
    def error(self, message):
        if self.called_from_command_line:
            super().error(message)  # prints usage and the message on stderr, exits 2
        raise CommandError(f"Error: {message}", returncode=2)

    def add_subparsers(self, **kwargs):
        kwargs.setdefault("parser_class", UsageErrorParser)
        return super().add_subparsers(**kwargs)


class HelpFormatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    pass
