"""Ledger kinds as data: parsing and validating kind specs, and the frequency and timeliness rules.

A kind spec is a plain dict (one item of ``cleangov/data/ledgers/kinds.yaml``). This module does not
touch the database: :func:`parse_catalog` turns YAML text into validated :class:`KindSpec` objects
with errors that name the line, the kind and the field; the rule helpers answer "when is this entry
due", "is it late and by how much", and "which periods of a year does a frequency rule expect".
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

import yaml

from cleangov.accounts.choices import RoleChoices
from cleangov.core import uploads
from cleangov.core.yamldata import list_item_lines
from cleangov.orgs.choices import UnitLevelChoices

from .choices import LedgerFieldTypeChoices, LedgerPeriodChoices, LedgerTimeBasisChoices

CATALOG_FORMAT = "cleangov-ledger-kinds/1"
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,59}$")
FIELD_TYPES = {str(c) for c in LedgerFieldTypeChoices}
PERIODS = {str(c) for c in LedgerPeriodChoices}
BASES = {str(c) for c in LedgerTimeBasisChoices}
ROLES = {str(r) for r in RoleChoices}
LEVELS = {str(level) for level in UnitLevelChoices}
# Field names the entry itself uses: a kind cannot declare them as its own fields.
RESERVED_FIELD_NAMES = {"title", "event_date", "attendees", "absentees", "attachments", "reason"}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    label_en: str
    type: str
    required: bool = False
    choices: tuple[tuple[str, str, str], ...] = ()  # (value, label zh, label en)
    help: str = ""
    # A person field naming whom the record is about (the person talked to, the reporting cadre):
    # that person and their relatives never see the entry (conflict of interest, docs/design.md §3).
    subject: bool = False

    def label_for(self, language: str | None) -> str:
        return self.label_en if language and language.startswith("en") and self.label_en else self.label


@dataclass(frozen=True)
class AttachmentSpec:
    code: str
    name: str
    name_en: str


@dataclass(frozen=True)
class Frequency:
    period: str  # LedgerPeriodChoices
    min: int = 0  # entries expected per period; 0 for event-driven kinds

    @property
    def expects(self) -> bool:
        return self.period != LedgerPeriodChoices.EVENT and self.min > 0


@dataclass(frozen=True)
class Timeliness:
    """``days`` after the event (``before_event`` False) or at least ``days`` before it (True)."""

    days: int
    basis: str = LedgerTimeBasisChoices.CALENDAR
    before_event: bool = False


@dataclass(frozen=True)
class KindSpec:
    code: str
    name: str
    name_en: str
    unit_levels: tuple[str, ...]
    recorder_roles: tuple[str, ...]
    frequency: Frequency
    timeliness: Timeliness
    fields: tuple[FieldSpec, ...] = ()
    attachments: tuple[AttachmentSpec, ...] = ()
    minutes: bool = False  # attendees from the people register, absentees and reasons
    description: str = ""
    source: str = ""
    sort_order: int = 0

    def name_for(self, language: str | None) -> str:
        return self.name_en if language and language.startswith("en") and self.name_en else self.name

    def to_json(self) -> dict:
        """The stored form (``LedgerKindVersion.spec``); :func:`spec_from_json` reads it back."""
        return asdict(self)


def spec_from_json(data: dict) -> KindSpec:
    return KindSpec(
        code=data["code"], name=data["name"], name_en=data.get("name_en", ""),
        unit_levels=tuple(data["unit_levels"]), recorder_roles=tuple(data["recorder_roles"]),
        frequency=Frequency(**data["frequency"]), timeliness=Timeliness(**data["timeliness"]),
        fields=tuple(FieldSpec(**{**f, "choices": tuple(tuple(c) for c in f.get("choices", ()))})
                     for f in data.get("fields", ())),
        attachments=tuple(AttachmentSpec(**a) for a in data.get("attachments", ())),
        minutes=data.get("minutes", False), description=data.get("description", ""),
        source=data.get("source", ""), sort_order=data.get("sort_order", 0),
    )


# --- parsing ---------------------------------------------------------------------------------------
class CatalogError(ValueError):
    """A catalog that cannot be loaded; ``errors`` lists every problem with its line, kind and field."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


class _Collector:
    def __init__(self):
        self.errors: list[str] = []

    def add(self, where: str, field_name: str, problem: str) -> None:
        self.errors.append(f"{where}, field '{field_name}': {problem}")


def parse_catalog(text: str, name: str = "catalog") -> list[KindSpec]:
    """Parse and validate a kinds catalog (YAML). Raises CatalogError listing every problem (a file past the
    upload limits, cleangov.core.uploads, is one problem naming the limit)."""
    try:
        data = uploads.load_yaml(text, name)
    except yaml.YAMLError as exc:
        raise CatalogError([f"not valid YAML: {exc}"]) from exc
    except uploads.ReadError as exc:
        raise CatalogError([uploads.refusal(exc)]) from exc
    if not isinstance(data, dict) or not isinstance(data.get("kinds"), list):
        raise CatalogError(["the file must be a mapping with a 'kinds' list"])
    if data.get("format", CATALOG_FORMAT) != CATALOG_FORMAT:
        raise CatalogError([f"unknown format {data.get('format')!r}; expected {CATALOG_FORMAT!r}"])
    lines = list_item_lines(text, "kinds")
    out: list[KindSpec] = []
    errors = _Collector()
    seen: set[str] = set()
    for index, item in enumerate(data["kinds"]):
        line = lines[index] if index < len(lines) else None
        code = item.get("code") if isinstance(item, dict) else None
        where = f"line {line}, kind #{index + 1}" if line else f"kind #{index + 1}"
        if code:
            where += f" ({code})"
        if not isinstance(item, dict):
            errors.add(where, "-", "each kind must be a mapping")
            continue
        before = len(errors.errors)
        spec = _parse_kind(item, index, where, errors)
        if spec is not None and spec.code in seen:
            errors.add(where, "code", "appears twice in the file")
        if spec is not None and len(errors.errors) == before:
            seen.add(spec.code)
            out.append(spec)
    if errors.errors:
        raise CatalogError(errors.errors)
    return out


def _text(item: dict, key: str, where: str, errors: _Collector, *, required: bool = True, max_len: int = 200) -> str:
    value = item.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.add(where, key, "must be text")
        return ""
    value = value.strip()
    if required and not value:
        errors.add(where, key, "is required")
    if len(value) > max_len:
        errors.add(where, key, f"is longer than {max_len} characters")
    return value


def _parse_kind(item: dict, index: int, where: str, errors: _Collector) -> KindSpec | None:
    known = {"code", "name", "name_en", "unit_levels", "recorder_roles", "frequency", "timeliness", "fields",
             "attachments", "minutes", "description", "source"}
    for key in item:
        if key not in known:
            errors.add(where, str(key), f"unknown key (allowed: {', '.join(sorted(known))})")
    code = item.get("code")
    if not isinstance(code, str) or not CODE_RE.match(code):
        errors.add(where, "code", "must be lower-case letters, digits and underscores, starting with a letter")
        code = ""
    name = _text(item, "name", where, errors)
    name_en = _text(item, "name_en", where, errors, required=False)
    levels = _list_of(item, "unit_levels", LEVELS, where, errors)
    roles = _list_of(item, "recorder_roles", ROLES, where, errors)
    frequency = _frequency(item.get("frequency"), where, errors)
    timeliness = _timeliness(item.get("timeliness"), where, errors)
    fields = _fields(item.get("fields", []), where, errors)
    attachments = _attachments(item.get("attachments", []), where, errors)
    minutes = item.get("minutes", False)
    if not isinstance(minutes, bool):
        errors.add(where, "minutes", "must be true or false")
        minutes = False
    description = _text(item, "description", where, errors, required=False, max_len=2000)
    source = _text(item, "source", where, errors, required=False, max_len=2000)
    if frequency is None or timeliness is None:
        return None
    return KindSpec(code=code, name=name, name_en=name_en, unit_levels=levels, recorder_roles=roles,
                    frequency=frequency, timeliness=timeliness, fields=fields, attachments=attachments,
                    minutes=minutes, description=description, source=source, sort_order=index)


def _list_of(item: dict, key: str, allowed: set[str], where: str, errors: _Collector) -> tuple[str, ...]:
    value = item.get(key)
    if not isinstance(value, list) or not value:
        errors.add(where, key, "must be a non-empty list")
        return ()
    bad = [str(v) for v in value if v not in allowed]
    if bad:
        errors.add(where, key, f"unknown value(s) {', '.join(bad)} (allowed: {', '.join(sorted(allowed))})")
    return tuple(str(v) for v in value if v in allowed)


def _frequency(value, where: str, errors: _Collector) -> Frequency | None:
    if not isinstance(value, dict):
        errors.add(where, "frequency", "must be a mapping like {period: year, min: 2}")
        return None
    period = value.get("period")
    if period not in PERIODS:
        errors.add(where, "frequency.period", f"must be one of {', '.join(sorted(PERIODS))}")
        return None
    minimum = value.get("min", 0 if period == LedgerPeriodChoices.EVENT else None)
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 0:
        errors.add(where, "frequency.min", "must be a whole number ≥ 0")
        return None
    if period != LedgerPeriodChoices.EVENT and minimum == 0:
        errors.add(where, "frequency.min", "must be ≥ 1 for a periodic kind (use period: event otherwise)")
        return None
    return Frequency(period=period, min=minimum)


def _timeliness(value, where: str, errors: _Collector) -> Timeliness | None:
    if not isinstance(value, dict):
        errors.add(where, "timeliness", "must be a mapping like {within: 5, basis: workdays} or {before_event: 1}")
        return None
    basis = value.get("basis", LedgerTimeBasisChoices.CALENDAR)
    if basis not in BASES:
        errors.add(where, "timeliness.basis", f"must be one of {', '.join(sorted(BASES))}")
        return None
    if ("within" in value) == ("before_event" in value):
        errors.add(where, "timeliness", "give exactly one of 'within' (days after the event) or 'before_event'")
        return None
    key = "within" if "within" in value else "before_event"
    days = value[key]
    if isinstance(days, bool) or not isinstance(days, int) or days < 0 or days > 365:
        errors.add(where, f"timeliness.{key}", "must be a whole number of days between 0 and 365")
        return None
    return Timeliness(days=days, basis=basis, before_event=key == "before_event")


def _fields(value, where: str, errors: _Collector) -> tuple[FieldSpec, ...]:
    if not isinstance(value, list):
        errors.add(where, "fields", "must be a list")
        return ()
    out, names = [], set()
    for i, f in enumerate(value):
        here = f"fields[{i}]"
        if not isinstance(f, dict):
            errors.add(where, here, "must be a mapping")
            continue
        name = f.get("name")
        if not isinstance(name, str) or not CODE_RE.match(name):
            errors.add(where, f"{here}.name", "must be lower-case letters, digits and underscores")
            continue
        here = f"fields[{i}] ({name})"
        if name in RESERVED_FIELD_NAMES:
            errors.add(where, here, f"'{name}' is reserved for the entry itself")
        if name in names:
            errors.add(where, here, "field name appears twice")
        names.add(name)
        ftype = f.get("type")
        if ftype not in FIELD_TYPES:
            errors.add(where, f"{here}.type", f"unknown type {ftype!r} (allowed: {', '.join(sorted(FIELD_TYPES))})")
            continue
        label = f.get("label")
        if not isinstance(label, str) or not label.strip():
            errors.add(where, f"{here}.label", "is required")
            label = name
        required = f.get("required", False)
        if not isinstance(required, bool):
            errors.add(where, f"{here}.required", "must be true or false")
            required = False
        choices: list[tuple[str, str, str]] = []
        raw_choices = f.get("choices", [])
        if ftype == LedgerFieldTypeChoices.CHOICE:
            if not isinstance(raw_choices, list) or not raw_choices:
                errors.add(where, f"{here}.choices", "a choice field needs a non-empty list of choices")
            else:
                for c in raw_choices:
                    if isinstance(c, dict) and isinstance(c.get("value"), str):
                        choices.append((c["value"], str(c.get("label", c["value"])), str(c.get("label_en", ""))))
                    elif isinstance(c, str):
                        choices.append((c, c, ""))
                    else:
                        errors.add(where, f"{here}.choices", "each choice is text or {value, label, label_en}")
        elif raw_choices:
            errors.add(where, f"{here}.choices", "only choice fields take choices")
        subject = f.get("subject", False)
        if subject and ftype not in (LedgerFieldTypeChoices.PERSON, LedgerFieldTypeChoices.PEOPLE):
            errors.add(where, f"{here}.subject", "only person and people fields can name the subject")
            subject = False
        out.append(FieldSpec(name=name, label=label.strip(), label_en=str(f.get("label_en", "")).strip(),
                             type=ftype, required=required, choices=tuple(choices),
                             help=str(f.get("help", "")).strip(), subject=bool(subject)))
    return tuple(out)


def _attachments(value, where: str, errors: _Collector) -> tuple[AttachmentSpec, ...]:
    if not isinstance(value, list):
        errors.add(where, "attachments", "must be a list")
        return ()
    out = []
    for i, a in enumerate(value):
        if not isinstance(a, dict) or not isinstance(a.get("code"), str) or not CODE_RE.match(a["code"]):
            errors.add(where, f"attachments[{i}].code", "each required attachment needs a code")
            continue
        if not isinstance(a.get("name"), str) or not a["name"].strip():
            errors.add(where, f"attachments[{i}] ({a['code']}).name", "is required")
            continue
        out.append(AttachmentSpec(code=a["code"], name=a["name"].strip(), name_en=str(a.get("name_en", "")).strip()))
    return tuple(out)


# --- timeliness ------------------------------------------------------------------------------------
def due_date(timeliness: Timeliness, event_date: date, calendar) -> date:
    """The last day on which an entry for an event on ``event_date`` is on time.

    ``calendar`` is a :class:`cleangov.deadlines.workdays.WorkCalendar` (the platform's one
    working-day engine, PRC holidays and make-up days included); it is only read for working-day
    limits. "Within N working days" counts the working days after the event day, like every other
    clock of the platform; "before the event" means on or before the day N days ahead of it.
    """
    if timeliness.before_event:
        return event_date - timedelta(days=timeliness.days)
    if timeliness.days == 0:
        return event_date
    if timeliness.basis == LedgerTimeBasisChoices.WORKDAYS:
        return calendar.add_workdays(event_date, timeliness.days).date
    return event_date + timedelta(days=timeliness.days)


def lateness(timeliness: Timeliness, event_date: date, entered_on: date, calendar, *, cache=None) -> int:
    """Calendar days by which an entry made on ``entered_on`` is late (0 when on time)."""
    key = (timeliness, event_date)
    if cache is not None and key in cache:
        due = cache[key]
    else:
        due = due_date(timeliness, event_date, calendar)
        if cache is not None:
            cache[key] = due
    return max(0, (entered_on - due).days)


# --- frequency -------------------------------------------------------------------------------------
PERIODS_PER_YEAR = {
    LedgerPeriodChoices.YEAR: 1,
    LedgerPeriodChoices.HALF: 2,
    LedgerPeriodChoices.QUARTER: 4,
    LedgerPeriodChoices.MONTH: 12,
}


def period_index(period: str, day: date) -> int:
    """0-based index of the period of its year that ``day`` falls in."""
    if period == LedgerPeriodChoices.MONTH:
        return day.month - 1
    if period == LedgerPeriodChoices.QUARTER:
        return (day.month - 1) // 3
    if period == LedgerPeriodChoices.HALF:
        return (day.month - 1) // 6
    return 0


def period_bounds(period: str, year: int, index: int) -> tuple[date, date]:
    months = 12 // PERIODS_PER_YEAR[period]
    start = date(year, index * months + 1, 1)
    end_month = start.month + months
    end = (date(year + 1, 1, 1) if end_month > 12 else date(year, end_month, 1)) - timedelta(days=1)
    return start, end


@dataclass
class Completeness:
    """Present vs expected entries of one kind in one unit and year, as of a date.

    Periods that ended on or before ``as_of`` are due. A period still running counts only once its
    minimum is already met (early work is credited, unfinished work is not yet missing).
    ``present`` caps each period at its minimum: ten meetings in March do not make up for none in
    the other quarters.
    """

    expected: int = 0
    present: int = 0
    total: int = 0  # all entries of the year, uncapped
    missing_periods: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        return self.present / self.expected if self.expected else None


def completeness(frequency: Frequency, year: int, event_dates: list[date], as_of: date) -> Completeness:
    result = Completeness(total=len(event_dates))
    if not frequency.expects or date(year, 1, 1) > as_of:
        return result
    counts: dict[int, int] = {}
    for d in event_dates:
        if d.year == year:
            idx = period_index(frequency.period, d)
            counts[idx] = counts.get(idx, 0) + 1
    for idx in range(PERIODS_PER_YEAR[frequency.period]):
        start, end = period_bounds(frequency.period, year, idx)
        have = counts.get(idx, 0)
        if end <= as_of:
            result.expected += frequency.min
            result.present += min(have, frequency.min)
            if have < frequency.min:
                result.missing_periods.append(_period_label(frequency.period, year, idx))
        elif start <= as_of and have >= frequency.min:
            result.expected += frequency.min
            result.present += frequency.min
    return result


def _period_label(period: str, year: int, index: int) -> str:
    if period == LedgerPeriodChoices.MONTH:
        return f"{year}-{index + 1:02d}"
    if period == LedgerPeriodChoices.QUARTER:
        return f"{year}Q{index + 1}"
    if period == LedgerPeriodChoices.HALF:
        return f"{year}H{index + 1}"
    return str(year)
