"""Bulk recording of many entries at once, for the demo and for benchmarks.

``do_bulk_record_ledger_entries`` appends planned entries to each unit's chain exactly like
``do_record_ledger_entry`` does one by one (same canonical content, same hashes), but with
``bulk_create`` and ONE audit event per unit and batch ("ledgers.entries_bulk_recorded", naming
the count, the chain positions and the new head) instead of one per entry: 100,000 audit events
would double the demo's time and add nothing the chain itself does not already prove.

The planned ``entered_at`` times are SIMULATED server times (a year of history for the demo). The
web and the CLI never accept an entry time from a user; only this function, called by code, does.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from cleangov.core.audit import PendingEvent, record_events
from cleangov.orgs.conflicts import check_conflict_of_interest

from .chain import GENESIS, link_hash
from .kinds import lateness
from .models import LedgerChainHead, LedgerEntry, LedgerEntrySubject, LedgerKind, LedgerRevision
from .records import link_content, subject_people


@dataclass
class PlannedEntry:
    unit: object  # Unit
    kind: LedgerKind  # with current_version loaded
    event_date: date
    entered_at: datetime
    title: str
    values: dict = field(default_factory=dict)
    attendees: list = field(default_factory=list)
    absentees: list = field(default_factory=list)


@transaction.atomic
def do_bulk_record_ledger_entries(planned: list[PlannedEntry], *, acting_user, calendar) -> dict[str, int]:
    """Append the planned entries (values already valid JSON for their kind) to their units' chains,
    in entry-time order per unit. Returns counts."""
    named = {pid for p in planned for pid in subject_people(p.kind.current_version.parsed, p.values)}
    check_conflict_of_interest(acting_user, named_people=sorted(named))  # one check for the whole batch
    by_unit: dict[int, list[PlannedEntry]] = defaultdict(list)
    units = {}
    for p in planned:
        by_unit[p.unit.pk].append(p)
        units[p.unit.pk] = p.unit
    heads = {h.unit_id: h for h in LedgerChainHead.objects.select_for_update().filter(unit_id__in=list(by_unit))}
    missing = [LedgerChainHead(unit_id=uid, last_hash=GENESIS) for uid in by_unit if uid not in heads]
    LedgerChainHead.objects.bulk_create(missing)
    heads = {h.unit_id: h for h in LedgerChainHead.objects.select_for_update().filter(unit_id__in=list(by_unit))}
    cache: dict = {}
    now = timezone.now()
    entries: list[tuple] = []
    contents: list[tuple] = []
    for unit_id, items in by_unit.items():
        items.sort(key=lambda p: p.entered_at)
        head = heads[unit_id]
        unit = units[unit_id]
        for p in items:
            version = p.kind.current_version
            spec = version.parsed
            head.last_number += 1
            head.last_seq += 1
            late = lateness(spec.timeliness, p.event_date, _local_date(p.entered_at), calendar, cache=cache)
            entries.append((unit_id, p.kind.pk, version.pk, head.last_number, p.title, p.event_date, p.entered_at,
                            late, 1, now, now))
            content = link_content(unit_code=unit.code, seq=head.last_seq, number=head.last_number, revision=1,
                                   kind_code=p.kind.code, kind_version=version.version, title=p.title,
                                   event_date=p.event_date, entered_at=p.entered_at, recorded_by_id=None,
                                   values=p.values, attendees=p.attendees, absentees=p.absentees, attachments=[],
                                   reason="")
            digest = link_hash(content, head.last_hash)
            contents.append((p, head.last_seq, head.last_hash, digest, subject_people(spec, p.values)))
            head.last_hash = digest
    _insert_many(LedgerEntry, ["unit", "kind", "kind_version", "number", "title", "event_date", "entered_at",
                               "late_days", "revision_count", "created_at", "updated_at"],
                 entries)
    # Ids back by the unique (unit, number): portable, and one query.
    ids = {}
    for unit_id, number, pk in LedgerEntry.objects.filter(unit_id__in=list(by_unit)).values_list(
            "unit_id", "number", "pk").iterator(chunk_size=5000):
        ids[(unit_id, number)] = pk
    revisions, subjects = [], []
    for entry, (p, seq, prev, digest, people) in zip(entries, contents, strict=True):
        entry_id = ids[(entry[0], entry[3])]
        revisions.append((entry_id, entry[0], seq, 1, entry[2], p.title, p.event_date,
                          p.entered_at, None, p.values, p.attendees, p.absentees, [], "", prev, digest))
        subjects.extend(LedgerEntrySubject(entry_id=entry_id, person_id=pid) for pid in people)
    _insert_many(LedgerRevision, ["entry", "unit", "seq", "revision", "kind_version", "title", "event_date",
                                  "entered_at", "recorded_by", "values", "attendees", "absentees", "attachments",
                                  "reason", "prev_hash", "content_hash"], revisions)
    LedgerEntrySubject.objects.bulk_create(subjects, batch_size=500)
    LedgerChainHead.objects.bulk_update(heads.values(), ["last_seq", "last_hash", "last_number"], batch_size=500)
    events = [PendingEvent("ledgers.entries_bulk_recorded", units[uid], unit=units[uid],
                           after={"entries": len(items), "last_seq": heads[uid].last_seq,
                                  "head": heads[uid].last_hash})
              for uid, items in by_unit.items()]
    record_events(acting_user=acting_user, events=events)
    return {"entries": len(entries), "units": len(by_unit), "subjects": len(subjects)}


def _insert_many(model, names: list[str], rows: list[tuple]) -> None:
    """INSERT rows with one executemany: Django's bulk_create spends most of its time building SQL in
    batches of 999 parameters on SQLite. Values go through each field's own database preparation
    (JSON, dates, times), so the stored form is exactly what the ORM would store; identifiers are the
    model's own column names, never user input."""
    fields = [model._meta.get_field(n) for n in names]
    conn = connections[DEFAULT_DB_ALIAS]
    prepare = [_preparer(f, conn) for f in fields]
    table = conn.ops.quote_name(model._meta.db_table)
    columns = ", ".join(conn.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - model metadata only
    prepared = [tuple(v if f is None else f(v) for f, v in zip(prepare, row, strict=True)) for row in rows]
    with conn.cursor() as cursor:
        for start in range(0, len(prepared), 5000):
            cursor.executemany(sql, prepared[start:start + 5000])


def _preparer(field, conn):
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return conn.ops.adapt_datetimefield_value
    if kind == "DateField":
        return conn.ops.adapt_datefield_value
    if kind == "JSONField":
        if conn.vendor == "sqlite":
            return json.dumps  # what JSONField.get_db_prep_value stores on SQLite (default encoder)
        return lambda v: field.get_db_prep_save(v, conn)
    return None


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()
