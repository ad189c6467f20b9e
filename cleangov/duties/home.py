"""The duties app's lines of the home page's "To do today" and "Since your last visit" (core.todo; declared in
apps.py). The user's own duty items carry a deadline-engine clock, which the deadline engine lists; what is
left here is the letters of responsibility that wait for the user's own signature, and what is new for them.
Two queries at most each.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cleangov.core.declarations import Change, Todo

from .access import visible_duty_items, visible_letters
from .models import LetterSignature

LIMIT = 10


def _letters_to_sign(user):
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return visible_letters(user).none()
    signed = LetterSignature.objects.filter(version__letter=OuterRef("pk"), version__number=OuterRef("current_version"),
                                            person_id=person_id)
    return (visible_letters(user).filter(Q(issuer_person_id=person_id) | Q(recipient_person_id=person_id))
            .filter(current_version__gt=0).filter(~Exists(signed)))


def todos(user) -> list[Todo]:
    person_id = getattr(user, "person_id", None)
    out = []
    letters = _letters_to_sign(user).select_related("issuer_person", "recipient_person").order_by("year", "pk")
    for letter in letters[:LIMIT]:
        other = letter.recipient_person if letter.issuer_person_id == person_id else letter.issuer_person
        out.append(Todo(_("Sign the %(year)s letter of responsibility with %(name)s") % {"year": letter.year,
                                                                                        "name": other.name},
                        reverse("duties:letter_detail", kwargs={"letter_id": letter.pk})))
    return out


def changes(user, since) -> list[Change]:
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return []
    n = visible_duty_items(user).filter(lead_person_id=person_id, created_at__gt=since).count()
    label = ngettext("%(n)s new duty item for you to lead", "%(n)s new duty items for you to lead", n) % {"n": n}
    return [Change(label, n, reverse("duties:my_duties"))]
