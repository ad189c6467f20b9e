"""Read-only questions of the duties app: who is a unit's first responsible person, which items a
letter lists, who receives letters, where a letter's signatures stand. Actions, views and the demo
call these; they change nothing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.utils import timezone

from cleangov.orgs.choices import PostTypeChoices, UnitLevelChoices
from cleangov.orgs.models import Person, Post, Unit

from .choices import DutyItemResponsibilityChoices, DutyItemStatusChoices, LetterSideChoices
from .models import DutyItem, LetterSignature, ResponsibilityLetter

# Posts that make a person the first responsible person (第一责任人) of their unit (中发〔2010〕19号 Art. 6).
FIRST_RESPONSIBLE_POSTS = (
    PostTypeChoices.COUNTY_PARTY_SECRETARY,
    PostTypeChoices.PARTY_SECRETARY,
    PostTypeChoices.DEPARTMENT_HEAD,
    PostTypeChoices.VILLAGE_PARTY_SECRETARY,
)


def first_responsible_person(unit: Unit, on: date | None = None) -> Person | None:
    on = on or timezone.localdate()
    post = (Post.objects.filter(Post.held_on(on), unit=unit, post_type__in=FIRST_RESPONSIBLE_POSTS)
            .select_related("person").order_by("start_date").first())
    return post.person if post else None


def responsibility_of(unit: Unit, person: Person, parent: DutyItem | None, on: date) -> str:
    """The responsibility a lead person carries for an item of ``unit`` (first, dual duty or second)."""
    if parent is not None and unit.level == UnitLevelChoices.VILLAGE:
        # The village party secretary answers to the township for rolled-down items (第二责任人).
        return DutyItemResponsibilityChoices.SECOND
    is_first = Post.objects.filter(Post.held_on(on), unit=unit, person=person,
                                   post_type__in=FIRST_RESPONSIBLE_POSTS).exists()
    return DutyItemResponsibilityChoices.FIRST if is_first else DutyItemResponsibilityChoices.DUAL_DUTY


# --- letters of responsibility --------------------------------------------------------------------
LETTER_ITEM_STATUSES = (DutyItemStatusChoices.ASSIGNED, DutyItemStatusChoices.IN_PROGRESS,
                        DutyItemStatusChoices.DONE, DutyItemStatusChoices.VERIFIED)


def letter_duty_items(letter: ResponsibilityLetter):
    """The duty items a letter lists: the recipient's items in the recipient unit for the year."""
    return (DutyItem.objects.filter(unit=letter.recipient_unit, year=letter.year,
                                    lead_person=letter.recipient_person, status__in=LETTER_ITEM_STATUSES)
            .select_related("key_point").order_by("due_date", "pk"))


def letter_pairs(unit: Unit, year: int) -> list[tuple[Unit, Person, Unit, Person]]:
    """(issuer unit, issuer, recipient unit, recipient) for the letters ``unit`` issues for ``year``.

    * county → the first responsible person of each township and county department;
    * township or department → each team member leading items of the unit ("one post, two
      responsibilities"); a township also → each village party secretary leading village items.
    """
    on = timezone.localdate()
    issuer = first_responsible_person(unit, on)
    if issuer is None:
        return []
    items = DutyItem.objects.filter(year=year, status__in=LETTER_ITEM_STATUSES)
    pairs = []
    if unit.level == UnitLevelChoices.COUNTY:
        for child in Unit.objects.filter(parent=unit).order_by("path"):
            head = first_responsible_person(child, on)
            if head and head.pk != issuer.pk and items.filter(unit=child, lead_person=head).exists():
                pairs.append((unit, issuer, child, head))
        return pairs
    leads = (items.filter(unit=unit).exclude(lead_person=issuer).values_list("lead_person", flat=True)
             .distinct())
    for person in Person.objects.filter(pk__in=leads).order_by("name", "pk"):
        pairs.append((unit, issuer, unit, person))
    if unit.level == UnitLevelChoices.TOWNSHIP:
        village_items = (items.filter(unit__parent=unit, unit__level=UnitLevelChoices.VILLAGE)
                         .values_list("unit", "lead_person").distinct())
        units = Unit.objects.in_bulk({u for u, _p in village_items})
        people = Person.objects.in_bulk({p for _u, p in village_items})
        for unit_id, person_id in sorted(village_items, key=lambda up: (units[up[0]].path, up[1])):
            if person_id != issuer.pk:
                pairs.append((unit, issuer, units[unit_id], people[person_id]))
    return pairs


def letter_status(letter: ResponsibilityLetter, signatures: Iterable[LetterSignature]) -> str:
    """"signed" when both sides signed the current version, "partly" when one did, else "unsigned"."""
    sides = {s.side for s in signatures if s.version.number == letter.current_version and s.is_valid()}
    if sides >= {LetterSideChoices.ISSUER, LetterSideChoices.RECIPIENT}:
        return "signed"
    return "partly" if sides else "unsigned"
