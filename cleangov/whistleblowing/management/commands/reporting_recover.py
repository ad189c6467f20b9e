"""``cleangov reporting-recover``: open the office keys with the offline recovery key.

When every handler holding the county office key has lost it, a handler sets up a new personal key
on the office key page, then an operator runs this with the recovery key file (from the safe) and
that handler's username: the handler gets a share of each office key they handle that the recovery
key opens (the county's, and through escrow those below). Other handlers get theirs the next time
this handler unlocks. An audit event records each office recovered. Exit 2, with a one-line reason,
for a missing, malformed or wrong key file, an unknown user or one without a handler key.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from cleangov.accounts.models import User
from cleangov.whistleblowing import actions, keys

from .reporting_recovery_key import bad


class Command(BaseCommand):
    help = "Give a handler the office keys again with the offline recovery key (when every holder lost them)."

    def add_arguments(self, parser):
        parser.add_argument("--key-file", required=True, help="the recovery key file (- for standard input)")
        parser.add_argument("--handler", required=True, help="username of a handler who has set up a handler key")

    def handle(self, *args, key_file, handler, **options):
        import sys

        try:
            if key_file == "-":
                text = sys.stdin.read()
            else:
                with open(key_file, encoding="utf-8") as fh:
                    text = fh.read(64 * 1024)
        except (OSError, UnicodeDecodeError) as exc:
            raise bad(f"cannot read {key_file}: {getattr(exc, 'strerror', None) or 'not a text file'}") from exc
        user = User.objects.filter(username=handler).first()
        if user is None:
            raise bad(f"no user {handler!r}")
        try:
            private = keys.parse_recovery_key(text)
            offices = actions.do_recover_office_keys(acting_user=None, recovery_private_key=private,
                                                     handler_user=user)
        except keys.BadRecoveryKey as exc:
            raise bad(f"{key_file}: {exc}") from exc
        except ValidationError as exc:
            raise bad(" ".join(exc.messages)) from exc
        names = ", ".join(office.name for office in offices)
        self.stdout.write(f"{handler} now holds the office key of: {names}. They unlock on the office key page; "
                          "their colleagues get the key when they do.")
