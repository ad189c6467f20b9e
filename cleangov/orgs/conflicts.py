"""Conflict of interest: who a user may not act on or be shown, because it is about them or a relative.

The query lives here, with the people and their relations; ``cleangov.core.access`` calls it through
the PeopleDirectory this app declares in ``OrgsConfig.declare`` (core imports no app).

Views hide conflicted objects (``exclude_conflicts``); actions refuse them with
:func:`check_conflict_of_interest`, the one check every ``do_*`` action that names a person calls.
The rule is the recusal duty of the 中华人民共和国监察法 (2018), article 58: whoever handles a matter
withdraws from it when they are a close relative of its subject, or they or a close relative have an
interest in it. CleanGov applies it to every registered relation, and to naming people as well as handling.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import RELATION_INVERSE, RelationKindChoices
from .models import Person, Relation, related_person_ids


def conflicted_person_ids(user) -> set[int]:
    """The user's own person and everyone registered as related to them; empty for a user with no person."""
    person_id = getattr(user, "person_id", None)
    return related_person_ids([person_id]) if person_id else set()


class ConflictOfInterest(ValidationError, PermissionDenied):
    """An action refused because it names the acting user or a relative, or is about one of them.

    A ``ValidationError`` so that views show it as a form error next to the other reasons a form
    is refused; also a ``PermissionDenied`` so that a view that forgot to catch it answers 403, never 500.
    ``person`` is the id of the person the refusal is about (``None`` for the acting user themselves);
    ``named`` tells a refused name (a view puts the error on that field) from a refused subject.
    """

    def __init__(self, message, *, named: bool, person=None, relation: str = ""):
        super().__init__(message, code="conflict_of_interest")
        self.named = named
        self.person = person
        self.relation = relation


def _person_and_user_ids(item) -> tuple[int | None, int | None]:
    """(person id, user id) of a Person, a User or a person id; ``None`` for what is not known."""
    if item is None:
        return None, None
    if isinstance(item, Person):
        return item.pk, None
    if isinstance(item, int) and not isinstance(item, bool):
        return item, None
    if isinstance(item, str) and item.isdigit():  # ids as stored in JSON values
        return int(item), None
    if hasattr(item, "person_id") and hasattr(item, "is_authenticated"):  # a User
        return item.person_id, item.pk
    raise TypeError(f"not a person, a user or a person id: {item!r}")


def _flatten(people) -> list:
    if people is None:
        return []
    if isinstance(people, (str, bytes)):
        raise TypeError("people are given as Person, User or ids, not as text")
    if isinstance(people, Iterable) and not hasattr(people, "_meta"):
        return [p for p in people if p is not None]
    return [people]


def _relation_label(own_person_id: int, other_person_id: int) -> str:
    """The other person's relation to the user, as the user would say it ("sibling", "child")."""
    rel = Relation.objects.filter(
        Q(person_id=own_person_id, relative_id=other_person_id)
        | Q(person_id=other_person_id, relative_id=own_person_id)
    ).first()
    if rel is None:
        return ""
    # Relation(person=A, relative=B, kind=K) reads "A is B's K" (see orgs.views.person_detail).
    kind = rel.kind if rel.person_id == other_person_id else RELATION_INVERSE.get(rel.kind, rel.kind)
    return str(RelationKindChoices(kind).label).lower()


def _person_name(person_id: int) -> str:
    person = Person.objects.filter(pk=person_id).only("name").first()
    return person.name if person else str(person_id)


def check_conflict_of_interest(acting_user, *, named_people=(), subject_people=(), allow_self: bool = False) -> None:
    """Refuse an action that names the acting user or a relative, or that is about one of them.

    ``named_people``: everyone the action names to do something (responsible person, signatory,
    assignee, lead, …). ``subject_people``: the people the object is about; when the acting user is
    one of them or related to one, they may not act on it at all. Each may be a Person, a User, a
    person id, or an iterable of those. System actions (``acting_user`` None, or a user without a
    person record) are checked only against naming the acting user's own account.

    ``allow_self`` is for the few actions where the acting user's own office puts them in the matter
    (a unit's first responsible person leads and issues its duties, 中发〔2010〕19号 article 6):
    naming themselves is allowed there, naming a relative never is.

    Raises :class:`ConflictOfInterest` naming the person and the relation.
    """
    named = [_person_and_user_ids(p) for p in _flatten(named_people)]
    subjects = [_person_and_user_ids(p) for p in _flatten(subject_people)]
    acting_pk = getattr(acting_user, "pk", None)
    own_person_id = getattr(acting_user, "person_id", None)
    if acting_pk is not None and not allow_self:
        # A user without a person record can still name their own account (an assignee, a token owner).
        for person_id, user_id in named:
            if user_id == acting_pk or (own_person_id and person_id == own_person_id):
                raise ConflictOfInterest(_("You cannot name yourself here: choose someone else."), named=True)
        for person_id, user_id in subjects:
            if user_id == acting_pk or (own_person_id and person_id == own_person_id):
                raise ConflictOfInterest(_("You cannot act on this: it concerns you."), named=False)
    if not own_person_id:
        return
    conflicted = conflicted_person_ids(acting_user)
    if allow_self:
        conflicted.discard(own_person_id)
    relative_messages = (
        (named, True, _("You cannot name %(name)s: registered as your relative (%(relation)s).")),
        (subjects, False,
         _("You cannot act on this: it concerns %(name)s, registered as your relative (%(relation)s).")),
    )
    for people, is_named, message in relative_messages:
        for person_id, _user_id in people:
            if person_id in conflicted:
                relation = _relation_label(own_person_id, person_id)
                raise ConflictOfInterest(message % {"name": _person_name(person_id), "relation": relation},
                                         named=is_named, person=person_id, relation=relation)
