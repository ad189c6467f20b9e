"""Export of a unit's book (JSON lines) and the published checkpoints, read from the database.

The export writes what is STORED (content columns, prev_hash, content_hash) without recomputing
anything, so a row changed behind the application's back (a direct SQL UPDATE) shows up as a link
whose content no longer matches its hash when the export is verified.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.utils import timezone

from cleangov.orgs.models import Unit

from .chain import CHECKPOINTS_FORMAT, EXPORT_FORMAT, Problem, VerifyResult, utc_iso, verify_export
from .models import LedgerCheckpoint, LedgerEntry, LedgerRevision, LedgerSigningKey
from .records import revision_content
from .signing import signing_unit_code


def export_rows(unit: Unit) -> Iterator[dict]:
    yield {"type": "header", "format": EXPORT_FORMAT, "unit": unit.code, "unit_name": unit.name,
           "exported_at": utc_iso(timezone.now())}
    revisions = (LedgerRevision.objects.filter(unit=unit).order_by("seq")
                 .select_related("kind_version__kind", "entry").iterator(chunk_size=2000))
    for rev in revisions:
        content = revision_content(rev, unit_code=unit.code, kind_code=rev.kind_version.kind.code,
                                   kind_version=rev.kind_version.version, number=rev.entry.number)
        yield {"type": "link", "entry_id": rev.entry_id, "content": content, "prev_hash": rev.prev_hash,
               "hash": rev.content_hash}


def export_lines(unit: Unit) -> Iterator[str]:
    for row in export_rows(unit):
        yield json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n"


def published_checkpoints(unit: Unit) -> dict:
    """The public document of /ledgers/checkpoints/<code>.json: keys and signed heads, no content."""
    checkpoints = list(LedgerCheckpoint.objects.filter(unit=unit).select_related("key").order_by("month"))
    codes = [c for c in unit.path.strip("/").split("/") if c]
    levels = dict(Unit.objects.filter(code__in=codes).values_list("code", "level"))
    signer = signing_unit_code(unit.path, levels)
    key_ids = {cp.key_id for cp in checkpoints}
    keys = LedgerSigningKey.objects.filter(unit__code=signer) | LedgerSigningKey.objects.filter(pk__in=key_ids)
    return {
        "format": CHECKPOINTS_FORMAT,
        "unit": unit.code,
        "unit_name": unit.name,
        "signing_unit": signer,
        "keys": [{"key_id": k.key_id, "algorithm": k.algorithm, "public_key": k.public_key,
                  "signing_unit": k.unit.code, "created_at": utc_iso(k.created_at),
                  "retired_at": utc_iso(k.retired_at) if k.retired_at else None}
                 for k in keys.select_related("unit").distinct().order_by("created_at")],
        "checkpoints": [{"month": f"{cp.month:%Y-%m}", "seq": cp.seq, "head": cp.head_hash,
                         "entry_count": cp.entry_count, "signature": cp.signature, "key_id": cp.key.key_id,
                         "signed_at": utc_iso(cp.signed_at)} for cp in checkpoints],
    }


def verify_database_book(unit: Unit) -> VerifyResult:
    """Verify the live book: the chain as exported now, plus the entry rows against their last revision."""
    rows = list(export_rows(unit))
    result = verify_export(rows[0], rows[1:], published_checkpoints(unit))
    if not result.ok:
        return result
    latest: dict[int, dict] = {}
    for row in rows[1:]:
        latest[row["entry_id"]] = row["content"]
    first_times: dict[int, str] = {}
    for row in rows[1:]:
        first_times.setdefault(row["entry_id"], row["content"]["entered_at"])
    for entry in LedgerEntry.objects.filter(unit=unit).order_by("number"):
        content = latest.get(entry.pk)
        if content is None:
            result.problem = Problem("the entry has no revision in the chain (inserted behind the application's back)",
                                     entry_id=entry.pk, entry_number=entry.number,
                                     event_date=entry.event_date.isoformat())
            return result
        if (content["event_date"] != entry.event_date.isoformat() or content["title"] != entry.title
                or first_times[entry.pk] != utc_iso(entry.entered_at)):
            result.problem = Problem("the entry's row differs from its last recorded revision (edited)",
                                     entry_id=entry.pk, entry_number=entry.number,
                                     event_date=entry.event_date.isoformat(), seq=content["seq"])
            return result
    return result
