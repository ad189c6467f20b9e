"""Conflict of interest: who a user may not act on or be shown, because it is about them or a relative.

The query lives here, with the people and their relations; ``cleangov.core.access`` calls it through
the PeopleDirectory this app declares in ``OrgsConfig.declare`` (core imports no app).
"""

from __future__ import annotations

from .models import related_person_ids


def conflicted_person_ids(user) -> set[int]:
    """The user's own person and everyone registered as related to them; empty for a user with no person."""
    person_id = getattr(user, "person_id", None)
    return related_person_ids([person_id]) if person_id else set()
