"""The content of a letter of responsibility: what a version says and hashes (the parties, the duty
list, the fixed wording of letter_text.py and any extra terms). The actions store it as versions."""

from __future__ import annotations

from datetime import date

from django.utils import timezone, translation

from cleangov.orgs.models import Person, Post, Unit

from . import letter_text
from .models import ResponsibilityLetter
from .selectors import letter_duty_items


def _party(unit: Unit, person: Person, on: date) -> dict:
    post = (Post.objects.filter(Post.held_on(on), unit=unit, person=person).order_by("start_date").first())
    return {"unit": unit.name, "unit_code": unit.code, "person": person.name, "person_code": person.code,
            "post": str(post.get_post_type_display()) if post else ""}


def build_letter_content(letter: ResponsibilityLetter, *, number: int, extra_terms: str = "") -> dict:
    # The letter is an official Chinese document and its text is hashed: post names are frozen in
    # Chinese whatever the language of the person who generates it.
    with translation.override("zh-hans"):
        return _letter_content(letter, number=number, extra_terms=extra_terms)


def _letter_content(letter: ResponsibilityLetter, *, number: int, extra_terms: str) -> dict:
    on = timezone.localdate()
    duties = [
        {"item": item.pk, "title": item.title, "key_point": str(item.key_point) if item.key_point_id else "",
         "due_date": item.due_date.isoformat(), "expected_evidence": item.expected_evidence,
         "responsibility": item.responsibility}
        for item in letter_duty_items(letter)
    ]
    return {
        "letter": letter.pk,
        "version": number,
        "title": letter_text.TITLE,
        "year": letter.year,
        "issuer": _party(letter.issuer_unit, letter.issuer_person, on),
        "recipient": _party(letter.recipient_unit, letter.recipient_person, on),
        "preamble": letter_text.PREAMBLE,
        "duties": duties,
        "clauses": list(letter_text.CLAUSES),
        "extra_terms": extra_terms.strip(),
    }


def comparable_content(content: dict) -> dict:
    """A version's content without its number, to tell whether a revision changes anything."""
    return {k: v for k, v in content.items() if k not in ("version",)}
