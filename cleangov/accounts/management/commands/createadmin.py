"""``cleangov createadmin``: a system administrator with the sysadmin role on the county root.

The password comes from ``--password``, from standard input with ``--password-stdin`` (scripts),
or from a getpass prompt (asked twice) when run interactively. It must pass
AUTH_PASSWORD_VALIDATORS; their messages are shown when it does not. Exit 2 on bad input.
"""

from __future__ import annotations

import getpass
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cleangov.accounts.actions import do_assign_role, do_create_user
from cleangov.accounts.choices import RoleChoices
from cleangov.accounts.models import User
from cleangov.orgs.choices import UnitLevelChoices
from cleangov.orgs.models import Person, Unit


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "Create a system administrator (role sysadmin on the county root, Django admin access)."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", help="the password (visible in the process list: prefer the prompt or "
                                               "--password-stdin)")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
        parser.add_argument("--email", default="")
        parser.add_argument("--person-code", help="link the account to this person (人员编号)")

    def handle(self, *args, username, password=None, password_stdin=False, email="", person_code=None, **options):
        username = username.strip()
        if not username:
            raise _bad("the username must not be empty")
        if User.objects.filter(username=username).exists():
            raise _bad(f"the username {username!r} is already taken")
        county = Unit.objects.filter(level=UnitLevelChoices.COUNTY, parent=None).order_by("pk").first()
        if county is None:
            raise _bad("there is no county yet: import the organisation (cleangov import-orgs) or build the demo "
                       "(cleangov demo) first")
        person = None
        if person_code:
            person = Person.objects.filter(code=person_code).first()
            if person is None:
                raise _bad(f"no person with code {person_code!r}")
            if User.objects.filter(person=person).exists():
                raise _bad(f"person {person_code!r} already has an account")
        password = self._password(password, password_stdin)
        try:
            validate_password(password, user=User(username=username, email=email))
        except ValidationError as exc:
            raise _bad("the password is too weak:\n  " + "\n  ".join(exc.messages)) from exc
        with transaction.atomic():
            user = do_create_user(acting_user=None, username=username, password=password, person=person, email=email,
                                  is_superuser=True)
            do_assign_role(acting_user=None, user=user, role=RoleChoices.SYSADMIN, unit=county, include_subtree=True)
        self.stdout.write(f"created system administrator {username!r} (sysadmin on {county.name})")

    def _password(self, password: str | None, from_stdin: bool) -> str:
        if password and from_stdin:
            raise _bad("give either --password or --password-stdin, not both")
        if from_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        elif password is None:
            if not sys.stdin.isatty():
                raise _bad("no password: use --password-stdin or run interactively")
            password = getpass.getpass("Password: ")
            if getpass.getpass("Password (again): ") != password:
                raise _bad("the passwords do not match")
        if not password:
            raise _bad("the password must not be empty")
        return password
