"""State changes of the duties app. Views, CLI, demo and tests call these; nothing else saves the
app's stateful objects. Every action is atomic and writes its audit event in the same transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cleangov.core.audit import record_event, snapshot
from cleangov.core.workflow import find_transition, validate_reason
from cleangov.deadlines.api import cancel_deadlines, create_deadline, meet_deadlines
from cleangov.orgs.choices import PostTypeChoices, UnitLevelChoices
from cleangov.orgs.conflicts import check_conflict_of_interest
from cleangov.orgs.models import Person, Post, Unit

from .choices import (
    AnnualKeyPointsStatusChoices,
    DutyItemStatusChoices,
    LetterSideChoices,
)

# Evidence checks, letter content and read-only queries live in their own modules (evidence.py,
# letters.py, selectors.py); names that callers imported from here stay importable ("X as X").
from .evidence import EvidenceLinkSpec, check_link_target, validate_evidence_file
from .letters import build_letter_content, comparable_content
from .models import (
    AnnualKeyPoints,
    DutyEvidenceFile,
    DutyEvidenceLink,
    DutyItem,
    DutyProgress,
    KeyPoint,
    LetterSignature,
    LetterVersion,
    ResponsibilityLetter,
    content_hash,
)
from .selectors import first_responsible_person as first_responsible_person
from .selectors import letter_duty_items as letter_duty_items
from .selectors import letter_pairs, responsibility_of
from .selectors import letter_status as letter_status
from .workflow import DUTY_TRANSITIONS, DUTY_WORKFLOW, OPEN_STATUSES

DEADLINE_RULE = "duties.item_completion"
ITEM_FIELDS = ("unit", "year", "key_point", "parent", "title", "lead_person", "responsibility", "lead_unit",
               "due_date", "expected_evidence", "status", "completed_on")
KEYPOINTS_FIELDS = ("unit", "year", "title", "status", "published_at")


def _user_of(person: Person | None):
    """The account linked to a person, if any (the reverse one-to-one raises when there is none)."""
    return getattr(person, "user", None) if person is not None else None


# --- annual key points ----------------------------------------------------------------------------
@transaction.atomic
def do_create_keypoints(*, acting_user, unit: Unit, year: int, title: str) -> AnnualKeyPoints:
    if unit.level != UnitLevelChoices.COUNTY:
        raise ValidationError({"unit": _("Annual key points are published by the county.")})
    doc = AnnualKeyPoints(unit=unit, year=year, title=title)
    doc.full_clean()
    doc.save()
    record_event(acting_user=acting_user, event_code="duties.keypoints_created", subject=doc,
                 after=snapshot(doc, KEYPOINTS_FIELDS), unit=unit)
    return doc


@transaction.atomic
def do_add_key_point(doc: AnnualKeyPoints, *, acting_user, title: str, text: str = "") -> KeyPoint:
    doc = AnnualKeyPoints.objects.select_for_update().get(pk=doc.pk)
    if doc.is_published:
        raise ValidationError(_("Published key points no longer change."))
    number = (doc.points.aggregate(n=Max("number"))["n"] or 0) + 1
    point = KeyPoint(document=doc, number=number, title=title, text=text)
    point.full_clean()
    point.save()
    record_event(acting_user=acting_user, event_code="duties.key_point_added", subject=point,
                 after={"document": doc.pk, "number": number, "title": title, "text": text}, unit=doc.unit)
    return point


@transaction.atomic
def do_publish_keypoints(doc: AnnualKeyPoints, *, acting_user) -> AnnualKeyPoints:
    doc = AnnualKeyPoints.objects.select_for_update().get(pk=doc.pk)
    if doc.is_published:
        raise ValidationError(_("These key points are already published."))
    if not doc.points.exists():
        raise ValidationError(_("Add at least one key point before publishing."))
    before = snapshot(doc, KEYPOINTS_FIELDS)
    doc.status = AnnualKeyPointsStatusChoices.PUBLISHED
    doc.published_at = timezone.now()
    doc.published_by = acting_user if getattr(acting_user, "pk", None) else None
    doc.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    record_event(acting_user=acting_user, event_code="duties.keypoints_published", subject=doc, before=before,
                 after=snapshot(doc, KEYPOINTS_FIELDS), unit=doc.unit)
    return doc


# --- duty items -----------------------------------------------------------------------------------
def _check_item(item: DutyItem, on: date) -> None:
    errors = {}
    if not Post.objects.filter(Post.held_on(on), unit=item.unit, person=item.lead_person).exists():
        errors["lead_person"] = _("The lead leader must hold a post in the unit.")
    if item.key_point_id:
        # Read the document from the database: a caller's KeyPoint may carry a stale draft document.
        document = AnnualKeyPoints.objects.get(points=item.key_point_id)
        if not document.is_published:
            errors["key_point"] = _("Duties are decomposed from published key points only.")
        elif document.year != item.year:
            errors["key_point"] = _("The key point belongs to another year.")
    if item.parent_id and not item.unit.path.startswith(item.parent.unit.path):
        errors["parent"] = _("A parent item belongs to a unit above this one.")
    if errors:
        raise ValidationError(errors)


def _item_link(item: DutyItem) -> str:
    return reverse("duties:item_detail", args=[item.pk])


def lead_post(item: DutyItem, on: date | None = None) -> Post | None:
    """The post through which the item's lead leader answers for it in the item's unit."""
    on = on or timezone.localdate()
    return (Post.objects.filter(Post.held_on(on), unit=item.unit, person_id=item.lead_person_id)
            .select_related("person").order_by("start_date").first())


def _start_clock(item: DutyItem, *, acting_user) -> None:
    # A due date on a rest day runs to the next working day (docs/deadlines.md, "Due dates on rest
    # days"); the item keeps the date as decided, the clock shows both.
    create_deadline(item, DEADLINE_RULE, due_date=item.due_date, assignee=_user_of(item.lead_person),
                    unit=item.unit, acting_user=acting_user, title=item.title[:300], link=_item_link(item),
                    subject_people=[item.lead_person_id], responsible_post=lead_post(item),
                    rest_day_moves_on=True)


@transaction.atomic
def do_create_duty_item(*, acting_user, unit: Unit, year: int, title: str, lead_person: Person, due_date: date,
                        expected_evidence: str, key_point: KeyPoint | None = None, parent: DutyItem | None = None,
                        description: str = "", lead_unit: Unit | None = None, assign: bool = False) -> DutyItem:
    """A new item of ``unit``'s duty list, in draft (or assigned at once with ``assign``)."""
    # A unit's first responsible person may lead an item themselves; never a relative of the author.
    check_conflict_of_interest(acting_user, named_people=lead_person, allow_self=True)
    on = timezone.localdate()
    item = DutyItem(unit=unit, year=year, title=title, lead_person=lead_person, due_date=due_date,
                    expected_evidence=expected_evidence, key_point=key_point, parent=parent,
                    description=description, lead_unit=lead_unit or unit,
                    created_by=acting_user if getattr(acting_user, "pk", None) else None)
    item.responsibility = responsibility_of(unit, lead_person, parent, on)
    _check_item(item, on)
    item.full_clean()
    item.save()
    record_event(acting_user=acting_user, event_code="duties.item_created", subject=item,
                 after=snapshot(item, ITEM_FIELDS), unit=unit, subject_people=[lead_person])
    if assign:
        item = do_transition_duty_item(item, "assign", acting_user=acting_user)
    return item


@transaction.atomic
def do_update_duty_item(item: DutyItem, *, acting_user, **changes) -> DutyItem:
    """Edit a draft item (once assigned, the lead person has been told what they answer for)."""
    item = DutyItem.objects.select_for_update().get(pk=item.pk)
    check_conflict_of_interest(acting_user, named_people=changes.get("lead_person"), subject_people=item.lead_person_id,
                               allow_self=True)
    if item.status != DutyItemStatusChoices.DRAFT:
        raise ValidationError(_("Only a draft item can be edited."))
    before = snapshot(item, ITEM_FIELDS)
    for key, value in changes.items():
        setattr(item, key, value)
    on = timezone.localdate()
    item.responsibility = responsibility_of(item.unit, item.lead_person, item.parent, on)
    _check_item(item, on)
    item.full_clean()
    item.save()
    record_event(acting_user=acting_user, event_code="duties.item_updated", subject=item, before=before,
                 after=snapshot(item, ITEM_FIELDS), unit=item.unit, subject_people=[item.lead_person_id])
    return item


@transaction.atomic
def do_transition_duty_item(item: DutyItem, name: str, *, acting_user, reason: str = "") -> DutyItem:
    """Move an item along DUTY_TRANSITIONS. The caller (view) has checked the capability through the
    access gate; this checks the source status and the guards."""
    if name not in DUTY_TRANSITIONS:
        raise ValidationError(_("Unknown step."))
    item = DutyItem.objects.select_for_update().select_related("lead_person", "unit").get(pk=item.pk)
    step = DUTY_TRANSITIONS[name]
    if step.capability != "lead":  # the lead's own steps are their work; the others decide about them
        # A manager may assign or cancel an item they lead themselves; nobody verifies their own.
        check_conflict_of_interest(acting_user, subject_people=item.lead_person_id,
                                   allow_self=step.capability == "manage")
    transition = find_transition(DUTY_WORKFLOW, item.status, name)
    if transition is None:
        raise ValidationError(_("An item that is %(status)s cannot take the step “%(step)s”.")
                              % {"status": item.get_status_display(), "step": DUTY_TRANSITIONS[name].label})
    reason = validate_reason(transition, reason)
    if transition.needs_evidence and not item.progress.exists():
        raise ValidationError(_("Record at least one progress update with its evidence before reporting the "
                                "item as done."))
    before = snapshot(item, ITEM_FIELDS)
    item.status = transition.target
    fields = ["status", "updated_at"]
    if name == "complete":
        item.completed_on = timezone.localdate()
        fields.append("completed_on")
    elif name == "return":
        item.completed_on = None
        fields.append("completed_on")
    elif name == "verify":
        item.verified_at = timezone.now()
        item.verified_by = acting_user if getattr(acting_user, "pk", None) else None
        fields += ["verified_at", "verified_by"]
    item.save(update_fields=fields)
    after = snapshot(item, ITEM_FIELDS)
    if reason:
        after["reason"] = reason
    record_event(acting_user=acting_user, event_code=f"duties.item_{transition.target}", subject=item,
                 before=before, after=after, unit=item.unit, subject_people=[item.lead_person_id])
    # The clock: started on assignment, stopped when done, started again (same due date) when the
    # verifier returns the item, cancelled with the item.
    if name in ("assign", "return"):
        _start_clock(item, acting_user=acting_user)
    elif name == "complete":
        meet_deadlines(item, rule=DEADLINE_RULE, acting_user=acting_user)
    elif name == "cancel":
        cancel_deadlines(item, rule=DEADLINE_RULE, acting_user=acting_user, reason=reason)
    return item


@transaction.atomic
def do_add_duty_progress(item: DutyItem, *, acting_user, text: str, files: Iterable = (),
                         links: Iterable[EvidenceLinkSpec] = ()) -> DutyProgress:
    """Record progress with its evidence; the first update of an assigned item starts it."""
    item = DutyItem.objects.select_for_update().get(pk=item.pk)
    if item.status not in OPEN_STATUSES:
        raise ValidationError(_("Progress is recorded on assigned items that are not yet done."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Say what was done.")})
    progress = DutyProgress(item=item, text=text, created_at=timezone.now(),
                            author=acting_user if getattr(acting_user, "pk", None) else None)
    progress.save()
    stored_files = []
    for upload in files:
        ext, content_type = validate_evidence_file(upload)
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        evidence = DutyEvidenceFile(progress=progress, original_name=upload.name[:200], content_type=content_type,
                                    size=upload.size, sha256=digest.hexdigest())
        evidence.file.save(f"evidence.{ext}", upload, save=False)
        evidence.save()
        stored_files.append({"name": evidence.original_name, "sha256": evidence.sha256, "size": evidence.size})
    stored_links = []
    for spec in links:
        check_link_target(spec)
        DutyEvidenceLink.objects.create(progress=progress, target_type=spec.target_type,
                                        target_id=str(spec.target_id), label=spec.label[:200])
        stored_links.append({"type": spec.target_type, "id": str(spec.target_id), "label": spec.label})
    record_event(acting_user=acting_user, event_code="duties.progress_added", subject=item,
                 after={"progress": progress.pk, "text": text, "files": stored_files, "links": stored_links},
                 unit=item.unit, subject_people=[item.lead_person_id])
    if item.status == DutyItemStatusChoices.ASSIGNED:
        before = snapshot(item, ITEM_FIELDS)
        item.status = DutyItemStatusChoices.IN_PROGRESS
        item.save(update_fields=["status", "updated_at"])
        record_event(acting_user=acting_user, event_code="duties.item_in_progress", subject=item, before=before,
                     after=snapshot(item, ITEM_FIELDS), unit=item.unit, subject_people=[item.lead_person_id])
    return progress


@dataclass
class RollDownResult:
    created: list[DutyItem] = field(default_factory=list)
    already: list[Unit] = field(default_factory=list)  # villages that already had a child item
    no_secretary: list[Unit] = field(default_factory=list)  # villages without a party secretary today


@transaction.atomic
def do_roll_down_duty_item(item: DutyItem, *, acting_user, due_date: date | None = None) -> RollDownResult:
    """Create one village item per village of the township, led by each village's party secretary
    (the second responsible person), assigned at once with its own clock (一级抓一级, Art. 5)."""
    item = DutyItem.objects.select_for_update().select_related("unit").get(pk=item.pk)
    if item.unit.level != UnitLevelChoices.TOWNSHIP:
        raise ValidationError(_("Only a township's items roll down to its villages."))
    if item.status not in (*OPEN_STATUSES, DutyItemStatusChoices.DONE, DutyItemStatusChoices.VERIFIED):
        raise ValidationError(_("Assign the item before rolling it down."))
    on = timezone.localdate()
    due_date = due_date or item.due_date
    result = RollDownResult()
    villages = [v for v in Unit.objects.filter(parent=item.unit, level=UnitLevelChoices.VILLAGE).order_by("path")
                if v.is_active_on(on)]
    existing = set(item.children.values_list("unit_id", flat=True))
    secretaries = {
        p.unit_id: p.person
        for p in Post.objects.filter(Post.held_on(on), unit__in=villages,
                                     post_type=PostTypeChoices.VILLAGE_PARTY_SECRETARY)
        .select_related("person").order_by("start_date")
    }
    for village in villages:
        if village.pk in existing:
            result.already.append(village)
            continue
        secretary = secretaries.get(village.pk)
        if secretary is None:
            result.no_secretary.append(village)
            continue
        result.created.append(do_create_duty_item(
            acting_user=acting_user, unit=village, year=item.year, title=item.title, lead_person=secretary,
            due_date=due_date, expected_evidence=item.expected_evidence, key_point=item.key_point, parent=item,
            description=item.description, assign=True,
        ))
    record_event(acting_user=acting_user, event_code="duties.item_rolled_down", subject=item,
                 after={"created": [c.pk for c in result.created], "villages": [c.unit_id for c in result.created],
                        "no_secretary": [v.pk for v in result.no_secretary]},
                 unit=item.unit, subject_people=[item.lead_person_id])
    return result


# --- letters of responsibility --------------------------------------------------------------------
def _new_version(letter: ResponsibilityLetter, *, acting_user, reason: str, extra_terms: str) -> LetterVersion:
    number = letter.current_version + 1
    content = build_letter_content(letter, number=number, extra_terms=extra_terms)
    version = LetterVersion(letter=letter, number=number, content=content, content_hash=content_hash(content),
                            reason=reason, created_at=timezone.now(),
                            created_by=acting_user if getattr(acting_user, "pk", None) else None)
    version.save()
    letter.current_version = number
    letter.save(update_fields=["current_version", "updated_at"])
    return version


@transaction.atomic
def do_create_letter(*, acting_user, year: int, issuer_unit: Unit, issuer_person: Person, recipient_unit: Unit,
                     recipient_person: Person) -> ResponsibilityLetter:
    # The issuer is the unit's first responsible person, who issues letters in their own name: they
    # may be the acting user, but not a relative of theirs; the recipient may be neither.
    check_conflict_of_interest(acting_user, named_people=recipient_person)
    check_conflict_of_interest(acting_user, named_people=issuer_person, allow_self=True)
    letter = ResponsibilityLetter(year=year, issuer_unit=issuer_unit, issuer_person=issuer_person,
                                  recipient_unit=recipient_unit, recipient_person=recipient_person)
    letter.full_clean()
    letter.save()
    version = _new_version(letter, acting_user=acting_user, reason="", extra_terms="")
    record_event(acting_user=acting_user, event_code="duties.letter_created", subject=letter,
                 after={"year": year, "issuer_unit": issuer_unit.pk, "issuer_person": issuer_person.pk,
                        "recipient_unit": recipient_unit.pk, "recipient_person": recipient_person.pk,
                        "version": version.number, "content_hash": version.content_hash},
                 unit=recipient_unit, subject_people=[issuer_person, recipient_person])
    return letter


@transaction.atomic
def do_generate_letters(unit: Unit, year: int, *, acting_user) -> tuple[list[ResponsibilityLetter], int]:
    """Create the missing letters of ``unit`` for ``year``; returns (created, already existing)."""
    created, existing = [], 0
    for issuer_unit, issuer, recipient_unit, recipient in letter_pairs(unit, year):
        if ResponsibilityLetter.objects.filter(year=year, issuer_person=issuer, recipient_person=recipient,
                                               recipient_unit=recipient_unit).exists():
            existing += 1
            continue
        created.append(do_create_letter(acting_user=acting_user, year=year, issuer_unit=issuer_unit,
                                        issuer_person=issuer, recipient_unit=recipient_unit,
                                        recipient_person=recipient))
    return created, existing


@transaction.atomic
def do_revise_letter(letter: ResponsibilityLetter, *, acting_user, reason: str,
                     extra_terms: str | None = None) -> LetterVersion:
    """A new version from the current duty list (and terms). The old version and its signatures stay
    as they were, read-only; the new version is unsigned until both sides sign it again."""
    letter = ResponsibilityLetter.objects.select_for_update().get(pk=letter.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the letter changes.")})
    current = letter.versions.get(number=letter.current_version)
    if extra_terms is None:
        extra_terms = current.content.get("extra_terms", "")
    candidate = build_letter_content(letter, number=current.number + 1, extra_terms=extra_terms)
    if comparable_content(candidate) == comparable_content(current.content):
        raise ValidationError(_("Nothing in the letter has changed: its duty list and terms are the same."))
    version = _new_version(letter, acting_user=acting_user, reason=reason, extra_terms=extra_terms)
    record_event(acting_user=acting_user, event_code="duties.letter_revised", subject=letter,
                 before={"version": current.number, "content_hash": current.content_hash},
                 after={"version": version.number, "content_hash": version.content_hash, "reason": reason},
                 unit=letter.recipient_unit, subject_people=[letter.issuer_person_id, letter.recipient_person_id])
    return version


@transaction.atomic
def do_sign_letter(letter: ResponsibilityLetter, *, acting_user, version_number: int | None = None) -> LetterSignature:
    """The named person acknowledges the current version through their own account, at server time."""
    letter = ResponsibilityLetter.objects.select_for_update().get(pk=letter.pk)
    person_id = getattr(acting_user, "person_id", None)
    if person_id and person_id == letter.issuer_person_id:
        side = LetterSideChoices.ISSUER
    elif person_id and person_id == letter.recipient_person_id:
        side = LetterSideChoices.RECIPIENT
    else:
        raise ValidationError(_("Only the person named in the letter signs their side."))
    if version_number is not None and version_number != letter.current_version:
        raise ValidationError(_("The letter has changed since you opened it: read the new version, then sign."))
    version = letter.versions.get(number=letter.current_version)
    if not version.hash_is_intact():
        raise ValidationError(_("This version's content does not match its hash; it cannot be signed."))
    if version.signatures.filter(side=side).exists():
        raise ValidationError(_("You have already signed this version."))
    signature = LetterSignature(version=version, side=side, person_id=person_id, user=acting_user,
                                signed_at=timezone.now(), content_hash=version.content_hash)
    signature.save()
    record_event(acting_user=acting_user, event_code="duties.letter_signed", subject=letter,
                 after={"version": version.number, "side": side, "person": person_id,
                        "content_hash": version.content_hash, "signed_at": signature.signed_at},
                 unit=letter.recipient_unit, subject_people=[letter.issuer_person_id, letter.recipient_person_id])
    return signature
