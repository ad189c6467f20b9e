"""Access gates of the organisation tree: units, people and posts.

Scope rules (docs/design.md §3, written out in docs/access.md):

* A user sees the units inside their active role assignments (the unit, plus its subtree when the
  assignment includes it).
* The ANCESTORS of those units are known by name only: breadcrumbs and the tree show "County ›
  Township 1 ›" above a village user's village, but the ancestor unit pages answer 404 for them.
  A village cadre needs to know which township they answer to, not to browse it.
* A person is visible when their home unit is in scope, or when they hold or held any post in a
  unit in scope: the term history of a visible unit names its past holders, and every name on a
  visible page must lead somewhere the user may go.
* A post is visible when its unit is in scope.
* Missing and forbidden objects give the same 404, so ids cannot be probed.

Every role may view these nouns: the organisation tree is the map every user works in. The
system administrator sees the tree too (they manage users against it); later modules deny them
the contents of reports and cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from cleangov.accounts.choices import RoleChoices
from cleangov.core.access import assignments_with, get_or_404, scope_q

from .models import Person, Post, Unit

ALL_ROLES = frozenset(str(r) for r in RoleChoices)

# Which roles may view which noun of this app (the permission matrix checks every URL against its
# own specification, tests/permission_spec.py, written independently of this table).
#
# | noun   | roles     | reach                                                       |
# | ------ | --------- | ----------------------------------------------------------- |
# | unit   | all roles | assignment subtree; ancestors by name only (no page)        |
# | person | all roles | home unit in scope, or any post (past or present) in scope  |
# | post   | all roles | post's unit in scope                                        |
ORGS_VIEW_ROLES: dict[str, frozenset[str]] = {
    "unit": ALL_ROLES,
    "person": ALL_ROLES,
    "post": ALL_ROLES,
}

# Who reads a person's phone number in full: roles that need to reach cadres and villagers in
# their area (the commission for talks and inquiries, township leaders for their villages).
# Everyone else sees it masked. The person must be in the reader's scope under one of these roles.
PHONE_ROLES = frozenset({
    RoleChoices.COUNTY_COMMISSION,
    RoleChoices.TOWNSHIP_SECRETARY,
    RoleChoices.TOWNSHIP_LEADER,
    RoleChoices.TOWNSHIP_DISCIPLINE,
})


def _check_action(action: str) -> None:
    # The web only reads the tree; it changes through actions called by import, admin and CLI.
    if action != "view":
        raise Http404


def unit_scope_q(user, *, roles=None) -> Q:
    return scope_q(user, roles=ORGS_VIEW_ROLES["unit"] if roles is None else roles, path_field="path")


def visible_units(user) -> QuerySet[Unit]:
    return Unit.objects.filter(unit_scope_q(user))


def person_scope_q(user, *, roles=None) -> Q:
    """People whose home unit is in scope or who hold or held a post in a unit in scope."""
    roles = ORGS_VIEW_ROLES["person"] if roles is None else roles
    posts_in_scope = Post.objects.filter(person=OuterRef("pk")).filter(
        scope_q(user, roles=roles, path_field="unit__path")
    )
    return scope_q(user, roles=roles, path_field="home_unit__path") | Q(Exists(posts_in_scope))


def visible_people(user) -> QuerySet[Person]:
    return Person.objects.filter(person_scope_q(user))


def visible_posts(user) -> QuerySet[Post]:
    return Post.objects.filter(scope_q(user, roles=ORGS_VIEW_ROLES["post"], path_field="unit__path"))


def access_unit_by_id(user, unit_id, *, action: str = "view") -> Unit:
    _check_action(action)
    return get_or_404(visible_units(user).select_related("parent"), pk=unit_id)


def access_person_by_id(user, person_id, *, action: str = "view") -> Person:
    _check_action(action)
    return get_or_404(visible_people(user).select_related("home_unit"), pk=person_id)


def can_see_phone(user, person: Person) -> bool:
    return Person.objects.filter(pk=person.pk).filter(person_scope_q(user, roles=PHONE_ROLES)).exists()


def masked_phone(phone: str) -> str:
    if not phone:
        return ""
    return "*" * max(len(phone) - 4, 0) + phone[-4:]


@dataclass
class Crumb:
    unit: Unit
    linked: bool  # False for ancestors outside the user's scope: name only, no page


def breadcrumbs(user, unit: Unit) -> list[Crumb]:
    """The unit's ancestors, root first, each linked only when the user may open its page."""
    ancestors = list(unit.ancestors())
    if not ancestors:
        return []
    linked = set(visible_units(user).filter(pk__in=[a.pk for a in ancestors]).values_list("pk", flat=True))
    return [Crumb(a, a.pk in linked) for a in ancestors]


def scope_roots(user) -> list[Unit]:
    """The top-most units of the user's scope (assignments nested in another one are dropped)."""
    units: dict[int, Unit] = {}
    subtree: dict[int, bool] = {}
    for a in assignments_with(user, ORGS_VIEW_ROLES["unit"]):
        units[a.unit.pk] = a.unit
        subtree[a.unit.pk] = subtree.get(a.unit.pk, False) or a.include_subtree
    roots: list[Unit] = []
    for unit in sorted(units.values(), key=lambda u: u.path):
        # A unit under a root whose assignment covers the subtree is already reachable from it.
        if not any(subtree[r.pk] and unit.path.startswith(r.path) for r in roots):
            roots.append(unit)
    return roots


# --- What the audit trail asks of the people layer (declared in apps.py as the PeopleDirectory) ----
def unit_url(user, unit_id) -> str:
    """The unit's page when the user may open it, else "" (the trail then shows the name only)."""
    from django.urls import reverse

    if unit_id and visible_units(user).filter(pk=unit_id).exists():
        return reverse("orgs:unit_detail", args=[unit_id])
    return ""


def subject_people(user, person_ids) -> list[dict]:
    """An event's subject people by name, each linked to their page when the user may open it."""
    from django.urls import reverse

    people = list(Person.objects.filter(pk__in=list(person_ids or [])))
    linked = set(visible_people(user).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True))
    return [{"name": str(p), "url": reverse("orgs:person_detail", args=[p.pk]) if p.pk in linked else ""}
            for p in people]


def masked_fields_for(user) -> frozenset[str]:
    """Snapshot fields the audit trail masks for this reader: the same need-to-know rule as the person
    page (phone numbers in full only for PHONE_ROLES)."""
    from cleangov.core.access import user_roles

    return frozenset() if user_roles(user) & PHONE_ROLES else frozenset({"phone"})
