"""The URL registry behind the generated permission matrix (tests/test_permission_matrix.py).

The matrix walks EVERY URL pattern of the project and requests it as every role, for an object
inside and an object outside the persona's scope. This registry says, per URL name:

* which noun the page shows and which roles may see it (the declarative "who sees what" table);
* how to build the URL's kwargs for an object on side "a" or "b" of the fixture county
  (``cleangov.core.testing.build_fixture_county``), so out-of-scope objects are real objects;
* the level of the unit such an object belongs to, which decides whether it is in the persona's
  scope; or ``owner_only`` for objects that belong to a user rather than a unit.

A URL with kwargs and no entry here makes the matrix FAIL, so every module that adds a page adds a
line here (``register(...)`` from its own ``urlregistry`` section below) and is covered for free.
URLs without kwargs default to "every role may GET it" unless registered.

Expected answers: anonymous → redirect to login; a role outside ``roles`` → 404; an object
outside the persona's scope → 404; otherwise ``allowed_status``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cleangov.accounts.choices import RoleChoices

ALL_ROLES = frozenset(str(r) for r in RoleChoices)

# URLs the matrix does not request: public pages and the authentication flow itself, which work
# without (or before) a login and have their own tests.
PUBLIC_URL_NAMES = frozenset({
    "set_language",
    "accounts:login",
    "accounts:logout",
    "accounts:logout_confirm",
    "accounts:two_factor_setup",
    "accounts:two_factor_verify",
    "accounts:set_language",
    "core:healthz",
    # The finance API authenticates by bearer token, not by session (tests/finance/test_api.py).
    "finance:api_schema",
    "finance:api_batches",
    "finance:api_batch",
    "ledgers:checkpoints_json",  # published ledger checkpoints: public by design (docs/ledgers.md)
})
# Whole namespaces and path prefixes left out: Django's admin (superusers only, its own
# permission system), i18n and static files.
SKIPPED_NAMESPACES = frozenset({"admin"})
SKIPPED_PATH_PREFIXES = ("django-admin/", "i18n/", "static/", "media/")

KwargsBuilder = Callable[..., dict]  # (fixture_county, side, user) -> URL kwargs


@dataclass(frozen=True)
class UrlEntry:
    noun: str
    roles: frozenset[str] = ALL_ROLES
    kwargs: KwargsBuilder | None = None
    level: str = "village"  # the object sits in fixture_county.unit(level, side)
    owner_only: bool = False  # the object belongs to the requesting user on side "a", to another on "b"
    method: str = "get"
    allowed_status: int = 200


URLS: dict[str, UrlEntry] = {}


def register(name: str, **entry) -> None:
    URLS[name] = UrlEntry(**entry)


# --- core -----------------------------------------------------------------------------------------
AUDIT_ROLES = frozenset({"county_commission", "county_leader", "auditor", "sysadmin",
                         "township_discipline", "township_secretary"})


def _unit_event(fc, side, user):
    from cleangov.core.models import AuditEvent

    village = fc.unit("village", side)
    event = AuditEvent.objects.filter(event_code="orgs.unit_created", subject_type="orgs.unit",
                                      subject_id=str(village.pk)).get()
    return {"event_id": event.pk}


def _notification(fc, side, user):
    from cleangov.core.models import Notification

    owner = user if side == "a" else _other_user(fc, user)
    note = Notification.objects.create(recipient=owner, kind="matrix", text="permission matrix")
    return {"notification_id": note.pk}


def _task_progress(fc, side, user):
    import uuid

    from cleangov.core.models import TaskProgress

    owner = user if side == "a" else _other_user(fc, user)
    progress = TaskProgress.objects.create(task_id=uuid.uuid4().hex, label="matrix", started_by=owner)
    return {"task_id": progress.task_id}


def _other_user(fc, user):
    return next(u for u in fc.users.values() if u.pk != user.pk)


register("core:home", noun="home")
register("core:audit_event_list", noun="audit_event", roles=AUDIT_ROLES)
register("core:audit_event_detail", noun="audit_event", roles=AUDIT_ROLES, kwargs=_unit_event)
register("core:audit_verify_trail", noun="audit_trail_verification",
         roles=frozenset({"county_commission", "sysadmin"}), method="post")
register("core:notification_read", noun="notification", kwargs=_notification, owner_only=True, method="post",
         allowed_status=302)
register("core:task_progress", noun="task_progress", kwargs=_task_progress, owner_only=True)
# A task that is not interrupted is not retried: the owner is sent back to its page.
register("core:task_retry", noun="task_progress", kwargs=_task_progress, owner_only=True, method="post",
         allowed_status=302)

# --- accounts -------------------------------------------------------------------------------------
register("accounts:security", noun="own_security_settings")

# --- orgs -----------------------------------------------------------------------------------------
register("orgs:tree", noun="unit")
register("orgs:unit_detail", noun="unit", kwargs=lambda fc, side, user: {"unit_id": fc.unit("village", side).pk})
register("orgs:unit_children", noun="unit",
         kwargs=lambda fc, side, user: {"unit_id": fc.unit("township", side).pk}, level="township")
register("orgs:person_detail", noun="person",
         kwargs=lambda fc, side, user: {"person_id": fc.persona("villager_representative", side).person_id})


# --- other apps -----------------------------------------------------------------------------------
# Each app registers its own URLs in ``cleangov/<app>/urlregistry.py`` (calling ``register`` above),
# so modules built in parallel never edit this file. Imported here, once, in app order.
def _load_app_registries() -> None:
    import importlib

    from django.apps import apps

    for config in apps.get_app_configs():
        if not config.name.startswith("cleangov.") or config.label == "core":
            continue
        try:
            importlib.import_module(f"{config.name}.urlregistry")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.urlregistry":
                raise


_load_app_registries()
