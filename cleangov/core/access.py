"""Scoped access: the queryset restriction helper, the conflict-of-interest primitive, the 404 gate.

Every request reaches an object through an ``access_<noun>_by_id`` gate built on these helpers;
a missing object and a forbidden one give the same 404 so ids cannot be probed.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from cleangov.orgs.models import related_person_ids


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


def user_roles(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return {a.role for a in user.active_assignments()}


def conflicted_person_ids(user) -> set[int]:
    """The user's own person and everyone registered as related to them.

    Relations are symmetric, so an object about any of these people is an object about the user
    or one of the user's relatives: the user is excluded from it whatever their role.
    """
    person_id = getattr(user, "person_id", None)
    return related_person_ids([person_id]) if person_id else set()


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
