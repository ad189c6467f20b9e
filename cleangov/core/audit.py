"""The hash-chained audit trail.

Every action writes one event through :func:`record_event` inside its own transaction. The hash
covers a canonical JSON form of the event and the previous event's hash, so any direct SQL
UPDATE or DELETE of an event is found by :func:`verify_chain`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent, AuditEventPerson

GENESIS_HASH = "0" * 64


def _json_default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def jsonable(value):
    """Round-trip a value through JSON so what is hashed equals what the database returns."""
    return json.loads(json.dumps(value, default=_json_default, ensure_ascii=False, sort_keys=True))


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict:
    """The audited view of an object: named fields, foreign keys by id."""
    out = {}
    for name in fields:
        field = obj._meta.get_field(name)
        out[name] = getattr(obj, field.attname)
    return jsonable(out)


def compute_hash(event: AuditEvent) -> str:
    content = {
        "seq": event.seq,
        "created_at": event.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_repr": event.actor_repr,
        "event_code": event.event_code,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "subject_repr": event.subject_repr,
        "unit_id": event.unit_id,
        "subject_person_ids": sorted(event.subject_person_ids or []),
        "before": event.before,
        "after": event.after,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class PendingEvent:
    """An event to append: what :func:`record_event` takes, in a form that can be batched."""

    event_code: str
    subject: models.Model
    before: dict | None = None
    after: dict | None = None
    unit: object = None
    subject_people: Iterable = ()


def record_event(
    *,
    acting_user,
    event_code: str,
    subject: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    unit=None,
    subject_people: Iterable = (),
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction."""
    pending = PendingEvent(event_code, subject, before, after, unit, subject_people)
    return record_events(acting_user=acting_user, events=[pending])[0]


def record_events(*, acting_user, events: Iterable[PendingEvent]) -> list[AuditEvent]:
    """Append many events under one lock of the chain head (imports, demo). Inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit events must be recorded inside the action's transaction")
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head = AuditChainHead.objects.create(pk=1, last_seq=0, last_hash=GENESIS_HASH)
    has_actor = getattr(acting_user, "pk", None) is not None
    actor_repr = str(acting_user) if has_actor else "system"
    now = timezone.now()
    seq, prev = head.last_seq, head.last_hash
    built: list[AuditEvent] = []
    people: list[list[int]] = []
    for item in events:
        person_ids = sorted({p if isinstance(p, int) else p.pk for p in item.subject_people})
        seq += 1
        event = AuditEvent(
            seq=seq,
            created_at=now,
            actor=acting_user if has_actor else None,
            actor_repr=actor_repr,
            event_code=item.event_code,
            subject_type=item.subject._meta.label_lower,
            subject_id=str(item.subject.pk),
            subject_repr=str(item.subject)[:300],
            unit=item.unit,
            subject_person_ids=person_ids,
            before=jsonable(item.before) if item.before is not None else None,
            after=jsonable(item.after) if item.after is not None else None,
            prev_hash=prev,
        )
        event.content_hash = compute_hash(event)
        prev = event.content_hash
        built.append(event)
        people.append(person_ids)
    if not built:
        return []
    AuditEvent.objects.bulk_create(built, batch_size=500)
    # bulk_create does not return ids on every backend; fetch them back by sequence number.
    ids = dict(AuditEvent.objects.filter(seq__gt=head.last_seq, seq__lte=seq).values_list("seq", "id"))
    links = [
        AuditEventPerson(event_id=ids[event.seq], person_id=pid)
        for event, pids in zip(built, people, strict=True)
        for pid in pids
    ]
    AuditEventPerson.objects.bulk_create(links, batch_size=1000)
    for event in built:
        event.pk = ids[event.seq]
    head.last_seq, head.last_hash = seq, prev
    head.save(update_fields=["last_seq", "last_hash"])
    return built


@dataclass
class ChainProblem:
    seq: int | None
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"event #{self.seq} (id {self.event_id})" if self.seq is not None else "chain head"
        return f"{where}: {self.reason}"


def verify_chain(progress=None) -> tuple[int, ChainProblem | None]:
    """Recompute the chain from the first event; return (events checked, first problem or None)."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return checked, ChainProblem(
                event.seq, event.pk, f"sequence gap: expected #{expected_seq}, found #{event.seq} (deleted events)"
            )
        if event.prev_hash != expected_prev:
            return checked, ChainProblem(event.seq, event.pk, "previous-hash link broken")
        if compute_hash(event) != event.content_hash:
            return checked, ChainProblem(event.seq, event.pk, "content does not match its hash (edited)")
        expected_prev = event.content_hash
        expected_seq += 1
        checked += 1
        if progress is not None:
            progress(1)
    head = AuditChainHead.objects.filter(pk=1).first()
    last_seq = head.last_seq if head else 0
    last_hash = head.last_hash if head else GENESIS_HASH
    if last_seq != expected_seq - 1 or last_hash != expected_prev:
        return checked, ChainProblem(
            None,
            None,
            f"head records #{last_seq} but the chain ends at #{expected_seq - 1} (events deleted at the end)",
        )
    return checked, None
