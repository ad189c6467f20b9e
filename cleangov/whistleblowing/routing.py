"""Which discipline office handles a report.

A report goes to the discipline office with jurisdiction over the unit it is about: the township's
discipline office for a township and everything below it, the county commission for the county and
its departments. A report about the office unit's own leaders (party secretary, head, discipline
secretary) goes one level up, straight to the higher office (纪检监察机关处理检举控告工作规则, 2020,
Art. 15: a report about the organ's own main leader goes directly to the higher level).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Q

from cleangov.orgs.choices import PostTypeChoices as P
from cleangov.orgs.choices import UnitLevelChoices
from cleangov.orgs.models import Post, Unit

from .choices import RoutingChoices

OFFICE_LEVELS = (UnitLevelChoices.TOWNSHIP, UnitLevelChoices.COUNTY)
# The posts whose holders lead an office's unit: a report about one of them goes one level up.
OWN_LEADER_POSTS = {
    UnitLevelChoices.TOWNSHIP: (P.PARTY_SECRETARY, P.TOWNSHIP_HEAD, P.DISCIPLINE_SECRETARY),
    UnitLevelChoices.COUNTY: (P.COUNTY_PARTY_SECRETARY, P.COUNTY_HEAD, P.COMMISSION_SECRETARY),
}


def office_for_unit(unit: Unit) -> Unit:
    """The nearest township or county at or above ``unit``."""
    current = unit
    while current.level not in OFFICE_LEVELS and current.parent_id is not None:
        current = current.parent
    return current


def current_posts(unit: Unit, on: date):
    return Post.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=on), unit=unit, start_date__lte=on)


def route(subject_unit: Unit, person_ids: Iterable[int], on: date) -> tuple[Unit, str]:
    """(office, routing) for a report about ``subject_unit`` naming ``person_ids``.

    The office is the one over the subject unit, or over a named person's own post when that is
    higher (a villager may name the township head while choosing their village); then a report naming
    one of that office's own leaders goes one level up."""
    ids = set(person_ids)
    office = office_for_unit(subject_unit)
    for post in current_posts_of(ids, on):
        candidate = office_for_unit(post.unit)
        if candidate.depth < office.depth:
            office = candidate
    leaders = set(current_posts(office, on).filter(post_type__in=OWN_LEADER_POSTS.get(office.level, ()))
                  .values_list("person_id", flat=True))
    if ids & leaders and office.parent_id is not None:
        return office_for_unit(office.parent), RoutingChoices.UP_OWN_HEAD
    return office, RoutingChoices.JURISDICTION


def current_posts_of(person_ids, on: date):
    return Post.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=on), person_id__in=person_ids,
                               start_date__lte=on).select_related("unit")


def _ancestor_ids(unit: Unit) -> list[int]:
    ids, current = [], unit
    while current.parent_id is not None:
        ids.append(current.parent_id)
        current = current.parent
    return ids


def match_people(subject_unit: Unit, text: str, on: date) -> list[int]:
    """Registered office holders whose name appears in what the reporter wrote about whom (``text``),
    in ``subject_unit``, the units below it, or the units above it (the township and county leaders a
    villager may name). Matching generously errs on the safe side: a person matched is excluded from
    the report; a handler sees who was matched."""
    text = (text or "").strip()
    if not text:
        return []
    where = Q(unit__path__startswith=subject_unit.path) | Q(unit_id__in=_ancestor_ids(subject_unit))
    posts = Post.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=on), where, start_date__lte=on)
    return sorted({pid for pid, name in posts.values_list("person_id", "person__name")
                   if len(name) >= 2 and name in text})


def offices() -> list[Unit]:
    return list(Unit.objects.filter(level__in=OFFICE_LEVELS).order_by("path"))
