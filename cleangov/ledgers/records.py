"""Field values of an entry: validation against its kind version, and the hashed content of a link.

Values are stored as JSON: text and choices as strings, dates as ISO strings, integers as numbers,
decimals as strings (never floats: the hash must not depend on float printing), person fields as
person ids, booleans as true/false.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .chain import utc_iso
from .choices import LedgerFieldTypeChoices as T
from .kinds import KindSpec


def normalise_values(spec: KindSpec, raw: dict, allowed_people: set[int] | None) -> dict:
    """Check ``raw`` (Python values from the form, or JSON values) against the kind; return JSON values.

    Raises ValidationError naming each bad field. ``allowed_people`` limits person fields to the
    unit's people register (None: not checked, for imports of old books).
    """
    errors: dict[str, str] = {}
    out: dict = {}
    unknown = set(raw) - {f.name for f in spec.fields}
    for name in sorted(unknown):
        errors[name] = _("This kind has no such field.")
    for f in spec.fields:
        value = raw.get(f.name)
        empty = value is None or value == "" or value == [] or (f.type == T.BOOLEAN and value is False and f.required)
        if empty:
            if f.required:
                errors[f.name] = _("This field is required.")
            elif f.type == T.BOOLEAN:
                out[f.name] = False
            continue
        try:
            out[f.name] = _convert(f, value, allowed_people)
        except (ValueError, TypeError, InvalidOperation) as exc:
            errors[f.name] = str(exc) or _("Enter a valid value.")
    if errors:
        raise ValidationError(errors)
    return out


def _convert(f, value, allowed_people):
    if f.type in (T.TEXT, T.LONGTEXT):
        text = str(value).strip()
        if f.type == T.TEXT and len(text) > 500:
            raise ValueError(_("At most 500 characters."))
        return text
    if f.type == T.DATE:
        return (value if isinstance(value, date) else date.fromisoformat(str(value))).isoformat()
    if f.type == T.INTEGER:
        if isinstance(value, bool):
            raise ValueError(_("Enter a whole number."))
        return int(value)
    if f.type == T.DECIMAL:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        if not number.is_finite():
            raise ValueError(_("Enter a number."))
        return str(number.quantize(Decimal("0.01")))
    if f.type == T.CHOICE:
        allowed = {c[0] for c in f.choices}
        if str(value) not in allowed:
            raise ValueError(_("Select a valid choice."))
        return str(value)
    if f.type == T.BOOLEAN:
        return bool(value)
    if f.type == T.PERSON:
        pid = int(getattr(value, "pk", value))
        _check_people([pid], allowed_people)
        return pid
    if f.type == T.PEOPLE:
        ids = sorted({int(getattr(v, "pk", v)) for v in value})
        _check_people(ids, allowed_people)
        return ids
    raise ValueError(_("Unknown field type."))


def _check_people(ids, allowed_people) -> None:
    if allowed_people is not None and not set(ids) <= allowed_people:
        raise ValueError(_("Pick people from the unit's people register."))


def subject_people(spec: KindSpec, values: dict) -> set[int]:
    ids: set[int] = set()
    for f in spec.fields:
        if f.subject and values.get(f.name) not in (None, "", []):
            value = values[f.name]
            ids.update(value if isinstance(value, list) else [value])
    return ids


def link_content(*, unit_code: str, seq: int, number: int, revision: int, kind_code: str, kind_version: int,
                 title: str, event_date: date, entered_at: datetime, recorded_by_id: int | None, values: dict,
                 attendees: list, absentees: list, attachments: list, reason: str) -> dict:
    """The canonical content of one chain link (see cleangov.ledgers.chain)."""
    return {
        "unit": unit_code, "seq": seq, "entry": number, "revision": revision, "kind": kind_code,
        "kind_version": kind_version, "title": title, "event_date": event_date.isoformat(),
        "entered_at": utc_iso(entered_at), "recorded_by": recorded_by_id, "values": values,
        "attendees": attendees, "absentees": absentees, "attachments": attachments, "reason": reason,
    }


def revision_content(rev, *, unit_code: str, kind_code: str, kind_version: int, number: int) -> dict:
    return link_content(
        unit_code=unit_code, seq=rev.seq, number=number, revision=rev.revision, kind_code=kind_code,
        kind_version=kind_version, title=rev.title, event_date=rev.event_date, entered_at=rev.entered_at,
        recorded_by_id=rev.recorded_by_id, values=rev.values, attendees=rev.attendees, absentees=rev.absentees,
        attachments=rev.attachments, reason=rev.reason,
    )
