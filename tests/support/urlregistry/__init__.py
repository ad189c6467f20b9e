"""The URL registry behind the generated permission matrix (tests/test_permission_matrix.py).

The matrix walks EVERY URL pattern of the project and requests it as every persona, for objects
inside and outside the persona's scope. This registry says, per URL name:

* which methods the view accepts, and for each the noun and the kind of access ("view" or "act")
  it needs; the roles come from the specification table (tests/permission_spec.py), never from
  the access modules under test;
* how to build the URL's kwargs for an object on a side of the fixture county
  (``tests.support.county``: "a", "b" or the sibling village of "a"), so out-of-scope objects
  are real objects;
* the level of the unit such an object belongs to, which decides whether it is in the persona's
  scope; or ``owner_only`` for objects that belong to a user rather than a unit.

A URL with kwargs and no entry here makes the matrix FAIL, so every module that adds a page adds a
line to its app's module in this package and is covered for free. URLs without kwargs default to
"every role may GET it" unless registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
    # Public accountability outcomes: no login by design (tests/cases/test_public.py).
    "cases_public:outcomes",
    "cases_public:outcome",
    # the villagers' side of democracy (tests/democracy/test_public.py)
    "democracy_public:villages", "democracy_public:village", "democracy_public:appraisal",
    "democracy_public:concern_follow",
})
# Whole namespaces and path prefixes left out: Django's admin (superusers only, its own
# permission system), i18n and static files.
SKIPPED_NAMESPACES = frozenset({"admin"})
SKIPPED_PATH_PREFIXES = ("django-admin/", "i18n/", "static/", "media/")
# The public portal: every page under /public/ needs no login by design and is tested by its app
# (tests/core/test_public.py, tests/<app>/test_public*.py), so no public page is forgotten here.
PUBLIC_PATH_PREFIX = "public/"

KwargsBuilder = Callable[..., dict]  # (fixture_county, side, user) -> URL kwargs


@dataclass(frozen=True)
class Access:
    """What one method of a URL needs: ``kind`` ("view" or "act") of ``noun``, and the answer when allowed."""

    noun: str
    kind: str = "view"
    status: int = 200


def view(noun: str, status: int = 200) -> Access:
    return Access(noun, "view", status)


def act(noun: str, status: int = 200) -> Access:
    return Access(noun, "act", status)


@dataclass(frozen=True)
class UrlEntry:
    get: Access | None = None  # None: the view refuses GET (405)
    post: Access | None = None  # None: the view does not act on POST
    kwargs: KwargsBuilder | None = None
    # The object sits in fixture_county.unit(level, side); a tuple when it spans several units (a
    # township's assessment run covers the township and its village): in scope when any is.
    level: str | tuple[str, ...] = "village"
    # The object belongs to the requesting user on side "a", to another user on "b"; with
    # ``owner_in_scope`` it also sits in a unit (``level``) that must be in the owner's scope.
    owner_only: bool = False
    owner_in_scope: bool = False
    # A noun whose readers, when the object is not theirs but in their scope, are sent (302) by a GET to
    # the page they may read instead (the responsible person's work view sends handlers to the item page).
    readers_redirect: str = ""
    # Unit levels whose names the page may show whatever the scope (a duty item's lead unit may be
    # any county department, so the form offers them all).
    names_shown: tuple[str, ...] = ()

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(m for m in ("get", "post") if getattr(self, m) is not None)


URLS: dict[str, UrlEntry] = {}


def register(name: str, **entry) -> None:
    URLS[name] = UrlEntry(**entry)


def default_entry() -> UrlEntry:
    return UrlEntry(get=view("home"))


# --- core -----------------------------------------------------------------------------------------
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


register("core:home", get=view("home"))
register("core:audit_event_list", get=view("audit_event"))
register("core:audit_event_detail", get=view("audit_event"), kwargs=_unit_event)
# The view answers GET with 405 itself, after its role check: a GET is never a verification.
register("core:audit_verify_trail", post=act("audit_trail_verification"))
register("core:notification_read", post=act("own_notification", 302), kwargs=_notification, owner_only=True)
register("core:task_progress", get=view("own_task_progress"), kwargs=_task_progress, owner_only=True)
# A task that is not interrupted is not retried: the starter is sent back to its page.
register("core:task_retry", post=act("own_task_progress", 302), kwargs=_task_progress, owner_only=True)

# --- accounts -------------------------------------------------------------------------------------
# An empty POST re-renders the form with its errors.
register("accounts:security", get=view("own_security_settings"), post=act("own_security_settings"))
register("accounts:password_change", get=view("own_security_settings"), post=act("own_security_settings"))

# --- orgs -----------------------------------------------------------------------------------------
register("orgs:tree", get=view("unit"))
# The unit picker's search: every role, over the units of its own scope only (tests/orgs/test_unit_search.py).
register("orgs:unit_search", get=view("unit"))
register("orgs:unit_detail", get=view("unit"), kwargs=lambda fc, side, user: {"unit_id": fc.unit("village", side).pk})
register("orgs:unit_children", get=view("unit"),
         kwargs=lambda fc, side, user: {"unit_id": fc.unit("township", side).pk}, level="township")
register("orgs:person_detail", get=view("person"),
         kwargs=lambda fc, side, user: {"person_id": fc.persona("villager_representative", side).person_id})


# --- other apps -----------------------------------------------------------------------------------
# Each app registers its own URLs in its module of this package (``tests/support/urlregistry/<app
# label>.py``, calling ``register`` above), so modules built in parallel never edit this file.
# Imported here, once, in app order.
def _load_app_registries() -> None:
    import importlib

    from django.apps import apps

    for config in apps.get_app_configs():
        if not config.name.startswith("cleangov.") or config.label == "core":
            continue
        try:
            importlib.import_module(f"{__name__}.{config.label}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{config.label}":
                raise


_load_app_registries()
