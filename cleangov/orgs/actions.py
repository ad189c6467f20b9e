"""State changes of the organisation tree. Views, CLI, import, demo and tests all call these."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cleangov.core.audit import record_event, snapshot
from cleangov.core.declarations import appointment_warnings

from .choices import ALLOWED_PARENT_LEVELS, PersonRankChoices
from .conflicts import check_conflict_of_interest
from .models import Person, Post, RankMapping, Relation, Unit

UNIT_FIELDS = ("code", "name", "name_en", "level", "parent", "city", "active_from", "active_to")
PERSON_FIELDS = ("code", "name", "id_last4", "gender", "party", "local_grade", "rank", "phone", "home_unit")
POST_FIELDS = ("person", "unit", "post_type", "start_date", "end_date")


def hash_identity_number(raw: str) -> str:
    """Keyed hash of a normalised identity number: equal numbers match, the number cannot be read back."""
    normalised = raw.strip().upper()
    return hmac.new(settings.IDENTITY_HASH_KEY.encode(), normalised.encode(), hashlib.sha256).hexdigest()


def rank_for_grade(local_grade: str) -> str:
    if not local_grade:
        return PersonRankChoices.OTHER
    mapping = RankMapping.objects.filter(local_grade=local_grade).values_list("rank", flat=True).first()
    return mapping or PersonRankChoices.OTHER


def _check_parent(level: str, parent: Unit | None) -> None:
    allowed = ALLOWED_PARENT_LEVELS[level]
    if not allowed and parent is not None:
        raise ValidationError({"parent": _("A county has no parent unit.")})
    if allowed and (parent is None or parent.level not in allowed):
        raise ValidationError({"parent": _("This level of unit cannot sit under the chosen parent.")})


def _set_path(unit: Unit) -> None:
    if unit.parent_id:
        unit.path = f"{unit.parent.path}{unit.code}/"
        unit.depth = unit.parent.depth + 1
    else:
        unit.path = f"/{unit.code}/"
        unit.depth = 0


@transaction.atomic
def do_create_unit(*, acting_user, **fields) -> Unit:
    unit = Unit(**fields)
    _check_parent(unit.level, unit.parent)
    _set_path(unit)
    unit.full_clean()
    unit.save()
    record_event(
        acting_user=acting_user,
        event_code="orgs.unit_created",
        subject=unit,
        after=snapshot(unit, UNIT_FIELDS),
        unit=unit,
    )
    return unit


@transaction.atomic
def do_update_unit(unit: Unit, *, acting_user, **changes) -> Unit:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit, UNIT_FIELDS)
    old_path = unit.path
    for key, value in changes.items():
        setattr(unit, key, value)
    _check_parent(unit.level, unit.parent)
    if unit.parent_id and unit.parent.path.startswith(old_path):
        raise ValidationError({"parent": _("A unit cannot be moved under itself or its own subtree.")})
    _set_path(unit)
    unit.full_clean()
    unit.save()
    if unit.path != old_path:
        # Re-root the moved subtree's paths so prefix scoping stays right.
        for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
            child.path = unit.path + child.path[len(old_path):]
            child.depth = child.path.strip("/").count("/")
            child.save(update_fields=["path", "depth"])
    after = snapshot(unit, UNIT_FIELDS)
    if after != before:
        record_event(
            acting_user=acting_user, event_code="orgs.unit_updated", subject=unit, before=before, after=after, unit=unit
        )
    return unit


def _apply_identity(person: Person, identity_number: str | None) -> None:
    if identity_number:
        person.id_hash = hash_identity_number(identity_number)
        person.id_last4 = identity_number.strip()[-4:].upper()


@transaction.atomic
def do_create_person(*, acting_user, identity_number: str | None = None, **fields) -> Person:
    person = Person(**fields)
    _apply_identity(person, identity_number)
    if "rank" not in fields:
        person.rank = rank_for_grade(person.local_grade)
    person.full_clean()
    person.save()
    record_event(
        acting_user=acting_user,
        event_code="orgs.person_created",
        subject=person,
        after=snapshot(person, PERSON_FIELDS),
        unit=person.home_unit,
        subject_people=[person],
    )
    return person


@transaction.atomic
def do_update_person(person: Person, *, acting_user, identity_number: str | None = None, **changes) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    check_conflict_of_interest(acting_user, subject_people=person)  # nobody edits their own or a relative's record
    before = snapshot(person, PERSON_FIELDS)
    for key, value in changes.items():
        setattr(person, key, value)
    _apply_identity(person, identity_number)
    if "local_grade" in changes and "rank" not in changes:
        person.rank = rank_for_grade(person.local_grade)
    person.full_clean()
    person.save()
    after = snapshot(person, PERSON_FIELDS)
    if after != before:
        record_event(
            acting_user=acting_user,
            event_code="orgs.person_updated",
            subject=person,
            before=before,
            after=after,
            unit=person.home_unit,
            subject_people=[person],
        )
    return person


@transaction.atomic
def do_start_post(*, acting_user, person: Person, unit: Unit, post_type: str, start_date: date,
                  end_date: date | None = None, override_reason: str = "") -> Post:
    """Start a post. Other apps' appointment checks (a period of effect after an accountability
    decision, declared as ``appointment_checks``) are asked first: with a warning the post starts only
    with ``override_reason``, recorded in the audit event with the warnings."""
    check_conflict_of_interest(acting_user, named_people=person)  # nobody appoints themselves or a relative
    warnings = [str(w) for w in appointment_warnings(person.pk, start_date)]
    override_reason = (override_reason or "").strip()
    if warnings and not override_reason:
        raise ValidationError({"override_reason": [
            *warnings, _("Give a reason to appoint this person despite these warnings; it is recorded.")]})
    post = Post(person=person, unit=unit, post_type=post_type, start_date=start_date, end_date=end_date)
    post.full_clean()
    overlapping = Post.objects.filter(person=person, unit=unit, post_type=post_type).filter(
        Post.held_on(start_date)
    )
    if overlapping.exists():
        raise ValidationError(_("This person already holds this post in this unit on the start date."))
    post.save()
    after = snapshot(post, POST_FIELDS)
    if warnings:
        after |= {"appointment_warnings": warnings, "override_reason": override_reason}
    record_event(
        acting_user=acting_user,
        event_code="orgs.post_started_despite_warnings" if warnings else "orgs.post_started",
        subject=post,
        after=after,
        unit=unit,
        subject_people=[person],
    )
    return post


@transaction.atomic
def do_end_post(post: Post, *, acting_user, end_date: date) -> Post:
    post = Post.objects.select_for_update().get(pk=post.pk)
    check_conflict_of_interest(acting_user, subject_people=post.person_id)
    before = snapshot(post, POST_FIELDS)
    if post.end_date is not None:
        raise ValidationError(_("This post has already ended."))
    post.end_date = end_date
    post.full_clean()
    post.save(update_fields=["end_date", "updated_at"])
    record_event(
        acting_user=acting_user,
        event_code="orgs.post_ended",
        subject=post,
        before=before,
        after=snapshot(post, POST_FIELDS),
        unit=post.unit,
        subject_people=[post.person_id],
    )
    return post


@transaction.atomic
def do_add_relation(*, acting_user, person: Person, relative: Person, kind: str) -> Relation:
    if Relation.objects.filter(person=relative, relative=person).exists():
        raise ValidationError(_("This relation is already registered."))
    relation = Relation(person=person, relative=relative, kind=kind)
    relation.full_clean()
    relation.save()
    record_event(
        acting_user=acting_user,
        event_code="orgs.relation_added",
        subject=relation,
        after={"person": person.pk, "relative": relative.pk, "kind": kind},
        unit=person.home_unit,
        subject_people=[person, relative],
    )
    return relation


@transaction.atomic
def do_remove_relation(relation: Relation, *, acting_user) -> None:
    # Removing one's own (or a relative's) relation would lift the conflict it declares. Adding one is
    # not checked: a declared relation only ever narrows what its people may do.
    check_conflict_of_interest(acting_user, subject_people=[relation.person_id, relation.relative_id])
    before = {"person": relation.person_id, "relative": relation.relative_id, "kind": relation.kind}
    record_event(
        acting_user=acting_user,
        event_code="orgs.relation_removed",
        subject=relation,
        before=before,
        unit=relation.person.home_unit,
        subject_people=[relation.person_id, relation.relative_id],
    )
    relation.delete()


@transaction.atomic
def do_set_rank_mapping(*, acting_user, local_grade: str, rank: str) -> RankMapping:
    mapping, created = RankMapping.objects.get_or_create(local_grade=local_grade, defaults={"rank": rank})
    before = None if created else {"rank": mapping.rank}
    mapping.rank = rank
    mapping.full_clean()
    mapping.save()
    record_event(
        acting_user=acting_user,
        event_code="orgs.rank_mapping_set",
        subject=mapping,
        before=before,
        after={"local_grade": local_grade, "rank": rank},
    )
    # People on this grade follow the mapping from now on.
    Person.objects.filter(local_grade=local_grade).update(rank=rank)
    return mapping


@transaction.atomic
def do_import_orgs(plan, *, acting_user, progress=None) -> dict[str, int]:
    """Create every unit, person, post and relation of an import plan (``importing.plan.OrgImportPlan``),
    or nothing at all: the plan is validated again inside this transaction, then bulk-created with one
    audit event per object under a single lock of the chain head. Used by the import and the demo."""
    # Imported here, not at the top: the importer imports this module (hash_identity_number, _set_path).
    from .importing.plan import ImportReport
    from .importing.validate import validate_plan
    from .importing.write import write_plan

    report = ImportReport()
    validate_plan(plan, report)
    if not report.ok:
        # Problems name rows and columns and show identity numbers masked, never raw.
        raise ValidationError([str(problem) for problem in report.errors[:100]])
    return write_plan(plan, acting_user=acting_user, progress=progress)
