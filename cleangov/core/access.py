"""Scoped access: the queryset restriction helper, the conflict-of-interest primitive, the 404 gate.

Every request reaches an object through an ``access_<noun>_by_id`` gate built on these helpers;
a missing object and a forbidden one give the same 404 so ids cannot be probed.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from .declarations import people_directory

# The people layer knows who is related to whom; core only asks, through the PeopleDirectory that
# app declares (cleangov.core.declarations), so core imports no app.


def scope_q(user, *, roles: Iterable[str] | None = None, path_field: str = "unit__path") -> Q:
    """A Q matching objects whose unit lies inside one of the user's active role assignments.

    ``path_field`` names the materialised path of the object's unit (``path`` for units
    themselves). Matches nothing for anonymous users or users without a matching role.
    """
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    wanted = set(roles) if roles is not None else None
    q = Q(pk__in=[])
    for assignment in user.active_assignments():
        if wanted is not None and assignment.role not in wanted:
            continue
        path = assignment.unit.path
        if assignment.include_subtree:
            q |= Q(**{f"{path_field}__startswith": path})
        else:
            q |= Q(**{path_field: path})
    return q


def restrict(qs: QuerySet, user, *, roles: Iterable[str] | None = None, path_field: str = "unit__path") -> QuerySet:
    """NetBox's ``restrict(user, action)``: limit a queryset to the user's scope."""
    return qs.filter(scope_q(user, roles=roles, path_field=path_field))


@contextmanager
def assignments_read_once(user):
    """Within the block, ``user.active_assignments()`` is read from the database once, not on every role
    check: a page that asks every app (the home page) would otherwise repeat the same query dozens of
    times. The block must not change the user's assignments."""
    if not getattr(user, "is_authenticated", False):
        yield
        return
    assignments = list(user.active_assignments())
    user.active_assignments = lambda: assignments
    try:
        yield
    finally:
        del user.active_assignments


def user_roles(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return {a.role for a in user.active_assignments()}


# --- Role checks: the one way to ask "does the user hold one of these roles [over this unit]" --------
def has_role(user, roles: Iterable[str]) -> bool:
    """Whether the user holds one of ``roles`` through an active assignment, anywhere."""
    return bool(user_roles(user) & set(roles))


def require_role(user, roles: Iterable[str]) -> None:
    """Gate of a page that is not about one object: without one of ``roles`` the user gets the same
    404 as for a missing page."""
    if not has_role(user, roles):
        raise Http404


def assignments_with(user, roles: Iterable[str]) -> list:
    """The user's active assignments for one of ``roles`` (empty for anonymous users)."""
    if not getattr(user, "is_authenticated", False):
        return []
    wanted = set(roles)
    return [a for a in user.active_assignments() if a.role in wanted]


def roles_over(user, unit) -> set[str]:
    """The roles the user holds over ``unit``: an assignment on the unit, or on an ancestor with its subtree."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {a.role for a in user.active_assignments()
            if a.unit_id == unit.pk or (a.include_subtree and unit.path.startswith(a.unit.path))}


def conflicted_person_ids(user) -> set[int]:
    """The user's own person and everyone registered as related to them (the people layer's query).

    Relations are symmetric, so an object about any of these people is an object about the user
    or one of the user's relatives: the user is excluded from it whatever their role. Without a
    declared directory this fails loudly: silently finding no conflicts would show people their own cases.
    """
    directory = people_directory()
    if directory is None:
        raise ImproperlyConfigured("no app declares the people directory (is the people layer installed?)")
    return directory.conflicted_person_ids(user)


def exclude_conflicts(
    qs: QuerySet, user, *, through_model, object_field: str, person_field: str = "person"
) -> QuerySet:
    """Drop objects naming, as a subject person, the user or a relative of the user.

    ``through_model`` holds one row per (object, subject person); one ``NOT EXISTS`` keeps the
    query flat whatever the number of subject people.
    """
    ids = conflicted_person_ids(user)
    if not ids:
        return qs
    links = through_model.objects.filter(**{object_field: OuterRef("pk"), f"{person_field}__in": ids})
    return qs.filter(~Exists(links))


def is_conflicted(user, subject_person_ids: Iterable[int]) -> bool:
    """True when the user is one of the subject people or related to one of them."""
    return bool(conflicted_person_ids(user) & set(subject_person_ids))


def get_or_404(qs: QuerySet, **lookup):
    """The same 404 whether the object does not exist or lies outside the user's reach."""
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# --- Conflict of interest with an actor exception, and the audit trail's gate ------------------
# (Appended for the audit-trail viewer; the helpers above are unchanged.)


def conflict_free_q(user, *, through_model, object_field: str, person_field: str = "person",
                    unless_actor: str | None = None) -> Q:
    """A Q keeping objects that do not name the user or a relative as a subject person.

    ``unless_actor`` names the object's actor field: an object the user acted on themselves stays
    visible (they wrote it, so hiding it hides nothing from them and breaks their own history).
    """
    ids = conflicted_person_ids(user)
    if not ids:
        return Q()
    links = through_model.objects.filter(**{object_field: OuterRef("pk"), f"{person_field}__in": ids})
    q = Q(~Exists(links))
    if unless_actor:
        q |= Q(**{unless_actor: user.pk})
    return q


# Who may read the audit trail, and how far (docs/design.md §3). "assignment" means the subtree of the
# role assignment: county-level assignments give the whole county. Only the roles marked
# ``county_wide`` also read events that belong to no unit (system settings, rank mappings), and only
# when their assignment is on the root of the tree.
#
# | role                | reach                          | events without a unit |
# | ------------------- | ------------------------------ | --------------------- |
# | county_commission   | assignment (the whole county)  | yes                   |
# | county_leader       | assignment (the whole county)  | yes                   |
# | auditor             | assignment (any subtree)       | yes, if at the root   |
# | sysadmin            | assignment (the whole county)  | yes                   |
# | township_discipline | assignment (township subtree)  | no                    |
# | township_secretary  | assignment (township subtree)  | no                    |
# | every other role    | none: the trail answers 404    | no                    |
AUDIT_TRAIL_ACCESS: dict[str, dict] = {
    "county_commission": {"county_wide": True},
    "county_leader": {"county_wide": True},
    "auditor": {"county_wide": True},
    "sysadmin": {"county_wide": True},
    "township_discipline": {"county_wide": False},
    "township_secretary": {"county_wide": False},
}
AUDIT_TRAIL_ROLES = frozenset(AUDIT_TRAIL_ACCESS)
# Roles that may start a re-verification of the whole hash chain from the web.
AUDIT_VERIFY_ROLES = frozenset({"county_commission", "sysadmin"})


def can_view_audit_trail(user) -> bool:
    return has_role(user, AUDIT_TRAIL_ROLES)


def _sees_unitless_events(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return any(
        AUDIT_TRAIL_ACCESS.get(a.role, {}).get("county_wide") and a.include_subtree and a.unit.parent_id is None
        for a in user.active_assignments()
    )


def restrict_audit_events(qs: QuerySet, user) -> QuerySet:
    """Events the user may read: in scope by unit, minus conflicts of interest unless they acted.

    Conflict of interest (docs/design.md §3): an event naming the user or a registered relative as a
    subject person is hidden from them whatever their rank, except when they were its actor.
    """
    from .models import AuditEventPerson

    if not can_view_audit_trail(user):
        return qs.none()
    visible = scope_q(user, roles=AUDIT_TRAIL_ROLES, path_field="unit__path")
    if _sees_unitless_events(user):
        visible |= Q(unit__isnull=True)
    conflict_free = conflict_free_q(
        user, through_model=AuditEventPerson, object_field="event", unless_actor="actor_id"
    )
    return qs.filter(visible).filter(conflict_free)


def access_audit_event_by_id(user, event_id, *, action: str = "view"):
    """The one way from a request to an audit event; missing, out of scope and conflicted all 404."""
    from .models import AuditEvent

    if action != "view":  # the trail is append-only: nobody edits events through the web
        raise Http404
    qs = restrict_audit_events(AuditEvent.objects.select_related("unit", "actor"), user)
    return get_or_404(qs, pk=event_id)


def require_audit_trail_access(user) -> None:
    """Gate of the trail's list page: roles outside AUDIT_TRAIL_ACCESS get the same 404 as a missing page."""
    if not can_view_audit_trail(user):
        raise Http404


def access_notification_by_id(user, notification_id, *, action: str = "view"):
    """The user's own notification; anyone else's gives the same 404 as a missing one."""
    from .models import Notification

    return get_or_404(Notification.objects.filter(recipient=user), pk=notification_id)


def access_task_progress_by_id(user, task_id, *, action: str = "view"):
    """Progress is shown only to the user who started the task (it may name what they imported)."""
    from .models import TaskProgress

    if not getattr(user, "is_authenticated", False):
        return get_or_404(TaskProgress.objects.none(), task_id=task_id)
    return get_or_404(TaskProgress.objects.filter(started_by=user), task_id=task_id)
