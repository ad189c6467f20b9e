"""The mandatory disclosure catalog (cleangov/data/disclosure/catalog.yaml) and its due-date rules.

The catalog is versioned data; the periods it asks for and their due dates are computed here, on the
deadline engine's working-day calendar (make-up working days included), so a due date "10 working
days after the quarter" is the same day the clocks count to.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import yaml
from django.conf import settings
from django.utils.translation import get_language

from cleangov.deadlines.workdays import get_calendar


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    label_en: str
    type: str  # text | money | int

    def display_label(self) -> str:
        return self.label_en if (get_language() or "").startswith("en") else self.label


@dataclass(frozen=True)
class CatalogEntry:
    code: str
    group: str
    name: str
    name_en: str
    frequency: str  # monthly | quarterly | yearly | event
    kind: str  # financial | form
    due: dict
    min_display_days: int
    fields: tuple[FieldSpec, ...] = ()

    def display_name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name

    @property
    def is_event(self) -> bool:
        return self.frequency == "event"

    def periods(self, start: date, end: date) -> list[tuple[date, date]]:
        """The periods of a periodic entry that end on or after ``start`` and no later than ``end``."""
        if self.is_event:
            return []
        months = {"monthly": 1, "quarterly": 3, "yearly": 12}[self.frequency]
        out = []
        year, month = start.year, 1 + ((start.month - 1) // months) * months
        while True:
            p_start = date(year, month, 1)
            n_year, n_month = (year + (month - 1 + months) // 12, (month - 1 + months) % 12 + 1)
            p_end = date(n_year, n_month, 1) - timedelta(days=1)
            if p_end > end:
                break
            if p_end >= start:
                out.append((p_start, p_end))
            year, month = n_year, n_month
        return out

    def due_date(self, period_end: date, calendar=None) -> date:
        """When a period ending on ``period_end`` (or an event on that day) must be published.
        ``calendar``: the deadline engine's working-day calendar (loaded once by a caller that asks
        for many due dates)."""
        calendar = calendar or get_calendar()
        rule = self.due
        if "day_of_next_month" in rule:
            first = period_end + timedelta(days=1)
            if first.day != 1:
                first = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
            day = first.replace(day=int(rule["day_of_next_month"]))
            if rule.get("rest_day_moves_on"):
                while not calendar.is_workday(day):
                    day += timedelta(days=1)
            return day
        if "workdays_after_end" in rule:
            return calendar.add_workdays(period_end, int(rule["workdays_after_end"])).date
        if "workdays_after_event" in rule:
            return calendar.add_workdays(period_end, int(rule["workdays_after_event"])).date
        raise ValueError(f"catalog entry {self.code}: unknown due rule {rule!r}")


@dataclass(frozen=True)
class Catalog:
    version: str
    threshold_itemise: Decimal
    question_answer_days: int
    entries: tuple[CatalogEntry, ...]

    def get(self, code: str) -> CatalogEntry | None:
        return next((e for e in self.entries if e.code == code), None)

    @property
    def periodic(self) -> tuple[CatalogEntry, ...]:
        return tuple(e for e in self.entries if not e.is_event)

    @property
    def events(self) -> tuple[CatalogEntry, ...]:
        return tuple(e for e in self.entries if e.is_event)


def parse_catalog(text: str) -> Catalog:
    data = yaml.safe_load(text)
    entries = []
    for raw in data["entries"]:
        fields = tuple(FieldSpec(f["name"], f["label"], f.get("label_en", f["label"]), f.get("type", "text"))
                       for f in raw.get("fields", ()))
        entry = CatalogEntry(code=raw["code"], group=raw["group"], name=raw["name"], name_en=raw.get("name_en", ""),
                             frequency=raw["frequency"], kind=raw["kind"], due=dict(raw["due"]),
                             min_display_days=int(raw.get("min_display_days", 15)), fields=fields)
        if entry.frequency not in ("monthly", "quarterly", "yearly", "event"):
            raise ValueError(f"catalog entry {entry.code}: unknown frequency {entry.frequency!r}")
        entries.append(entry)
    answer_days = (getattr(settings, "CLEANGOV_DISCLOSURE_ANSWER_DAYS", None)
                   or int(data.get("question_answer_days", 10)))
    return Catalog(version=str(data["version"]), threshold_itemise=Decimal(str(data.get("threshold_itemise", "2000"))),
                   question_answer_days=int(answer_days), entries=tuple(entries))


@functools.cache
def get_catalog() -> Catalog:
    path = Path(__file__).resolve().parent.parent / "data" / "disclosure" / "catalog.yaml"
    return parse_catalog(path.read_text(encoding="utf-8"))
