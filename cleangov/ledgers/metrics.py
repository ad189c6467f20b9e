"""Record-book metrics for inspections and assessments (cleangov.core.metrics).

Each metric covers a unit's OWN book (a township's value is the township's book, not its villages';
the assessment framework aggregates subtrees if it wants to). The period's year is the year of
``period_end``; completeness is judged as of ``period_end``. Fixed query count for any number of units.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cleangov.core.metrics import MetricResult, MetricSpec
from cleangov.core.scores import ratio
from cleangov.orgs.models import Unit

from .analysis import book_years, bursts_for_units


def _ratio(num: int, den: int) -> Decimal:
    return ratio(num, den)


def _books(unit_ids, period_end: date):
    units = list(Unit.objects.filter(pk__in=list(unit_ids)))
    return units, book_years(units, period_end.year, as_of=period_end)


def compute_completeness(unit_ids: list[int], period_start: date, period_end: date) -> dict[int, MetricResult]:
    units, books = _books(unit_ids, period_end)
    out = {}
    for unit in units:
        book = books[unit.pk]
        url = reverse("ledgers:unit_completeness", kwargs={"unit_id": unit.pk}) + f"?year={period_end.year}"
        evidence = [(f"{k.kind.current_version.name}: {k.completeness.present}/{k.completeness.expected}", url)
                    for k in book.kinds if k.completeness.expected]
        if not book.expected:
            out[unit.pk] = MetricResult(value=None, note=str(_("No record book is due yet for this unit.")),
                                        evidence=evidence)
            continue
        out[unit.pk] = MetricResult(value=_ratio(book.present, book.expected), numerator=Decimal(book.present),
                                    denominator=Decimal(book.expected), evidence=evidence)
    return out


def compute_timeliness(unit_ids: list[int], period_start: date, period_end: date) -> dict[int, MetricResult]:
    units, books = _books(unit_ids, period_end)
    out = {}
    for unit in units:
        book = books[unit.pk]
        url = reverse("ledgers:unit_book", kwargs={"unit_id": unit.pk}) + f"?year={period_end.year}&late=1"
        evidence = [(f"{k.kind.current_version.name}: {k.late}/{k.total}", url) for k in book.kinds if k.late]
        if not book.total:
            out[unit.pk] = MetricResult(value=None, note=str(_("No entries in the period.")))
            continue
        on_time = book.total - book.late
        out[unit.pk] = MetricResult(value=_ratio(on_time, book.total), numerator=Decimal(on_time),
                                    denominator=Decimal(book.total), evidence=evidence)
    return out


def compute_burst_count(unit_ids: list[int], period_start: date, period_end: date) -> dict[int, MetricResult]:
    bursts = bursts_for_units(unit_ids, since=period_start, until=period_end)
    out = {}
    for unit_id in unit_ids:
        found = bursts.get(unit_id, [])
        url = reverse("ledgers:unit_book", kwargs={"unit_id": unit_id}) + "#bursts"
        evidence = [(f"{b.start:%Y-%m-%d}–{b.end:%Y-%m-%d}: {b.count}", url) for b in found]
        out[unit_id] = MetricResult(value=Decimal(len(found)), evidence=evidence)
    return out


METRICS = {
    "ledgers.completeness": MetricSpec(
        label=_("Record-book completeness"),
        description=_("Entries present out of entries expected by the frequency rules of every record book the "
                      "unit must keep, each period capped at its minimum."),
        unit="ratio",
        compute=compute_completeness,
    ),
    "ledgers.timeliness": MetricSpec(
        label=_("Record-book timeliness"),
        description=_("Share of the unit's entries of the year recorded within their kind's time limit."),
        unit="ratio",
        compute=compute_timeliness,
    ),
    "ledgers.burst_count": MetricSpec(
        label=_("Backfill bursts"),
        description=_("Bursts of entries for old events recorded within a few days (a book filled in before an "
                      "inspection) entered during the period."),
        unit="count",
        compute=compute_burst_count,
    ),
}
