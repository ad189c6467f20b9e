"""The per-unit hash chain, the export format and the offline verifier. No database access here:
``cleangov verify-ledger --checkpoints FILE`` runs these functions on two files alone.

Canonical content of one revision (one link)::

    {"unit": code, "seq": n, "entry": number, "revision": r, "kind": code, "kind_version": v,
     "title": ..., "event_date": "YYYY-MM-DD", "entered_at": UTC ISO-8601 with microseconds,
     "recorded_by": user id or null, "values": {...}, "attendees": [...], "absentees": [...],
     "attachments": [{"code", "name", "sha256", "size"}], "reason": ...}

    content_hash = SHA-256( canonical_json({"content": content, "prev": prev_hash}) )

canonical_json = UTF-8 JSON with sorted keys, no spaces, non-ASCII kept. The first link's prev_hash is
64 zeros. A checkpoint signs canonical_json of {"format", "unit", "month", "seq", "head", "entry_count"}.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS = "0" * 64
EXPORT_FORMAT = "cleangov-ledger-export/1"
CHECKPOINT_FORMAT = "cleangov-ledger-checkpoint/1"
CHECKPOINTS_FORMAT = "cleangov-ledger-checkpoints/1"


def canonical_json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def link_hash(content: dict, prev_hash: str) -> str:
    return hashlib.sha256(canonical_json({"content": content, "prev": prev_hash})).hexdigest()


def checkpoint_message(*, unit: str, month: str, seq: int, head: str, entry_count: int) -> bytes:
    return canonical_json({"format": CHECKPOINT_FORMAT, "unit": unit, "month": month, "seq": seq, "head": head,
                           "entry_count": entry_count})


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


# --- offline verification --------------------------------------------------------------------------
@dataclass
class Problem:
    """The first thing that does not match, naming the entry when there is one."""

    message: str
    entry_id: int | None = None
    entry_number: int | None = None
    event_date: str | None = None
    seq: int | None = None

    def __str__(self) -> str:
        if self.entry_id is None and self.entry_number is None:
            return self.message
        return (f"entry id {self.entry_id} (no. {self.entry_number} in the book, event date {self.event_date}, "
                f"chain position {self.seq}): {self.message}")


@dataclass
class VerifyResult:
    links: int = 0
    entries: int = 0
    checkpoints: int = 0
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def read_export(lines) -> tuple[dict, list[dict]]:
    """(header, links) of an export file's lines; raises ValueError on a malformed file."""
    header, links = None, []
    for number, raw in enumerate(lines, start=1):
        raw = raw.strip()
        if not raw:
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValueError(f"line {number}: not JSON ({exc})") from exc
        if header is None:
            if row.get("type") != "header" or row.get("format") != EXPORT_FORMAT:
                raise ValueError(f"line {number}: not a {EXPORT_FORMAT} export (missing header)")
            header = row
            continue
        if row.get("type") != "link" or not isinstance(row.get("content"), dict):
            raise ValueError(f"line {number}: expected a chain link")
        links.append(row)
    if header is None:
        raise ValueError("empty file")
    return header, links


def _verify_signature(public_key_b64: str, signature_b64: str, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(unb64(public_key_b64)).verify(unb64(signature_b64), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def _problem_at(link: dict, message: str) -> Problem:
    content = link.get("content", {})
    return Problem(message, entry_id=link.get("entry_id"), entry_number=content.get("entry"),
                   event_date=content.get("event_date"), seq=content.get("seq"))


def verify_export(header: dict, links: list[dict], published: dict) -> VerifyResult:
    """Check an export against the published checkpoints; stop at the first problem.

    1. every published checkpoint's signature, against the published public key it names;
    2. the chain itself, link by link: positions 1..n without gaps, each link's prev_hash equal to the
       previous link's hash, each hash recomputed from the content;
    3. every checkpoint's head equal to the export's hash at that position (a book whose chain was
       recomputed after an edit still fails here), and the export reaching the last checkpoint.
    The first problem in chain order is reported, naming the entry (id, number, event date).
    """
    unit = header.get("unit")
    result = VerifyResult()
    if published.get("unit") != unit:
        result.problem = Problem(f"the checkpoints are for unit {published.get('unit')!r}, the export for {unit!r}")
        return result
    keys = {k["key_id"]: k for k in published.get("keys", [])}
    checkpoints = sorted(published.get("checkpoints", []), key=lambda c: c["seq"])
    result.checkpoints = len(checkpoints)
    for cp in checkpoints:
        key = keys.get(cp.get("key_id"))
        message = checkpoint_message(unit=unit, month=cp["month"], seq=cp["seq"], head=cp["head"],
                                     entry_count=cp["entry_count"])
        if key is None or not _verify_signature(key["public_key"], cp.get("signature", ""), message):
            result.problem = Problem(f"checkpoint {cp['month']}: the signature does not verify with the published "
                                     f"key {cp.get('key_id')!r}")
            return result
    by_seq = {cp["seq"]: cp for cp in checkpoints}
    prev, entries = GENESIS, set()
    last_good_checkpoint = 0
    for index, link in enumerate(links, start=1):
        content = link["content"]
        if content.get("unit") != unit:
            result.problem = _problem_at(link, f"belongs to unit {content.get('unit')!r}")
            return result
        if content.get("seq") != index:
            result.problem = _problem_at(link, f"chain position {content.get('seq')} where {index} was expected "
                                               "(entries missing or reordered)")
            return result
        if link.get("prev_hash") != prev:
            result.problem = _problem_at(link, "its link to the previous entry is broken")
            return result
        computed = link_hash(content, prev)
        if computed != link.get("hash"):
            result.problem = _problem_at(link, "its content does not match its hash (edited)")
            return result
        cp = by_seq.get(index)
        if cp is not None:
            if cp["head"] != computed:
                first = links[last_good_checkpoint] if last_good_checkpoint < len(links) else link
                result.problem = _problem_at(
                    first, f"the chain does not match the checkpoint signed for {cp['month']} (the book was "
                           f"rewritten at or after this entry, positions {last_good_checkpoint + 1}–{index})")
                return result
            last_good_checkpoint = index
        entries.add(content.get("entry"))
        prev = computed
        result.links = index
    result.entries = len(entries)
    if checkpoints and checkpoints[-1]["seq"] > len(links):
        cp = checkpoints[-1]
        result.problem = Problem(f"the export ends at position {len(links)} but the checkpoint for {cp['month']} "
                                 f"covers {cp['seq']} positions (entries deleted or export truncated)")
    return result


def verify_export_text(export_lines, published: dict) -> VerifyResult:
    header, links = read_export(export_lines)
    return verify_export(header, links, published)

