"""Indicator frameworks as data: parsing and validating a framework file (YAML), without the database.

A framework file (``cleangov/data/assessment/*.yaml``) holds one framework: a stable ``code``, its
``kind`` (mid-year inspection or year-end assessment), names in Chinese and English, its source, and
a list of indicators, each with a stable ``id``, names, a ``weight``, a ``formula`` over metric ids
(checked by :mod:`cleangov.assessment.formula`), a scoring ``band`` the score is capped to, the unit
levels it applies to and its source (the regulation it comes from). :func:`parse_framework` returns a
:class:`FrameworkSpec` or raises :class:`FrameworkError` listing every problem with its line, the
indicator and the field.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation

import yaml

from cleangov.core import uploads
from cleangov.core.yamldata import list_item_lines

from .choices import FrameworkKindChoices
from .formula import Formula, FormulaError, parse_formula

FORMAT = "cleangov-assessment-framework/1"
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,59}$")
INDICATOR_ID_RE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")
LEVELS = ("township", "department", "village")
KINDS = {str(k) for k in FrameworkKindChoices}


@dataclass(frozen=True)
class IndicatorSpec:
    id: str
    name: str
    name_en: str
    weight: str  # Decimal as text, so the spec round-trips through JSON exactly
    formula: str
    band_min: str = "0"
    band_max: str = "100"
    unit_levels: tuple[str, ...] = LEVELS
    source: str = ""
    description: str = ""

    @property
    def weight_value(self) -> Decimal:
        return Decimal(self.weight)

    @property
    def band(self) -> tuple[Decimal, Decimal]:
        return Decimal(self.band_min), Decimal(self.band_max)

    def compiled(self) -> Formula:
        return parse_formula(self.formula)

    def name_for(self, language: str | None) -> str:
        return self.name_en if language and language.startswith("en") and self.name_en else self.name


@dataclass(frozen=True)
class FrameworkSpec:
    code: str
    kind: str
    name: str
    name_en: str
    version_label: str
    indicators: tuple[IndicatorSpec, ...]
    source: str = ""
    description: str = ""

    def to_json(self) -> dict:
        return asdict(self)

    @property
    def content_hash(self) -> str:
        canonical = json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def metric_ids(self) -> list[str]:
        seen: list[str] = []
        for indicator in self.indicators:
            for metric in indicator.compiled().metrics:
                if metric not in seen:
                    seen.append(metric)
        return seen

    def name_for(self, language: str | None) -> str:
        return self.name_en if language and language.startswith("en") and self.name_en else self.name


def spec_from_json(data: dict) -> FrameworkSpec:
    indicators = tuple(IndicatorSpec(**{**i, "unit_levels": tuple(i["unit_levels"])}) for i in data["indicators"])
    return FrameworkSpec(**{**data, "indicators": indicators})


class FrameworkError(ValueError):
    """A framework file that cannot be loaded; ``errors`` lists every problem with line, indicator, field."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


FRAMEWORK_KEYS = {"format", "code", "kind", "name", "name_en", "version", "source", "description", "indicators"}
INDICATOR_KEYS = {"id", "name", "name_en", "weight", "formula", "band", "unit_levels", "source", "description"}


def parse_framework(text: str, name: str = "framework") -> FrameworkSpec:
    """Parse and validate one framework file. Raises FrameworkError listing every problem (a file past the
    upload limits, cleangov.core.uploads, is one problem naming the limit)."""
    try:
        data = uploads.load_yaml(text, name)
    except yaml.YAMLError as exc:
        raise FrameworkError([f"not valid YAML: {exc}"]) from exc
    except uploads.ReadError as exc:
        raise FrameworkError([uploads.refusal(exc)]) from exc
    if not isinstance(data, dict):
        raise FrameworkError(["the file must be a mapping with 'code', 'kind', 'name' and an 'indicators' list"])
    errors: list[str] = []

    def top(field_name: str, problem: str) -> None:
        errors.append(f"framework, field '{field_name}': {problem}")

    if data.get("format", FORMAT) != FORMAT:
        top("format", f"unknown format {data.get('format')!r}; expected {FORMAT!r}")
    for key in data:
        if key not in FRAMEWORK_KEYS:
            top(str(key), f"unknown key (allowed: {', '.join(sorted(FRAMEWORK_KEYS))})")
    code = data.get("code")
    if not isinstance(code, str) or not CODE_RE.match(code):
        top("code", "is required: lower-case letters, digits and '_', starting with a letter")
    kind = data.get("kind")
    if kind not in KINDS:
        top("kind", f"must be one of {', '.join(sorted(KINDS))}")
    texts = {}
    for key, required in (("name", True), ("name_en", False), ("version", True), ("source", False),
                          ("description", False)):
        value = data.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            top(key, "must be text")
            value = ""
        value = str(value).strip()
        if required and not value:
            top(key, "is required")
        texts[key] = value
    items = data.get("indicators")
    if not isinstance(items, list) or not items:
        top("indicators", "must be a non-empty list")
        items = []
    lines = list_item_lines(text, "indicators")
    indicators: list[IndicatorSpec] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        line = lines[index] if index < len(lines) else None
        where = f"line {line}, indicator #{index + 1}" if line else f"indicator #{index + 1}"
        if isinstance(item, dict) and item.get("id"):
            where += f" ({item.get('id')})"

        def bad(field_name: str, problem: str, where=where) -> None:
            errors.append(f"{where}, field '{field_name}': {problem}")

        if not isinstance(item, dict):
            bad("-", "each indicator must be a mapping")
            continue
        before = len(errors)
        for key in item:
            if key not in INDICATOR_KEYS:
                bad(str(key), f"unknown key (allowed: {', '.join(sorted(INDICATOR_KEYS))})")
        ind_id = item.get("id")
        if not isinstance(ind_id, str) or not INDICATOR_ID_RE.match(ind_id):
            bad("id", "is required: upper-case letters and digits in dash-separated parts, e.g. 'YE-DUTY-01'")
        elif ind_id in seen:
            bad("id", "appears twice in the file")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            bad("name", "is required")
        name_en = item.get("name_en", "") or ""
        if not isinstance(name_en, str):
            bad("name_en", "must be text")
        weight = _decimal(item.get("weight"))
        if weight is None:
            bad("weight", "is required and must be a number")
        elif weight <= 0 or weight > 1000:
            bad("weight", "must be greater than 0 and at most 1000")
        formula = item.get("formula")
        if not isinstance(formula, str):
            bad("formula", "is required (an expression over metric ids)")
        else:
            try:
                parse_formula(formula)
            except FormulaError as exc:
                bad("formula", str(exc))
        band = item.get("band", {"min": 0, "max": 100})
        band_min = band_max = None
        if not isinstance(band, dict) or set(band) - {"min", "max"}:
            bad("band", "must be a mapping with 'min' and 'max'")
        else:
            band_min, band_max = _decimal(band.get("min", 0)), _decimal(band.get("max", 100))
            if band_min is None or band_max is None:
                bad("band", "'min' and 'max' must be numbers")
            elif band_min >= band_max:
                bad("band", "'min' must be below 'max'")
        levels = item.get("unit_levels", list(LEVELS))
        if not isinstance(levels, list) or not levels or any(level not in LEVELS for level in levels):
            bad("unit_levels", f"must be a non-empty list of {', '.join(LEVELS)}")
        for key in ("source", "description"):
            if not isinstance(item.get(key, "") or "", str):
                bad(key, "must be text")
        if len(errors) != before:
            continue
        seen.add(ind_id)
        indicators.append(IndicatorSpec(
            id=ind_id, name=name.strip(), name_en=name_en.strip(), weight=str(weight), formula=formula.strip(),
            band_min=str(band_min), band_max=str(band_max), unit_levels=tuple(levels),
            source=(item.get("source") or "").strip(), description=(item.get("description") or "").strip(),
        ))
    if errors:
        raise FrameworkError(errors)
    return FrameworkSpec(code=code, kind=kind, name=texts["name"], name_en=texts["name_en"],
                         version_label=texts["version"], indicators=tuple(indicators), source=texts["source"],
                         description=texts["description"])
