"""``cleangov reporting-recovery-key``: the offline recovery key of the report offices.

Escrow lets the county open every township's reports; nothing opens the county's own office key if
every handler holding it loses their key (passwords reset, people gone). This command makes a
Curve25519 key pair (PyNaCl), stores only its public key, seals to it every office key that the
named handler can open (that must include the county's, and any other office no escrow covers),
and writes the private key ONCE: to ``--out FILE`` (created with mode 0600, never overwritten) or to
standard output with ``--out -``. Print it or copy it to a USB stick, keep it in the commission's
safe, and delete the file from the server. Offices created later are sealed to it too.

Running it again when a key exists needs ``--rotate``: the old key file then stops working.
The handler's password comes from a prompt or, for scripts, from standard input (``--password-stdin``).
Exit 2 on bad input, with a one-line reason.
"""

from __future__ import annotations

import getpass
import os
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cleangov.accounts.models import User
from cleangov.whistleblowing import actions, keys


def bad(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        if not sys.stdin.isatty():
            raise bad("no password: use --password-stdin or run interactively")
        password = getpass.getpass("Handler's password: ")
    if not password:
        raise bad("the password must not be empty")
    return password


def handler_keys(username: str, password: str) -> tuple[User, dict[int, bytes]]:
    """The handler and the office keys their password opens."""
    user = User.objects.filter(username=username).first()
    if user is None:
        raise bad(f"no user {username!r}")
    try:
        return user, keys.open_office_keys(user, password)
    except keys.WrongPassword as exc:
        raise bad(f"this password does not open {username!r}'s handler key (or they have none)") from exc


class Command(BaseCommand):
    help = "Make (or --rotate) the offline recovery key of the report offices; its private key is written once."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="file to create (mode 0600, never overwritten), or - for "
                                                         "standard output")
        parser.add_argument("--handler", required=True, help="username of a handler who holds the county office key")
        parser.add_argument("--password-stdin", action="store_true", help="read the handler's password from "
                                                                          "standard input")
        parser.add_argument("--rotate", action="store_true", help="replace the existing recovery key (the old key "
                                                                  "file stops working)")

    def handle(self, *args, out, handler, password_stdin=False, rotate=False, **options):
        from cleangov.whistleblowing.models import RecoveryKey

        existing = RecoveryKey.objects.first()
        if existing is not None and not rotate:
            raise bad(f"a recovery key exists already (made on {existing.created_on.isoformat()}, fingerprint "
                      f"{keys.recovery_fingerprint(bytes(existing.public_key))}): use --rotate to replace it "
                      "(the old key file then stops working)")
        if out != "-" and os.path.exists(out):
            raise bad(f"{out} exists: the key is written once, to a new file")
        user, opened = handler_keys(handler, read_password(password_stdin))
        fd = None
        if out != "-":
            try:  # created before the key is made: a key is never kept that could not be written
                fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except OSError as exc:
                raise bad(f"cannot create {out}: {exc.strerror}") from exc
        try:
            private, recovery = actions.do_make_recovery_key(acting_user=user, opened=opened, rotate=rotate)
        except ValidationError as exc:
            if fd is not None:
                os.close(fd)
                os.unlink(out)
            raise bad(" ".join(exc.messages)) from exc
        text = keys.recovery_key_text(private, bytes(recovery.public_key))
        fingerprint = keys.recovery_fingerprint(bytes(recovery.public_key))
        if fd is None:
            self.stdout.write(text, ending="")
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            self.stdout.write(f"recovery key written to {out} (mode 0600). Keep it offline, then delete it here.")
        self.stderr.write(f"recovery key {fingerprint}: {recovery.seals.count()} office keys sealed to it")
