"""State changes of rectification items. Views, the signal receiver, the demo and tests call these;
each is atomic and writes one audit event.

Regulations: 中发〔2010〕19号 检查考核 (a unit reports on its rectification within the time set), 问责
条例（2019）第四条 (the party committee holds the 主体责任 for rectification, its discipline commission
the 监督专责), 监察法（2018）第五十八条 (recusal of a handler with a conflict of interest).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cleangov.core.audit import record_event
from cleangov.core.matters import MatterRef
from cleangov.core.models import Notification
from cleangov.core.workflow import find_transition, validate_reason
from cleangov.deadlines.api import add_workdays, cancel_deadlines, create_deadline, meet_deadlines
from cleangov.deadlines.workflow import escalation_target
from cleangov.orgs.conflicts import check_conflict_of_interest
from cleangov.orgs.models import Person, Unit, related_person_ids

from .access import capabilities
from .choices import EvidenceKindChoices, ItemEventKindChoices, ItemOriginChoices
from .choices import ItemStatusChoices as S
from .models import ItemEvent, ItemEvidence, ItemSubject, RectificationItem, Recusal, Repayment
from .taxonomy import problem_type_for, problem_types
from .workflow import DEADLINE_RULE, RECTIFICATION_WORKFLOW

# Evidence files: scans, photos and office documents, capped so a phone upload over a village
# connection stays reasonable (the same bound as a duty item's evidence).
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_MAX_FILES = 10
EVIDENCE_TYPES = {
    "pdf": ("application/pdf", (b"%PDF",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "txt": ("text/plain", ()),
}
# When the finder sets no deadline: 20 working days, the month 中发〔2010〕19号 gives a unit to report
# its rectification after an inspection.
DEFAULT_WORKDAYS = 20


def recurrence_months() -> int:
    """The recurrence window in months (setting CLEANGOV_RECTIFICATION_RECURRENCE_MONTHS, default 12)."""
    return int(getattr(settings, "CLEANGOV_RECTIFICATION_RECURRENCE_MONTHS", 12))


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (the last day of a shorter month: 29 Feb → 28 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def find_recurrence(unit_id: int, problem_type: str, found_on: dt.date, *,
                    exclude_pk: int | None = None) -> RectificationItem | None:
    """The latest closed item of the same unit and problem type closed within the window before
    ``found_on`` (the window's first day included)."""
    since = months_before(found_on, recurrence_months())
    qs = RectificationItem.objects.filter(unit_id=unit_id, problem_type=problem_type, status=S.CLOSED,
                                          closed_on__gte=since, closed_on__lte=found_on)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("-closed_on", "-pk").first()


def _user_pk(user):
    return user if getattr(user, "pk", None) else None


def _event(item, kind, *, acting_user, text: str = "", for_responsible: bool = False) -> ItemEvent:
    return ItemEvent.objects.create(item=item, kind=kind, text=text, actor=_user_pk(acting_user),
                                    for_responsible=for_responsible, created_at=timezone.now())


def subject_ids(item: RectificationItem) -> list[int]:
    return sorted(set(item.subject_links.values_list("person_id", flat=True)))


def work_url(item) -> str:
    return reverse("rectification:item_work", args=[item.pk])


def _start_clock(item: RectificationItem, *, acting_user) -> None:
    from cleangov.deadlines.api import ACTIVE_STATUSES, deadlines_for

    if deadlines_for(item, rule=DEADLINE_RULE).filter(status__in=ACTIVE_STATUSES).exists():
        return  # the item's clock still runs
    person = item.responsible_person
    assignee = getattr(person, "user", None) if person is not None and _has_user(person) else None
    # The to-do of the responsible person links to the work view made for them, never to a page
    # the conflict rule closes to them.
    create_deadline(item, DEADLINE_RULE, due_date=item.deadline, unit=item.unit, acting_user=acting_user,
                    assignee=assignee, link=work_url(item),
                    title=_("Rectify: %(title)s") % {"title": item.title[:80]},
                    subject_people=[p for p in subject_ids(item) if p != item.responsible_person_id])


def _has_user(person: Person) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return person.user is not None
    except ObjectDoesNotExist:
        return False


def _escalate(item: RectificationItem, *, acting_user, reason: str) -> None:
    """Hand the item one level up: the unit above (the escalation table of the deadline engine) is
    recorded and its supervising roles are notified."""
    from cleangov.accounts.models import RoleAssignment

    target, roles = escalation_target(item.unit)
    item.escalation_level += 1
    item.escalated_to = target
    today = timezone.localdate()
    covering = Q(unit=target) | Q(unit__in=target.ancestors(), include_subtree=True)
    excluded = related_person_ids(subject_ids(item))
    holders = (RoleAssignment.objects.filter(covering, role__in=roles, user__is_active=True)
               .filter(Q(start_date__isnull=True) | Q(start_date__lte=today))
               .filter(Q(end_date__isnull=True) | Q(end_date__gte=today)).select_related("user"))
    seen = set()
    for assignment in holders:
        user = assignment.user
        if user.pk in seen or (user.person_id and user.person_id in excluded):
            continue
        seen.add(user.pk)
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            text = _("Escalated to you: %(title)s (%(unit)s) — %(reason)s") % {
                "title": item.title[:80], "unit": str(item.unit), "reason": reason}
        Notification.objects.create(recipient=user, kind="rectification.escalated", text=text,
                                    link=reverse("rectification:item_detail", args=[item.pk]))


# --------------------------------------------------------------------------- opening

@transaction.atomic
def do_open_item(*, unit: Unit, title: str, responsible_person: Person | None, acting_user,
                 detail: str = "", explanation: str = "", lines: Iterable[dict] = (),
                 origin: str = ItemOriginChoices.MANUAL, source_ref: str = "", source_code: str = "",
                 problem_type: str = "", deadline: dt.date | None = None, amount: Decimal | None = None,
                 subject_person_ids: Iterable[int] = (), found_on: dt.date | None = None) -> RectificationItem:
    """Open an item. A problem matching a closed one (same unit and type, closed within the window)
    is marked a recurrence of it and escalated one level up."""
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Say what the problem is.")})
    found_on = found_on or timezone.localdate()
    problem_type = problem_type or problem_type_for(source_code)
    if problem_type not in problem_types():
        raise ValidationError({"problem_type": _("Unknown problem type: %(code)s.") % {"code": problem_type}})
    if deadline is None:
        deadline = add_workdays(found_on, DEFAULT_WORKDAYS).date
    if deadline <= found_on:
        raise ValidationError({"deadline": _("The deadline must be after the day the problem was found.")})
    if amount is not None and amount < 0:
        raise ValidationError({"amount": _("The amount to recover cannot be negative.")})
    subjects = {int(p) for p in subject_person_ids}
    if responsible_person is not None:
        subjects.add(responsible_person.pk)
    check_conflict_of_interest(acting_user, named_people=responsible_person,
                               subject_people=sorted(subjects - {getattr(responsible_person, "pk", None)}))
    item = RectificationItem.objects.create(
        unit=unit, origin=origin, source_ref=source_ref, source_code=source_code, problem_type=problem_type,
        title=title[:300], detail=(detail or "").strip(), explanation=(explanation or "").strip(),
        lines=list(lines), responsible_person=responsible_person, found_on=found_on, deadline=deadline,
        amount_to_recover=amount or None, created_by=_user_pk(acting_user))
    ItemSubject.objects.bulk_create([ItemSubject(item=item, person_id=p) for p in sorted(subjects)])
    _event(item, ItemEventKindChoices.CREATED, acting_user=acting_user, for_responsible=True)
    earlier = find_recurrence(unit.pk, problem_type, found_on, exclude_pk=item.pk)
    if earlier is not None:
        item.recurrence_of = earlier
        reason = _("recurrence of item #%(id)s, closed on %(day)s") % {"id": earlier.pk,
                                                                        "day": earlier.closed_on.isoformat()}
        _escalate(item, acting_user=acting_user, reason=reason)
        item.save(update_fields=["recurrence_of", "escalation_level", "escalated_to", "updated_at"])
        _event(item, ItemEventKindChoices.RECURRENCE, acting_user=acting_user, text=reason)
    record_event(acting_user=acting_user, event_code="rectification.item_opened", subject=item, unit=unit,
                 after={"origin": origin, "source": source_ref, "problem_type": problem_type, "title": item.title,
                        "responsible_person": getattr(responsible_person, "pk", None),
                        "deadline": deadline, "amount": amount, "recurrence_of": getattr(earlier, "pk", None),
                        "escalated_to": item.escalated_to_id},
                 subject_people=sorted(subjects))
    _start_clock(item, acting_user=acting_user)
    return item


def receive_problem(sender=None, *, source, source_code: str = "", unit_id: int, title: str, detail: str = "",
                    responsible_person_id: int | None = None, deadline: dt.date | None = None,
                    amount: Decimal | None = None, acting_user=None, explanation: str = "",
                    lines: Iterable[dict] = (), subject_person_ids: Iterable[int] = (), **_ignored):
    """Receiver of ``core.signals.problem_found``: open an item for the problem (inside the sender's
    transaction). Returns the item's reference, so the sender knows the problem is taken over."""
    ref = source if isinstance(source, MatterRef) else MatterRef.parse(str(source))
    existing = RectificationItem.objects.filter(source_ref=str(ref)).exclude(status=S.CANCELLED).first()
    if existing is not None:  # the same matter found twice (a finding re-confirmed): one item
        return MatterRef.of(existing)
    origin = ref.kind if ref.kind in ItemOriginChoices.values else ItemOriginChoices.OTHER
    person = Person.objects.filter(pk=responsible_person_id).first() if responsible_person_id else None
    problem_type = problem_type_for(source_code)
    # Money is to be recovered only for problem types about money spent (the taxonomy says which):
    # an IOU booked instead of an invoice needs the invoice, not a repayment.
    if not problem_types()[problem_type].money:
        amount = None
    item = do_open_item(unit=Unit.objects.get(pk=unit_id), title=title, detail=detail, explanation=explanation,
                        lines=lines, origin=origin, source_ref=str(ref), source_code=source_code,
                        problem_type=problem_type, responsible_person=person, deadline=deadline, amount=amount,
                        subject_person_ids=subject_person_ids, acting_user=acting_user)
    return MatterRef.of(item)


# --------------------------------------------------------------------------- the responsible person

def validate_evidence_file(upload) -> tuple[str, str]:
    """(extension, content type) of an acceptable evidence file, or ValidationError naming the file.

    Checks the size, the extension and the file's first bytes, so a renamed executable is refused."""
    name = getattr(upload, "name", "") or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in EVIDENCE_TYPES:
        raise ValidationError({"files": _("%(name)s: files of this type cannot be attached: use PDF, JPEG, PNG, "
                                          "DOCX, XLSX or TXT.") % {"name": name}})
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError({"files": _("%(name)s: the file is larger than %(mb)s MB.") % {
            "name": name, "mb": EVIDENCE_MAX_BYTES // (1024 * 1024)}})
    if upload.size == 0:
        raise ValidationError({"files": _("%(name)s: the file is empty.") % {"name": name}})
    content_type, magics = EVIDENCE_TYPES[ext]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if (magics and not any(head.startswith(m) for m in magics)) or (ext == "txt" and b"\x00" in head):
        raise ValidationError({"files": _("%(name)s: the file's content does not match its type.") % {"name": name}})
    return ext, content_type


@transaction.atomic
def do_submit_item(item: RectificationItem, *, acting_user, measures: str, files: Iterable = (),
                   links: Iterable[tuple[str, str]] = ()) -> RectificationItem:
    """The responsible person submits the measures taken with evidence of completion (files, links).

    Only the item's responsible person may (capability ``responsible``): the item is about them, so
    the conflict check that guards handlers does not apply to this step; they can never verify it."""
    item = RectificationItem.objects.select_for_update().get(pk=item.pk)
    transition = find_transition(RECTIFICATION_WORKFLOW, item.status, "submit")
    if transition is None:
        raise ValidationError(_("This item is not waiting for your measures."))
    if transition.capability not in capabilities(acting_user, item):
        raise PermissionDenied(_("Only the responsible person submits the rectification."))
    measures = (measures or "").strip()
    if not measures:
        raise ValidationError({"measures": _("Describe the measures taken.")})
    files, links = list(files), list(links)
    if len(files) > EVIDENCE_MAX_FILES:
        raise ValidationError({"files": _("Attach at most %(n)s files at a time.") % {"n": EVIDENCE_MAX_FILES}})
    checked = [(upload, *validate_evidence_file(upload)) for upload in files]
    url_check = URLValidator(schemes=["http", "https"])
    for url, _label in links:
        try:
            url_check(url)
        except ValidationError as exc:
            raise ValidationError({"link_url": _("%(url)s is not a web address (http or https).") % {"url": url}}) \
                from exc
    now = timezone.now()
    stored = []
    for upload, ext, content_type in checked:
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        evidence = ItemEvidence(item=item, kind=EvidenceKindChoices.FILE, original_name=upload.name[:200],
                                content_type=content_type, size=upload.size, sha256=digest.hexdigest(),
                                submitted_by=_user_pk(acting_user), created_at=now)
        evidence.file.save(f"evidence.{ext}", upload, save=False)
        evidence.save()
        stored.append({"name": evidence.original_name, "sha256": evidence.sha256, "size": evidence.size})
    for url, label in links:
        ItemEvidence.objects.create(item=item, kind=EvidenceKindChoices.LINK, url=url, label=(label or url)[:200],
                                    submitted_by=_user_pk(acting_user), created_at=now)
        stored.append({"url": url, "label": label})
    if not item.evidence.exists():
        raise ValidationError({"files": _("Attach at least one file or link as evidence of completion.")})
    before = {"status": item.status, "measures": item.measures}
    item.measures = measures
    item.status = transition.target
    item.submitted_at = now
    item.save(update_fields=["measures", "status", "submitted_at", "updated_at"])
    _event(item, ItemEventKindChoices.SUBMITTED, acting_user=acting_user, text=measures, for_responsible=True)
    record_event(acting_user=acting_user, event_code="rectification.item_submitted", subject=item, unit=item.unit,
                 before=before, after={"status": item.status, "measures": measures, "evidence": stored},
                 subject_people=subject_ids(item))
    # The rectification is reported: the clock stops (a rejection starts it again).
    meet_deadlines(item, rule=DEADLINE_RULE, acting_user=acting_user)
    return item


# --------------------------------------------------------------------------- handlers

def recovered(item: RectificationItem) -> Decimal:
    return item.repayments.aggregate(s=Sum("amount"))["s"] or Decimal(0)


def _check_handler(item: RectificationItem, acting_user) -> None:
    check_conflict_of_interest(acting_user, subject_people=subject_ids(item))
    if acting_user is not None and "handle" not in capabilities(acting_user, item):
        raise PermissionDenied(_("You may not handle this item."))


@transaction.atomic
def do_decide_item(item: RectificationItem, verb: str, *, acting_user, reason: str = "") -> RectificationItem:
    """Reject the evidence, verify, close or cancel (workflow.py), by a handler who is not a subject."""
    item = RectificationItem.objects.select_for_update().get(pk=item.pk)
    transition = find_transition(RECTIFICATION_WORKFLOW, item.status, verb)
    if transition is None or transition.name == "submit":
        raise ValidationError(_("This step does not apply to the item in its current state."))
    _check_handler(item, acting_user)
    reason = validate_reason(transition, reason)
    if verb == "close" and item.amount_to_recover:
        outstanding = item.amount_to_recover - recovered(item)
        if outstanding > 0:
            raise ValidationError(_("%(amount)s yuan is still to be recovered: record the repayments first.")
                                  % {"amount": outstanding})
    before = {"status": item.status}
    item.status = transition.target
    today = timezone.localdate()
    kind = {"reject": ItemEventKindChoices.REJECTED, "verify": ItemEventKindChoices.VERIFIED,
            "close": ItemEventKindChoices.CLOSED, "cancel": ItemEventKindChoices.CANCELLED}[verb]
    if verb == "reject":
        item.rejections += 1
    elif verb == "verify":
        item.verified_by, item.verified_at = _user_pk(acting_user), timezone.now()
    elif verb == "close":
        item.closed_on, item.closed_by = today, _user_pk(acting_user)
    item.save()
    # The verifier's reasons for returning it and its verification and closing are told to the
    # responsible person; a cancellation's reason is the handlers' record.
    _event(item, kind, acting_user=acting_user, text=reason, for_responsible=verb != "cancel")
    record_event(acting_user=acting_user, event_code=f"rectification.item_{verb}", subject=item, unit=item.unit,
                 before=before, after={"status": item.status, "reason": reason}, subject_people=subject_ids(item))
    if verb == "reject":
        _start_clock(item, acting_user=acting_user)
    elif verb == "cancel":
        cancel_deadlines(item, rule=DEADLINE_RULE, acting_user=acting_user, reason=reason)
    return item


@transaction.atomic
def do_record_repayment(item: RectificationItem, *, acting_user, amount: Decimal, paid_on: dt.date,
                        receipt: str) -> Repayment:
    """Money paid back on the item, with the voucher or receipt number that proves it."""
    item = RectificationItem.objects.select_for_update().get(pk=item.pk)
    _check_handler(item, acting_user)
    if not item.amount_to_recover:
        raise ValidationError(_("This item has no amount to recover."))
    if item.status in (S.CLOSED, S.CANCELLED):
        raise ValidationError(_("The item is no longer open."))
    receipt = (receipt or "").strip()
    if not receipt:
        raise ValidationError({"receipt": _("Give the voucher or receipt number of the repayment.")})
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("The amount repaid must be more than zero.")})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("The payment date cannot be in the future.")})
    outstanding = item.amount_to_recover - recovered(item)
    if amount > outstanding:
        raise ValidationError({"amount": _("Only %(amount)s yuan is still to be recovered.") % {"amount": outstanding}})
    repayment = Repayment.objects.create(item=item, amount=amount, paid_on=paid_on, receipt=receipt[:100],
                                         recorded_by=_user_pk(acting_user), created_at=timezone.now())
    _event(item, ItemEventKindChoices.REPAYMENT, acting_user=acting_user,
           text=f"{amount} · {receipt} · {paid_on.isoformat()}", for_responsible=True)
    record_event(acting_user=acting_user, event_code="rectification.repayment_recorded", subject=item,
                 unit=item.unit, after={"amount": amount, "paid_on": paid_on, "receipt": receipt,
                                        "recovered": recovered(item)}, subject_people=subject_ids(item))
    return repayment


@transaction.atomic
def do_recuse_from_item(item: RectificationItem, *, acting_user, reason: str) -> Recusal:
    """A handler withdraws from an item (监察法 2018 第五十八条): recorded, and the item leaves their reach."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for withdrawing.")})
    recusal, created = Recusal.objects.get_or_create(item=item, user=acting_user,
                                                     defaults={"reason": reason, "created_at": timezone.now()})
    if created:
        _event(item, ItemEventKindChoices.RECUSAL, acting_user=acting_user, text=reason)
        record_event(acting_user=acting_user, event_code="rectification.handler_recused", subject=item,
                     unit=item.unit, after={"reason": reason}, subject_people=subject_ids(item))
    return recusal
