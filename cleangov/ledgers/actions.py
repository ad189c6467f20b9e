"""State changes of the record books. Views, CLI, admin, setup, demo and tests call these."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cleangov.core.audit import PendingEvent, record_event, record_events
from cleangov.deadlines.workdays import get_calendar
from cleangov.orgs.conflicts import check_conflict_of_interest
from cleangov.orgs.models import Unit

from .chain import GENESIS, b64, canonical_json, checkpoint_message, link_hash
from .kinds import KindSpec, lateness
from .models import (
    LedgerAttachment,
    LedgerChainHead,
    LedgerCheckpoint,
    LedgerEntry,
    LedgerEntrySubject,
    LedgerKind,
    LedgerKindVersion,
    LedgerRevision,
    LedgerSigningKey,
)
from .records import link_content, normalise_values, subject_people
from .signing import load_private_key, new_keypair, signing_unit_code, write_private_key

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


# --- kinds -----------------------------------------------------------------------------------------
@dataclass
class KindImportSummary:
    created: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def spec_hash(spec: KindSpec) -> str:
    data = spec.to_json()
    data.pop("sort_order", None)  # reordering the file is not a change of the kind
    return hashlib.sha256(canonical_json(data)).hexdigest()


@transaction.atomic
def do_import_ledger_kinds(specs: list[KindSpec], *, acting_user, source_file: str = "") -> KindImportSummary:
    """Create kinds and new kind versions from validated specs; unchanged kinds are left alone.

    A changed definition becomes version n+1 and the kind's current version; entries recorded
    earlier keep pointing at the version they were recorded with, so they never break.
    """
    summary = KindImportSummary()
    existing = {k.code: k for k in LedgerKind.objects.select_related("current_version")}
    events = []
    for spec in specs:
        digest = spec_hash(spec)
        kind = existing.get(spec.code)
        if kind is not None and kind.current_version is not None and kind.current_version.spec_hash == digest:
            summary.unchanged.append(spec.code)
            continue
        if kind is None:
            kind = LedgerKind.objects.create(code=spec.code, sort_order=spec.sort_order)
            number = 1
            summary.created.append(spec.code)
        else:
            number = (kind.versions.aggregate(n=Max("version"))["n"] or 0) + 1
            summary.new_versions.append(spec.code)
        version = LedgerKindVersion.objects.create(kind=kind, version=number, name=spec.name, name_en=spec.name_en,
                                                   spec=spec.to_json(), spec_hash=digest, source_file=source_file)
        before = {"version": kind.current_version.version} if kind.current_version_id else None
        kind.current_version = version
        kind.sort_order = spec.sort_order
        kind.save(update_fields=["current_version", "sort_order", "updated_at"])
        events.append(PendingEvent("ledgers.kind_version_created", version, before=before,
                                   after={"kind": spec.code, "version": number, "spec_hash": digest,
                                          "source_file": source_file}))
    record_events(acting_user=acting_user, events=events)
    return summary


@transaction.atomic
def do_set_ledger_kind_active(kind: LedgerKind, *, active: bool, acting_user) -> LedgerKind:
    kind = LedgerKind.objects.select_for_update().get(pk=kind.pk)
    if kind.active != active:
        kind.active = active
        kind.save(update_fields=["active", "updated_at"])
        record_event(acting_user=acting_user, event_code="ledgers.kind_active_changed", subject=kind,
                     before={"active": not active}, after={"active": active})
    return kind


# --- entries ---------------------------------------------------------------------------------------
@dataclass
class UploadedAttachment:
    """A file to attach: ``code`` names the kind's required attachment it fulfils ("" for others)."""

    name: str
    content: bytes
    code: str = ""


def _lock_head(unit: Unit) -> LedgerChainHead:
    head = LedgerChainHead.objects.select_for_update().filter(unit=unit).first()
    if head is None:
        LedgerChainHead.objects.get_or_create(unit=unit, defaults={"last_hash": GENESIS})
        head = LedgerChainHead.objects.select_for_update().get(unit=unit)
    return head


def _check_event_date(spec: KindSpec, event_date: date, today: date) -> None:
    # A record of a meeting that has not happened yet is not a record; only "before the event"
    # kinds (wedding and funeral reports, trip approvals) are entered ahead of their date.
    if event_date > today and not spec.timeliness.before_event:
        raise ValidationError({"event_date": _("The event date cannot be in the future for this kind of record.")})
    if event_date < date(2000, 1, 1):
        raise ValidationError({"event_date": _("Enter a plausible event date.")})


def _store_files(entry: LedgerEntry, unit: Unit, files: list[UploadedAttachment], revision: int) -> None:
    for upload in files:
        if len(upload.content) > MAX_ATTACHMENT_BYTES:
            raise ValidationError({"attachments": _("A file is larger than 20 MB.")})
        digest = hashlib.sha256(upload.content).hexdigest()
        attachment = LedgerAttachment(entry=entry, unit=unit, code=upload.code, name=upload.name[:200],
                                      sha256=digest, size=len(upload.content), added_in_revision=revision)
        attachment.file.save(upload.name[-80:] or "file", ContentFile(upload.content), save=False)
        attachment.save()


def _attachment_list(entry: LedgerEntry) -> list[dict]:
    return [{"code": a.code, "name": a.name, "sha256": a.sha256, "size": a.size}
            for a in entry.attachment_files.order_by("id")]


def _check_minutes(spec: KindSpec, attendees, absentees, allowed_people: set[int] | None) -> tuple[list, list]:
    if not spec.minutes:
        if attendees or absentees:
            raise ValidationError({"attendees": _("This kind of record has no attendance list.")})
        return [], []
    attendees = sorted({int(a) for a in attendees})
    rows = []
    for item in absentees:
        pid, reason = int(item["person"]), str(item.get("reason", "")).strip()[:200]
        if not reason:
            raise ValidationError({"absentees": _("Give the reason for every absentee.")})
        rows.append({"person": pid, "reason": reason})
    rows.sort(key=lambda r: r["person"])
    absent = {r["person"] for r in rows}
    if absent & set(attendees):
        raise ValidationError({"absentees": _("A person cannot both attend and be absent.")})
    if allowed_people is not None and not (set(attendees) | absent) <= allowed_people:
        raise ValidationError({"attendees": _("Pick attendees and absentees from the unit's people register.")})
    return attendees, rows


@transaction.atomic
def do_record_ledger_entry(
    *,
    unit: Unit,
    kind: LedgerKind,
    event_date: date,
    title: str,
    values: dict,
    attendees=(),
    absentees=(),
    files: list[UploadedAttachment] = (),
    allowed_people: set[int] | None = None,
    acting_user,
) -> LedgerEntry:
    """Record one entry in the unit's book and append it to the unit's chain.

    The entry time is the server's clock at this moment; lateness is judged against the kind's
    timeliness limit and stored with the entry.
    """
    version = kind.current_version
    if version is None or not kind.active:
        raise ValidationError({"kind": _("This kind of record cannot be used.")})
    spec = version.parsed
    if unit.level not in spec.unit_levels:
        raise ValidationError({"kind": _("This kind of record is not kept by units of this level.")})
    now = timezone.now()
    today = timezone.localdate(now)
    _check_event_date(spec, event_date, today)
    title = (title or "").strip()[:200] or spec.name
    clean = normalise_values(spec, values, allowed_people)
    # The people the record is about; attendees are not checked: the recorder of a meeting attends it.
    check_conflict_of_interest(acting_user, named_people=subject_people(spec, clean))
    attendees, absentees = _check_minutes(spec, attendees, absentees, allowed_people)
    missing = [a.name for a in spec.attachments if a.code not in {f.code for f in files}]
    if missing:
        raise ValidationError({"attachments": _("Attach: %(names)s.") % {"names": ", ".join(missing)}})

    head = _lock_head(unit)
    late = lateness(spec.timeliness, event_date, today, get_calendar())
    entry = LedgerEntry.objects.create(
        unit=unit, kind=kind, kind_version=version, number=head.last_number + 1, title=title,
        event_date=event_date, entered_at=now, recorded_by=acting_user if getattr(acting_user, "pk", None) else None,
        late_days=late,
    )
    _store_files(entry, unit, list(files), revision=1)
    revision = _append_revision(head, entry, unit, version, revision=1, title=title, event_date=event_date, at=now,
                                acting_user=acting_user, values=clean, attendees=attendees, absentees=absentees,
                                reason="")
    head.last_number = entry.number
    head.save(update_fields=["last_seq", "last_hash", "last_number"])
    people = subject_people(spec, clean)
    LedgerEntrySubject.objects.bulk_create([LedgerEntrySubject(entry=entry, person_id=p) for p in people])
    record_event(acting_user=acting_user, event_code="ledgers.entry_recorded", subject=entry, unit=unit,
                 subject_people=people,
                 after={"kind": kind.code, "kind_version": version.version, "number": entry.number,
                        "event_date": event_date, "late_days": late, "seq": revision.seq,
                        "hash": revision.content_hash})
    return entry


def _append_revision(head, entry, unit, version, *, revision, title, event_date, at, acting_user, values, attendees,
                     absentees, reason) -> LedgerRevision:
    seq = head.last_seq + 1
    recorded_by_id = getattr(acting_user, "pk", None)
    attachments = _attachment_list(entry)
    content = link_content(unit_code=unit.code, seq=seq, number=entry.number, revision=revision,
                           kind_code=entry.kind.code, kind_version=version.version, title=title,
                           event_date=event_date, entered_at=at, recorded_by_id=recorded_by_id, values=values,
                           attendees=attendees, absentees=absentees, attachments=attachments, reason=reason)
    digest = link_hash(content, head.last_hash)
    rev = LedgerRevision.objects.create(
        entry=entry, unit=unit, seq=seq, revision=revision, kind_version=version, title=title, event_date=event_date,
        entered_at=at, recorded_by_id=recorded_by_id, values=values, attendees=attendees, absentees=absentees,
        attachments=attachments, reason=reason, prev_hash=head.last_hash, content_hash=digest,
    )
    head.last_seq, head.last_hash = seq, digest
    return rev


@transaction.atomic
def do_revise_ledger_entry(
    entry: LedgerEntry,
    *,
    title: str,
    event_date: date,
    values: dict,
    reason: str,
    attendees=(),
    absentees=(),
    files: list[UploadedAttachment] = (),
    allowed_people: set[int] | None = None,
    acting_user,
) -> LedgerEntry:
    """Edit an entry: a new revision is appended to the chain and the old one is kept.

    The entry keeps the kind version it was recorded with and its first entry time, so an edit
    cannot make a late entry look timely; changing the event date recomputes the lateness against
    that first entry time.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the record is changed.")})
    entry = LedgerEntry.objects.select_for_update().select_related("kind", "kind_version", "unit").get(pk=entry.pk)
    unit, version = entry.unit, entry.kind_version
    spec = version.parsed
    now = timezone.now()
    _check_event_date(spec, event_date, timezone.localdate(now))
    title = (title or "").strip()[:200] or spec.name
    clean = normalise_values(spec, values, allowed_people)
    check_conflict_of_interest(acting_user, named_people=subject_people(spec, clean),
                               subject_people=list(entry.subject_links.values_list("person_id", flat=True)))
    attendees, absentees = _check_minutes(spec, attendees, absentees, allowed_people)
    head = _lock_head(unit)
    previous = entry.revisions.order_by("-revision").first()
    before = {"title": previous.title, "event_date": previous.event_date, "values": previous.values,
              "attendees": previous.attendees, "absentees": previous.absentees}
    number = entry.revision_count + 1
    _store_files(entry, unit, list(files), revision=number)
    revision = _append_revision(head, entry, unit, version, revision=number, title=title, event_date=event_date,
                                at=now, acting_user=acting_user, values=clean, attendees=attendees,
                                absentees=absentees, reason=reason[:300])
    head.save(update_fields=["last_seq", "last_hash"])
    entry.title, entry.event_date, entry.revision_count = title, event_date, number
    entry.late_days = lateness(spec.timeliness, event_date, timezone.localdate(entry.entered_at), get_calendar())
    entry.save(update_fields=["title", "event_date", "revision_count", "late_days", "updated_at"])
    people = subject_people(spec, clean)
    LedgerEntrySubject.objects.filter(entry=entry).exclude(person_id__in=people).delete()
    LedgerEntrySubject.objects.bulk_create([LedgerEntrySubject(entry=entry, person_id=p) for p in people],
                                           ignore_conflicts=True)
    record_event(acting_user=acting_user, event_code="ledgers.entry_revised", subject=entry, unit=unit,
                 subject_people=people, before=before,
                 after={"title": title, "event_date": event_date, "values": clean, "attendees": attendees,
                        "absentees": absentees, "reason": reason, "revision": number, "seq": revision.seq,
                        "hash": revision.content_hash})
    return entry


# --- keys and checkpoints --------------------------------------------------------------------------
@transaction.atomic
def do_generate_signing_key(unit: Unit, *, acting_user) -> LedgerSigningKey:
    """A new Ed25519 key for a signing unit; earlier keys of the unit are retired (still published,
    so old checkpoints keep verifying)."""
    private, key_id, public = new_keypair()
    now = timezone.now()
    LedgerSigningKey.objects.filter(unit=unit, retired_at__isnull=True).update(retired_at=now)
    write_private_key(unit.code, key_id, private)
    key = LedgerSigningKey.objects.create(unit=unit, key_id=key_id, public_key=public)
    record_event(acting_user=acting_user, event_code="ledgers.signing_key_created", subject=key, unit=unit,
                 after={"key_id": key_id, "public_key": public, "algorithm": "ed25519"})
    return key


def active_signing_key(unit: Unit, *, acting_user) -> LedgerSigningKey:
    """The unit's current key, generated on first use."""
    key = LedgerSigningKey.objects.filter(unit=unit, retired_at__isnull=True).order_by("-created_at").first()
    return key or do_generate_signing_key(unit, acting_user=acting_user)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_end_moment(month: date) -> datetime:
    """The first instant after ``month`` in the server's time zone: a checkpoint covers every link
    entered before it."""
    return timezone.make_aware(datetime.combine(next_month(month), time.min))


@dataclass
class CheckpointSummary:
    created: int = 0
    units: int = 0
    months: list[str] = field(default_factory=list)


@transaction.atomic
def do_create_ledger_checkpoints(*, acting_user, today: date | None = None, units=None,
                                 now: datetime | None = None) -> CheckpointSummary:
    """Sign the chain head of every unit for every ended month that has no checkpoint yet.

    Run by ``cleangov ledger-checkpoint`` and the periodic tick; catches up after downtime. A month
    is covered from the unit's first entry on; a month without new entries gets a checkpoint of the
    same head, so "nothing was added in May" is signed too.
    """
    today = today or timezone.localdate()
    last_month = month_start(today.replace(day=1) - timedelta(days=1))  # the last month that has ended
    heads = LedgerChainHead.objects.filter(last_seq__gt=0).select_related("unit")
    if units is not None:
        heads = heads.filter(unit__in=units)
    heads = list(heads)
    summary = CheckpointSummary()
    if not heads:
        return summary
    unit_ids = [h.unit_id for h in heads]
    last_cp = {}
    for cp in LedgerCheckpoint.objects.filter(unit_id__in=unit_ids).order_by("unit_id", "month"):
        last_cp[cp.unit_id] = cp
    # Every link after the last checkpoint of each unit, in one query.
    links: dict[int, list[tuple]] = {uid: [] for uid in unit_ids}
    floor = {uid: (last_cp[uid].seq if uid in last_cp else 0) for uid in unit_ids}
    rows = LedgerRevision.objects.filter(unit_id__in=unit_ids).order_by("unit_id", "seq").values_list(
        "unit_id", "seq", "entered_at", "content_hash", "entry_id", "revision")
    min_floor = min(floor.values())
    if min_floor:
        rows = rows.filter(seq__gt=min_floor)
    for unit_id, seq, entered_at, digest, entry_id, revision in rows.iterator(chunk_size=5000):
        if seq > floor[unit_id]:
            links[unit_id].append((seq, entered_at, digest, entry_id, revision))
    entry_counts = {uid: (last_cp[uid].entry_count if uid in last_cp else 0) for uid in unit_ids}
    levels = dict(Unit.objects.filter(level__in=["township", "county"]).values_list("code", "level"))
    signer_units = {u.code: u for u in Unit.objects.filter(code__in=set(levels))}
    keys: dict[str, tuple] = {}
    signed_at = now or timezone.now()
    new, events = [], []
    for head in heads:
        unit = head.unit
        unit_links = links[unit.pk]
        if unit.pk in last_cp:
            month = next_month(last_cp[unit.pk].month)
            seq, digest = last_cp[unit.pk].seq, last_cp[unit.pk].head_hash
        else:
            if not unit_links:
                continue
            month = month_start(timezone.localtime(unit_links[0][1]).date())
            seq, digest = 0, GENESIS
        if month > last_month:
            continue
        signer_code = signing_unit_code(unit.path, levels)
        if signer_code not in keys:
            key = active_signing_key(signer_units[signer_code], acting_user=acting_user)
            keys[signer_code] = (key, load_private_key(signer_code, key.key_id))
        key, private = keys[signer_code]
        index, count = 0, entry_counts[unit.pk]
        summary.units += 1
        while month <= last_month:
            boundary = month_end_moment(month)
            while index < len(unit_links) and unit_links[index][1] < boundary:
                seq, _at, digest, _entry, revision = unit_links[index]
                if revision == 1:
                    count += 1
                index += 1
            label = f"{month:%Y-%m}"
            signature = private.sign(checkpoint_message(unit=unit.code, month=label, seq=seq, head=digest,
                                                        entry_count=count))
            cp = LedgerCheckpoint(unit=unit, month=month, seq=seq, head_hash=digest, entry_count=count,
                                  signature=b64(signature), key=key, signed_at=signed_at)
            new.append(cp)
            summary.months.append(f"{unit.code} {label}")
            month = next_month(month)
    LedgerCheckpoint.objects.bulk_create(new, batch_size=1000)
    saved = LedgerCheckpoint.objects.filter(signed_at=signed_at, unit_id__in=unit_ids).select_related("unit", "key")
    for cp in saved:
        events.append(PendingEvent("ledgers.checkpoint_signed", cp, unit=cp.unit,
                                   after={"month": f"{cp.month:%Y-%m}", "seq": cp.seq, "head": cp.head_hash,
                                          "entry_count": cp.entry_count, "key_id": cp.key.key_id}))
    record_events(acting_user=acting_user, events=events)
    summary.created = len(new)
    return summary

