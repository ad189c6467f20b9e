"""Building the demo county in the database, its logins, and the other apps' demo data.

Everything goes through actions: the county through ``do_import_orgs`` (bulk, one audit event per
object), users through ``do_create_user`` / ``do_assign_role``, so ``cleangov verify-trail`` passes.

The demo password is generated once per database when the county is built and kept, for the demo
only, in ``DATA_DIR/demo_logins.txt`` (mode 600) so a re-run can print the logins again. Nothing
of it is in the repository.
"""

from __future__ import annotations

import os
import random
import secrets
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cleangov.accounts.actions import do_assign_role, do_create_user, do_set_password
from cleangov.accounts.choices import RoleChoices
from cleangov.accounts.models import RoleAssignment, User
from cleangov.core.demo import DemoContext, contributors
from cleangov.orgs.actions import do_import_orgs
from cleangov.orgs.choices import UnitLevelChoices
from cleangov.orgs.importing.rank_mapping import load_rank_mappings
from cleangov.orgs.models import Person, Unit

from .generate import COUNTY_CODE, DEFAULT_SEED, USERNAMES, generate_demo

LOGIN_FILE_NAME = "demo_logins.txt"


class DemoRefused(Exception):
    """The database holds something the demo must not be mixed with."""


@dataclass
class DemoLogin:
    username: str
    role: str
    role_label: str
    scope: str
    password: str


@dataclass
class DemoOutcome:
    created: bool
    logins: list[DemoLogin] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    password_note: str = ""


def login_file():
    return settings.DATA_DIR / LOGIN_FILE_NAME


def demo_county() -> Unit | None:
    return Unit.objects.filter(code=COUNTY_CODE, level=UnitLevelChoices.COUNTY, parent=None).first()


def _fingerprint(county: Unit) -> str:
    """Ties the login file to one database: the demo county's creation time."""
    return county.created_at.isoformat()


def new_demo_password() -> str:
    # Random per database; letters first so it never looks numeric to the password validators.
    return "qh-" + secrets.token_urlsafe(12)


def write_login_file(county: Unit, password: str, logins: list[DemoLogin]) -> None:
    lines = [
        "# CleanGov demo logins. For the demo only: never use the demo county for real data.",
        f"county-created: {_fingerprint(county)}",
        f"password: {password}",
        "",
        *(f"{login.username}\t{login.role}\t{login.scope}" for login in logins),
        "",
    ]
    path = login_file()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("\n".join(lines))
    path.chmod(0o600)


def read_password(county: Unit) -> tuple[str | None, str]:
    """(password, note): the stored demo password if the login file belongs to this database."""
    path = login_file()
    if not path.exists():
        return None, f"{path} is missing: run 'cleangov demo --reset-passwords' for a new demo password"
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition(": ")
        if sep and not line.startswith("#"):
            values[key] = value.strip()
    if values.get("county-created") != _fingerprint(county):
        return None, f"{path} belongs to another database: run 'cleangov demo --reset-passwords'"
    return values.get("password"), ""


def demo_users() -> list[User]:
    return list(User.objects.filter(username__in=USERNAMES.values()).select_related("person"))


def current_logins(password: str | None) -> list[DemoLogin]:
    order = {username: i for i, username in enumerate(USERNAMES.values())}
    assignments = RoleAssignment.objects.filter(user__username__in=USERNAMES.values()).select_related("user", "unit")
    rows = []
    for a in sorted(assignments, key=lambda a: order.get(a.user.username, 99)):
        rows.append(DemoLogin(username=a.user.username, role=a.role, role_label=str(RoleChoices(a.role).label),
                              scope=a.unit.name, password=password or "?"))
    return rows


def build_demo(*, seed: int = DEFAULT_SEED, size: str = "normal", log=print, progress=None) -> DemoOutcome:
    """Build the demo county unless it exists; either way return the logins to print."""
    started = time.monotonic()
    county = demo_county()
    if county is not None:
        password, note = read_password(county)
        return DemoOutcome(created=False, logins=current_logins(password), password_note=note,
                           seconds=time.monotonic() - started)
    other = Unit.objects.filter(level=UnitLevelChoices.COUNTY).first()
    if other is not None:
        raise DemoRefused(f"this database already holds the county {other.name} ({other.code}); "
                          "the demo needs a database of its own")
    taken = sorted(User.objects.filter(username__in=USERNAMES.values()).values_list("username", flat=True))
    if taken:
        raise DemoRefused(f"demo usernames already taken: {', '.join(taken)}")

    load_rank_mappings()
    demo = generate_demo(seed=seed, size=size)
    password = new_demo_password()
    outcome = DemoOutcome(created=True, conflicts=demo.conflicts)
    with transaction.atomic():
        outcome.counts = do_import_orgs(demo.plan, acting_user=None, progress=progress)
        log(f"organisation: {outcome.counts} in {time.monotonic() - started:.1f} s")
        county = demo_county()
        users = _create_users(demo.logins, password)
        context = DemoContext(county=county, system_user=None,
                              rng=random.Random(seed + 1),  # noqa: S311 - seeded demo data
                              today=timezone.localdate(), users=users, size=size, log=log,
                              password=password)
        for label, build in contributors():
            step = time.monotonic()
            build(context)
            outcome.contributors.append(label)
            log(f"{label}: demo data in {time.monotonic() - step:.1f} s")
    outcome.logins = current_logins(password)
    write_login_file(county, password, outcome.logins)
    outcome.seconds = time.monotonic() - started
    return outcome


def _create_users(logins, password: str) -> dict[str, User]:
    people = dict(Person.objects.filter(code__in=[spec.person_code for spec in logins]).values_list("code", "pk"))
    people_by_pk = Person.objects.in_bulk(people.values())
    units = {u.code: u for u in Unit.objects.filter(code__in=[spec.unit_code for spec in logins])}
    users = {}
    for spec in logins:
        person = people_by_pk[people[spec.person_code]]
        # Only the system administrator may use the Django admin (is_staff/is_superuser).
        user = do_create_user(acting_user=None, username=spec.username, password=password, person=person,
                              is_superuser=spec.role == RoleChoices.SYSADMIN)
        do_assign_role(acting_user=None, user=user, role=spec.role, unit=units[spec.unit_code], include_subtree=True)
        users[spec.role] = user
    return users


def reset_demo_passwords() -> DemoOutcome:
    """A new demo password for every demo login (when the login file was lost or belongs elsewhere)."""
    county = demo_county()
    if county is None:
        raise DemoRefused("there is no demo county in this database yet: run 'cleangov demo' first")
    password = new_demo_password()
    for user in demo_users():
        do_set_password(user, acting_user=None, password=password)
    logins = current_logins(password)
    write_login_file(county, password, logins)
    return DemoOutcome(created=False, logins=logins)
