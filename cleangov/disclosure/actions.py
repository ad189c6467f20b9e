"""Every state change of a disclosure or a villager's question: atomic, one audit event each."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cleangov.accounts.models import RoleAssignment
from cleangov.core import declarations
from cleangov.core.audit import PendingEvent, record_event, record_events
from cleangov.core.workflow import find_transition, may_take, validate_reason
from cleangov.deadlines.api import cancel_deadlines, create_deadline, is_workday, meet_deadlines
from cleangov.deadlines.workdays import get_calendar
from cleangov.orgs.choices import UnitLevelChoices
from cleangov.orgs.models import Unit

from . import financial
from .catalog import CatalogEntry, get_catalog
from .choices import DisclosureStatusChoices as S
from .choices import QuestionStatusChoices as Q
from .models import Disclosure, DisclosureAttachment, DisclosureVersion, Question
from .presentation import forget_page
from .workflow import DISCLOSURE_WORKFLOW, PREPARERS

PUBLISH_RULE = "disclosure.publish"
ANSWER_RULE = "disclosure.answer"
MAX_TEXT = 4000
# Clocks are started for items due from this many days before the schedule's day on: older items of a
# first schedule are history (the overdue wall shows them), not clocks to notify about.
CLOCK_LOOKBACK_DAYS = 45
SCHEDULE_START = date(2025, 1, 1)


def content_hash(disclosure: Disclosure, number: int, content: dict, explanation: str) -> str:
    """SHA-256 over the canonical JSON of what the notice-board sheet shows: the village, the item,
    its period, the version, the figures and the explanation."""
    payload = {"unit": disclosure.unit.code, "item": disclosure.catalog_code, "event": disclosure.event_title,
               "period": [disclosure.period_start.isoformat(), disclosure.period_end.isoformat()],
               "version": number, "content": content, "explanation": explanation}
    raw = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


def _flatten(value, prefix="") -> dict[str, str]:
    """Content as path → text, lists of rows keyed by their "key" so a changed row is one change."""
    out: dict[str, str] = {}
    if isinstance(value, dict):
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            key = v.get("key", i) if isinstance(v, dict) else i
            out.update(_flatten(v, f"{prefix}[{key}]"))
    else:
        out[prefix] = "" if value is None else str(value)
    return out


def content_diff(old: dict, new: dict, old_expl: str = "", new_expl: str = "") -> list[dict]:
    """The differences between two versions: [{"path", "old", "new"}], in path order."""
    a, b = _flatten(old), _flatten(new)
    if old_expl != new_expl:
        a["explanation"], b["explanation"] = old_expl, new_expl
    return [{"path": p, "old": a.get(p), "new": b.get(p)} for p in sorted(set(a) | set(b)) if a.get(p) != b.get(p)]


def _preparer(unit: Unit):
    ra = (RoleAssignment.objects.filter(unit=unit, role__in=PREPARERS, user__is_active=True)
          .select_related("user").order_by("role", "pk").first())
    return ra.user if ra else None


def _start_publish_clock(disclosure: Disclosure, entry: CatalogEntry, assignee, *, acting_user) -> None:
    create_deadline(disclosure, PUBLISH_RULE, due_date=disclosure.due_date, unit=disclosure.unit,
                    assignee=assignee, acting_user=acting_user,
                    title=f"{entry.name} {disclosure.period_start:%Y-%m} {disclosure.event_title}".strip(),
                    link=reverse("disclosure:detail", args=[disclosure.pk]))


def _page_changed(code: str) -> None:
    """The village's public page is cached: drop it now and again once the change is committed (a
    reader in between would otherwise cache the old state for a minute)."""
    forget_page(code)
    transaction.on_commit(lambda: forget_page(code))


def _require(disclosure: Disclosure, name: str, acting_user):
    transition = find_transition(DISCLOSURE_WORKFLOW, disclosure.status, name)
    if transition is None:
        raise ValidationError(_("This step does not apply to the item in its present state."))
    if acting_user is not None and not may_take(DISCLOSURE_WORKFLOW, transition, acting_user, disclosure):
        raise ValidationError(_("You may not take this step for this village."))
    return transition


@transaction.atomic
def do_schedule_disclosures(unit: Unit, *, through: date, acting_user, clocks_from: date | None = None,
                            calendar=None) -> int:
    """Create the village's missing periodic items for every period ending on or before ``through``,
    and start a publication clock for those due from ``clocks_from`` on. Idempotent."""
    if unit.level != UnitLevelChoices.VILLAGE:
        return 0
    catalog = get_catalog()
    calendar = calendar or get_calendar()
    existing = set(Disclosure.objects.filter(unit=unit, event_title="").values_list("catalog_code", "period_start"))
    new = []
    for entry in catalog.periodic:
        for start, end in entry.periods(SCHEDULE_START, through):
            if (entry.code, start) not in existing:
                new.append(Disclosure(unit=unit, catalog_code=entry.code, catalog_version=catalog.version,
                                      group=entry.group, period_start=start, period_end=end,
                                      due_date=entry.due_date(end, calendar)))
    if not new:
        return 0
    Disclosure.objects.bulk_create(new)
    created = list(Disclosure.objects.filter(unit=unit, event_title="",
                                             catalog_code__in={d.catalog_code for d in new},
                                             period_start__in={d.period_start for d in new},
                                             status=S.DUE, latest_version=0))
    clocks_from = clocks_from or (through - timedelta(days=CLOCK_LOOKBACK_DAYS))
    assignee = _preparer(unit)
    wanted = {(d.catalog_code, d.period_start) for d in new}
    for d in created:
        if (d.catalog_code, d.period_start) in wanted and d.due_date >= clocks_from:
            _start_publish_clock(d, catalog.get(d.catalog_code), assignee, acting_user=acting_user)
    _page_changed(unit.code)
    record_event(acting_user=acting_user, event_code="disclosure.schedule_extended", subject=unit, unit=unit,
                 after={"items": len(new), "through": through.isoformat(), "catalog_version": catalog.version})
    return len(new)


def schedule_all(*, through: date, acting_user=None) -> int:
    """Every village's schedule up to ``through`` (the periodic job). Idempotent."""
    total, calendar = 0, get_calendar()
    for unit in Unit.objects.filter(level=UnitLevelChoices.VILLAGE).order_by("path"):
        total += do_schedule_disclosures(unit, through=through, acting_user=acting_user, calendar=calendar)
    return total


@transaction.atomic
def do_record_event_disclosure(unit: Unit, *, catalog_code: str, event_date: date, event_title: str,
                               acting_user) -> Disclosure:
    """A per-event item (land compensation, a subsidy payment, a levy, a contract): due within the
    catalog's working days of the event."""
    catalog = get_catalog()
    entry = catalog.get(catalog_code)
    event_title = (event_title or "").strip()[:200]
    if entry is None or not entry.is_event:
        raise ValidationError({"catalog_code": _("Choose an item disclosed on each event.")})
    if not event_title:
        raise ValidationError({"event_title": _("Name the event (for example the project or the payment).")})
    if Disclosure.objects.filter(unit=unit, catalog_code=catalog_code, period_start=event_date,
                                 event_title=event_title).exists():
        raise ValidationError({"event_title": _("This event is already recorded.")})
    d = Disclosure.objects.create(unit=unit, catalog_code=entry.code, catalog_version=catalog.version,
                                  group=entry.group, event_title=event_title, period_start=event_date,
                                  period_end=event_date, due_date=entry.due_date(event_date))
    _start_publish_clock(d, entry, _preparer(unit), acting_user=acting_user)
    _page_changed(unit.code)
    record_event(acting_user=acting_user, event_code="disclosure.event_recorded", subject=d, unit=unit,
                 after={"item": d.catalog_code, "event": event_title, "due_date": d.due_date.isoformat()})
    return d


def clean_form_values(entry: CatalogEntry, values: dict) -> dict:
    """The form values of a catalog entry, checked field by field (errors name the field)."""
    out, errors = {}, {}
    for f in entry.fields:
        raw = str(values.get(f.name, "") or "").strip()
        if len(raw) > MAX_TEXT:
            errors[f.name] = _("At most %(n)s characters.") % {"n": MAX_TEXT}
            continue
        if f.type == "money" and raw:
            try:
                amount = Decimal(raw.replace(",", ""))
            except InvalidOperation:
                errors[f.name] = _("Enter an amount in yuan, such as 1234.50.")
                continue
            if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
                errors[f.name] = _("Enter an amount in yuan, such as 1234.50.")
                continue
            raw = str(amount.quantize(Decimal("0.01")))
        if f.type == "int" and raw:
            if not raw.isdigit() or len(raw) > 9:
                errors[f.name] = _("Enter a whole number.")
                continue
            raw = str(int(raw))
        out[f.name] = raw
    if errors:
        raise ValidationError(errors)
    if not any(out.values()):
        raise ValidationError(_("Fill in at least one field."))
    return out


ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
ATTACHMENT_MAX_FILES = 5
ATTACHMENT_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png")


def check_attachments(files) -> list[tuple[str, bytes]]:
    """(name, content) of the uploaded files, refused by name when too many, too large or not a PDF
    or photo. Bounded before anything is read past the limit."""
    files = list(files or [])
    if len(files) > ATTACHMENT_MAX_FILES:
        raise ValidationError({"files": _("At most %(n)s files.") % {"n": ATTACHMENT_MAX_FILES}})
    out = []
    for f in files:
        name = os.path.basename(str(getattr(f, "name", "") or "file"))[-120:]
        if not name.lower().endswith(ATTACHMENT_SUFFIXES):
            raise ValidationError({"files": _("%(name)s: only PDF, JPEG or PNG files.") % {"name": name}})
        if (getattr(f, "size", 0) or 0) > ATTACHMENT_MAX_BYTES:
            raise ValidationError({"files": _("%(name)s: larger than 5 MB.") % {"name": name}})
        content = f.read(ATTACHMENT_MAX_BYTES + 1)
        if len(content) > ATTACHMENT_MAX_BYTES:
            raise ValidationError({"files": _("%(name)s: larger than 5 MB.") % {"name": name}})
        out.append((name, content))
    return out


@transaction.atomic
def do_submit_disclosure(disclosure: Disclosure, *, values: dict | None = None, explanation: str = "",
                         reason: str = "", files=(), acting_user) -> Disclosure:
    """Prepare the item (or its correction) for the supervision committee. A financial item's figures
    are generated from the books here; what the cadre writes is only the explanation beside them."""
    disclosure = Disclosure.objects.select_for_update().select_related("unit").get(pk=disclosure.pk)
    name = "correct" if disclosure.status == S.PUBLISHED else "submit"
    transition = _require(disclosure, name, acting_user)
    reason = validate_reason(transition, reason)
    entry = get_catalog().get(disclosure.catalog_code)
    if entry.kind == "financial":
        content, sources = financial.generate(disclosure.unit_id, disclosure.period_start, disclosure.period_end)
        content["sources"] = sources
    else:
        content = {"kind": "form", "fields": clean_form_values(entry, values or {})}
    uploads = check_attachments(files)
    for name, data in uploads:
        attachment = DisclosureAttachment(disclosure=disclosure, name=name, size=len(data),
                                          sha256=hashlib.sha256(data).hexdigest())
        attachment.file.save(name, ContentFile(data), save=False)
        attachment.save()
    before = {"status": disclosure.status}
    disclosure.draft_content = content
    disclosure.draft_explanation = (explanation or "").strip()[:MAX_TEXT]
    disclosure.draft_reason = reason
    disclosure.return_comment = ""
    disclosure.status = S.SUBMITTED
    disclosure.save()
    record_event(acting_user=acting_user, event_code="disclosure.submitted", subject=disclosure, unit=disclosure.unit,
                 before=before, after={"status": disclosure.status, "correction": name == "correct",
                                       "reason": reason})
    return disclosure


@transaction.atomic
def do_return_disclosure(disclosure: Disclosure, *, comment: str, acting_user) -> Disclosure:
    disclosure = Disclosure.objects.select_for_update().select_related("unit").get(pk=disclosure.pk)
    transition = _require(disclosure, "return", acting_user)
    comment = validate_reason(transition, comment)[:MAX_TEXT]
    # A returned correction goes back to the published state: the published version stays as it was.
    disclosure.status = S.PUBLISHED if disclosure.latest_version else S.RETURNED
    disclosure.return_comment = comment
    disclosure.save()
    record_event(acting_user=acting_user, event_code="disclosure.returned", subject=disclosure, unit=disclosure.unit,
                 before={"status": S.SUBMITTED}, after={"status": disclosure.status, "comment": comment})
    return disclosure


@transaction.atomic
def do_sign_disclosure(disclosure: Disclosure, *, acting_user, at: datetime | None = None) -> DisclosureVersion:
    """The supervision committee signs: the draft becomes the next published version, never an
    overwrite. Financial items are held while another app declares a hold (the month's vouchers not
    yet reviewed), and refused when a corrected voucher batch replaced what the draft was read from."""
    disclosure = Disclosure.objects.select_for_update().select_related("unit").get(pk=disclosure.pk)
    _require(disclosure, "sign", acting_user)
    content = dict(disclosure.draft_content)
    sources = content.pop("sources", [])
    if content.get("kind") == "financial":
        holds = declarations.publication_holds(disclosure.unit_id, disclosure.catalog_code,
                                               disclosure.period_start, disclosure.period_end)
        if holds:
            raise ValidationError(_("Publication is held: %(reasons)s") % {"reasons": "; ".join(map(str, holds))})
        if financial.stale_batches(sources):
            raise ValidationError(_("The books were corrected after this draft was prepared: prepare it again."))
    at = at or timezone.now()
    number = disclosure.latest_version + 1
    # Files posted so far stay with a correction; new ones join it. Their hashes are in the signed content.
    kept = disclosure.versions.get(number=number - 1).content.get("attachments", []) if number > 1 else []
    files = kept + [{"key": a.sha256[:16], "name": a.name, "sha256": a.sha256, "size": a.size}
                    for a in disclosure.attachments.filter(version=0).order_by("pk")]
    if files:
        content["attachments"] = files
    previous = disclosure.versions.filter(number=number - 1).first() if number > 1 else None
    diff = content_diff(previous.content, content, previous.explanation, disclosure.draft_explanation) \
        if previous else []
    version = DisclosureVersion.objects.create(
        disclosure=disclosure, number=number, content=content, explanation=disclosure.draft_explanation,
        reason=disclosure.draft_reason, content_hash=content_hash(disclosure, number, content,
                                                                  disclosure.draft_explanation),
        diff=diff, source_batches=sources, signed_by=acting_user, published_at=at)
    disclosure.attachments.filter(version=0).update(version=number)
    disclosure.latest_version = number
    disclosure.status = S.PUBLISHED
    disclosure.draft_content, disclosure.draft_explanation, disclosure.draft_reason = {}, "", ""
    if disclosure.first_published_on is None:
        disclosure.first_published_on = timezone.localdate(at)
        disclosure.on_time = disclosure.first_published_on <= disclosure.due_date
    disclosure.save()
    meet_deadlines(disclosure, rule=PUBLISH_RULE, acting_user=acting_user)
    _page_changed(disclosure.unit.code)
    record_event(acting_user=acting_user, event_code="disclosure.published", subject=disclosure, unit=disclosure.unit,
                 after={"version": number, "content_hash": version.content_hash, "changes": len(diff),
                        "on_time": disclosure.on_time})
    return version


@transaction.atomic
def do_request_exemption(disclosure: Disclosure, *, reason: str, acting_user) -> Disclosure:
    disclosure = Disclosure.objects.select_for_update().select_related("unit").get(pk=disclosure.pk)
    transition = _require(disclosure, "request_exemption", acting_user)
    disclosure.exemption_reason = validate_reason(transition, reason)[:MAX_TEXT]
    disclosure.status = S.EXEMPTION_REQUESTED
    disclosure.save()
    record_event(acting_user=acting_user, event_code="disclosure.exemption_requested", subject=disclosure,
                 unit=disclosure.unit, after={"reason": disclosure.exemption_reason})
    return disclosure


@transaction.atomic
def do_decide_exemption(disclosure: Disclosure, *, grant: bool, reason: str, acting_user) -> Disclosure:
    """The township grants (the item leaves the schedule's count, publicly, with the reason) or refuses."""
    disclosure = Disclosure.objects.select_for_update().select_related("unit").get(pk=disclosure.pk)
    transition = _require(disclosure, "grant_exemption" if grant else "refuse_exemption", acting_user)
    reason = validate_reason(transition, reason)[:MAX_TEXT]
    if grant:
        disclosure.status = S.EXEMPT
        disclosure.exemption_reason = f"{disclosure.exemption_reason}\n{reason}".strip()
        disclosure.exemption_decided_on = timezone.localdate()
        cancel_deadlines(disclosure, rule=PUBLISH_RULE, acting_user=acting_user, reason=reason)
    else:
        disclosure.status = S.DUE
        disclosure.return_comment = reason
    disclosure.save()
    _page_changed(disclosure.unit.code)
    record_event(acting_user=acting_user, event_code="disclosure.exemption_decided", subject=disclosure,
                 unit=disclosure.unit, after={"granted": grant, "reason": reason})
    return disclosure


def answer_due(asked_on: date) -> date:
    """The answer is due ``question_answer_days`` days after the question; a due date on a rest day
    moves to the next working day."""
    day = asked_on + timedelta(days=get_catalog().question_answer_days)
    while not is_workday(day):
        day += timedelta(days=1)
    return day


@transaction.atomic
def do_ask_question(disclosure: Disclosure, *, text: str, asker_name: str = "", is_public: bool = True,
                    acting_user=None, at: datetime | None = None) -> Question:
    """A villager's question (村民委员会组织法 Art. 30: the committee answers villagers' queries). The
    village's answer clock runs on the deadline engine and escalates to the township when it passes."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write your question.")})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": _("At most %(n)s characters.") % {"n": MAX_TEXT}})
    if disclosure.latest_version == 0:
        raise ValidationError(_("Questions can be asked on published items only."))
    at = at or timezone.now()
    question = Question.objects.create(
        disclosure=disclosure, reference=secrets.token_hex(5).upper(), text=text,
        asker_name=(asker_name or "").strip()[:60], is_public=is_public, asked_at=at,
        due_date=answer_due(timezone.localdate(at)))
    create_deadline(question, ANSWER_RULE, due_date=question.due_date, unit=disclosure.unit,
                    assignee=_preparer(disclosure.unit), acting_user=acting_user,
                    title=_("Answer a villager's question %(ref)s") % {"ref": question.reference},
                    link=reverse("disclosure:detail", args=[disclosure.pk]))
    _page_changed(disclosure.unit.code)
    record_event(acting_user=acting_user, event_code="disclosure.question_asked", subject=question,
                 unit=disclosure.unit, after={"reference": question.reference, "public": is_public,
                                              "due_date": question.due_date.isoformat()})
    return question


@transaction.atomic
def do_answer_question(question: Question, *, answer: str, acting_user, at: datetime | None = None) -> Question:
    question = Question.objects.select_for_update().select_related("disclosure__unit").get(pk=question.pk)
    answer = (answer or "").strip()
    if question.status != Q.OPEN:
        raise ValidationError(_("This question is not awaiting an answer."))
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")})
    at = at or timezone.now()
    question.answer = answer[:MAX_TEXT]
    question.answered_at = at
    question.answered_by = acting_user
    question.answered_on_time = timezone.localdate(at) <= question.due_date
    question.status = Q.ANSWERED
    question.save()
    meet_deadlines(question, rule=ANSWER_RULE, acting_user=acting_user)
    _page_changed(question.disclosure.unit.code)
    record_event(acting_user=acting_user, event_code="disclosure.question_answered", subject=question,
                 unit=question.disclosure.unit, after={"on_time": question.answered_on_time})
    return question


@transaction.atomic
def do_hide_question(question: Question, *, reason: str, acting_user) -> Question:
    """Moderation for abuse: the question stays listed as hidden, with the reason, never deleted."""
    question = Question.objects.select_for_update().select_related("disclosure__unit").get(pk=question.pk)
    reason = (reason or "").strip()[:300]
    if not reason:
        raise ValidationError({"reason": _("Give a reason for this step.")})
    if question.status == Q.HIDDEN:
        raise ValidationError(_("This question is already hidden."))
    before = {"status": question.status}
    question.status = Q.HIDDEN
    question.hidden_reason = reason
    question.save()
    cancel_deadlines(question, rule=ANSWER_RULE, acting_user=acting_user, reason=reason)
    _page_changed(question.disclosure.unit.code)
    record_event(acting_user=acting_user, event_code="disclosure.question_hidden", subject=question,
                 unit=question.disclosure.unit, before=before, after={"status": Q.HIDDEN, "reason": reason})
    return question




@transaction.atomic
def do_record_published_history(unit: Unit, entries: list[tuple[Disclosure, dict, str, datetime]], *,
                                 acting_user) -> int:
    """Record postings a village made before it used CleanGov (or the demo's history): each entry is
    (disclosure, content, explanation, published at), signed as version 1. One audit event per item,
    appended in one batch. Items already published are left as they are."""
    versions, events, changed = [], [], []
    for d, content, explanation, at in entries:
        if d.unit_id != unit.pk or d.latest_version or d.status not in (S.DUE, S.RETURNED):
            continue
        d.unit = unit  # the hash names the village: no query per item
        content = dict(content)
        sources = content.pop("sources", [])
        versions.append(DisclosureVersion(disclosure=d, number=1, content=content, explanation=explanation,
                                          content_hash=content_hash(d, 1, content, explanation),
                                          source_batches=sources, published_at=at))
        d.latest_version, d.status = 1, S.PUBLISHED
        d.first_published_on = timezone.localdate(at)
        d.on_time = d.first_published_on <= d.due_date
        changed.append(d)
        events.append(PendingEvent("disclosure.published", d, None,
                                   {"version": 1, "content_hash": versions[-1].content_hash, "on_time": d.on_time,
                                    "history": True}, unit))
    DisclosureVersion.objects.bulk_create(versions)
    now = timezone.now()
    for d in changed:  # one small UPDATE each: far cheaper than bulk_update's CASE over five columns
        Disclosure.objects.filter(pk=d.pk).update(latest_version=1, status=S.PUBLISHED, updated_at=now,
                                                  first_published_on=d.first_published_on, on_time=d.on_time)
    if events:
        _page_changed(unit.code)
        record_events(acting_user=acting_user, events=events)
    return len(changed)
