"""Periods of effect (影响期) of accountability forms, read from cleangov/data/cases/effect_periods.yaml.

A restriction runs from the decision date up to and including the day before the same date N months
later (an admonishment decided on 2026-01-15 bars promotion up to 2026-07-14; on 2026-07-15 it is
over); ``year_end`` runs to 31 December of the decision year. A revoked form has no effect from its
revocation on.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from django.utils.translation import gettext_lazy as _

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "cases" / "effect_periods.yaml"

RESTRICTION_LABELS = {
    "promotion": _("no promotion or heavier use"),
    "leadership_post": _("no leadership post"),
    "higher_post": _("no post above the former level"),
    "awards": _("no excellent grade in the annual assessment and no award this year"),
}
STATUS_LABELS = {
    "confirmed_local": _("confirmed in a local implementing rule"),
    "unconfirmed": _("not confirmed against the official text"),
    "decision": _("set by the sanction decision"),
}


@dataclass(frozen=True)
class EffectRule:
    forms: tuple[str, ...]
    restriction: str
    months: int | None  # None: to the end of the decision year
    source: str
    status: str


@dataclass(frozen=True)
class Effect:
    """One running restriction of one form."""

    form: str
    restriction: str
    starts: datetime.date
    ends: datetime.date  # the last day it applies
    source: str
    status: str

    @property
    def restriction_label(self):
        return RESTRICTION_LABELS.get(self.restriction, self.restriction)

    @property
    def status_label(self):
        return STATUS_LABELS.get(self.status, self.status)


@lru_cache(maxsize=1)
def rules() -> tuple[EffectRule, ...]:
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    out = []
    for row in data["effects"]:
        months = row["months"]
        out.append(EffectRule(tuple(row["forms"]), row["restriction"], None if months == "year_end" else int(months),
                              row["source"], row["status"]))
    return tuple(out)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day when it has no such day (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def effects_of(form: str, starts: datetime.date, *, sanction_months: int | None = None) -> list[Effect]:
    out = []
    for rule in rules():
        if form not in rule.forms:
            continue
        if rule.months is None:
            ends = datetime.date(starts.year, 12, 31)
        else:
            ends = add_months(starts, rule.months) - datetime.timedelta(days=1)
        out.append(Effect(form, rule.restriction, starts, ends, rule.source, rule.status))
    if form == "disciplinary_sanction" and sanction_months:
        out.append(Effect(form, "promotion", starts,
                          add_months(starts, sanction_months) - datetime.timedelta(days=1),
                          "中国共产党纪律处分条例 (2023): the period set by the sanction decision", "decision"))
    return out


def effects_on(case_forms, on: datetime.date) -> list[Effect]:
    """The effects of ``case_forms`` (CaseForm rows with ``effective_from``) that apply on ``on``."""
    running = []
    for row in case_forms:
        if row.effective_from is None or row.effective_from > on:
            continue
        if row.revoked_on is not None and row.revoked_on <= on:
            continue
        running.extend(e for e in effects_of(row.form, row.effective_from, sanction_months=row.effect_months)
                       if e.starts <= on <= e.ends)
    return running
