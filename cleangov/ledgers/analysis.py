"""Completeness, timeliness and backfill bursts, computed for many units at once.

Every function here makes a fixed number of queries whatever the number of units, and the pure
parts (:func:`detect_bursts`, :func:`cleangov.ledgers.kinds.completeness`) take plain rows so they
are tested on synthetic timelines.

Burst thresholds are settings (defaults below; docs/ledgers.md): an entry is *old* when its event
date lies ``LEDGER_BURST_MIN_AGE_DAYS`` or more calendar days before its entry time; a *burst* is
``LEDGER_BURST_MIN_ENTRIES`` or more old entries of one unit entered within
``LEDGER_BURST_WINDOW_DAYS`` days (overlapping windows merge into one burst). That is the pattern of a
book "filled in just before the inspection" the field report describes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .kinds import Completeness, completeness
from .models import LedgerEntry, LedgerKind

DEFAULT_BURST = {"min_entries": 5, "min_age_days": 30, "window_days": 3}


def burst_params() -> dict:
    return {
        "min_entries": int(getattr(settings, "LEDGER_BURST_MIN_ENTRIES", DEFAULT_BURST["min_entries"])),
        "min_age_days": int(getattr(settings, "LEDGER_BURST_MIN_AGE_DAYS", DEFAULT_BURST["min_age_days"])),
        "window_days": int(getattr(settings, "LEDGER_BURST_WINDOW_DAYS", DEFAULT_BURST["window_days"])),
    }


@dataclass
class Burst:
    unit_id: int
    start: datetime  # first entry time of the burst
    end: datetime  # last entry time
    entry_ids: list[int] = field(default_factory=list)
    oldest_event: date | None = None
    newest_event: date | None = None

    @property
    def count(self) -> int:
        return len(self.entry_ids)


def detect_bursts(rows, *, min_entries: int, min_age_days: int, window_days: int) -> list[Burst]:
    """Bursts in one unit's rows of (entry id, entered_at, event_date)."""
    old = sorted(
        (r for r in rows if (timezone.localtime(r[1]).date() - r[2]).days >= min_age_days),
        key=lambda r: (r[1], r[0]),
    )
    window = timedelta(days=window_days)
    in_burst = [False] * len(old)
    left = 0
    for right in range(len(old)):
        while old[right][1] - old[left][1] > window:
            left += 1
        if right - left + 1 >= min_entries:
            for i in range(left, right + 1):
                in_burst[i] = True
    bursts: list[Burst] = []
    current: list = []
    for i, row in enumerate(old):
        # Members of overlapping windows are contiguous in time order; a non-member, or a gap longer
        # than the window between two members, ends a burst.
        if in_burst[i] and current and row[1] - current[-1][1] > window:
            bursts.append(_burst(current))
            current = []
        if in_burst[i]:
            current.append(row)
        elif current:
            bursts.append(_burst(current))
            current = []
    if current:
        bursts.append(_burst(current))
    return bursts


def _burst(rows) -> Burst:
    return Burst(unit_id=0, start=rows[0][1], end=rows[-1][1], entry_ids=[r[0] for r in rows],
                 oldest_event=min(r[2] for r in rows), newest_event=max(r[2] for r in rows))


def bursts_for_units(unit_ids, *, since: date, until: date, params: dict | None = None) -> dict[int, list[Burst]]:
    """Bursts whose entries were entered between ``since`` and ``until`` (inclusive), per unit."""
    params = params or burst_params()
    start = timezone.make_aware(datetime.combine(since, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(until + timedelta(days=1), datetime.min.time()))
    rows = LedgerEntry.objects.filter(unit_id__in=list(unit_ids), entered_at__gte=start, entered_at__lt=end)
    per_unit: dict[int, list] = defaultdict(list)
    for pk, unit_id, entered_at, event_date in rows.values_list("pk", "unit_id", "entered_at", "event_date"):
        per_unit[unit_id].append((pk, entered_at, event_date))
    out: dict[int, list[Burst]] = {}
    for unit_id, unit_rows in per_unit.items():
        found = detect_bursts(unit_rows, **params)
        for b in found:
            b.unit_id = unit_id
        if found:
            out[unit_id] = found
    return out


@dataclass
class KindYear:
    """One kind's figures in one unit and year."""

    kind: LedgerKind
    completeness: Completeness
    total: int = 0
    late: int = 0
    max_late_days: int = 0

    @property
    def on_time(self) -> int:
        return self.total - self.late

    @property
    def timeliness(self) -> float | None:
        return self.on_time / self.total if self.total else None


@dataclass
class BookYear:
    """A unit's book in one year: every applicable kind (and any other kind it has entries of)."""

    unit_id: int
    year: int
    kinds: list[KindYear] = field(default_factory=list)

    @property
    def expected(self) -> int:
        return sum(k.completeness.expected for k in self.kinds)

    @property
    def present(self) -> int:
        return sum(k.completeness.present for k in self.kinds)

    @property
    def completeness(self) -> float | None:
        return self.present / self.expected if self.expected else None

    @property
    def total(self) -> int:
        return sum(k.total for k in self.kinds)

    @property
    def late(self) -> int:
        return sum(k.late for k in self.kinds)

    @property
    def timeliness(self) -> float | None:
        return (self.total - self.late) / self.total if self.total else None


def active_kinds() -> list[LedgerKind]:
    return list(LedgerKind.objects.filter(current_version__isnull=False).select_related("current_version"))


def book_years(units, year: int, *, as_of: date | None = None, kinds=None) -> dict[int, BookYear]:
    """Completeness and timeliness per kind of each unit's book in ``year`` (two queries).

    Expected counts come from each kind's *current* version (the rule in force); entries of every
    version count as present. ``units`` are Unit objects (their level decides which kinds apply).
    """
    as_of = as_of or timezone.localdate()
    kinds = kinds if kinds is not None else active_kinds()
    by_id = {k.pk: k for k in kinds}
    units = list(units)
    rows = LedgerEntry.objects.filter(unit__in=[u.pk for u in units], event_date__year=year).values_list(
        "unit_id", "kind_id", "event_date", "late_days")
    dates: dict[tuple[int, int], list[date]] = defaultdict(list)
    late: dict[tuple[int, int], list[int]] = defaultdict(list)
    for unit_id, kind_id, event_date, late_days in rows.iterator(chunk_size=5000):
        dates[(unit_id, kind_id)].append(event_date)
        if late_days:
            late[(unit_id, kind_id)].append(late_days)
    out: dict[int, BookYear] = {}
    for unit in units:
        book = BookYear(unit_id=unit.pk, year=year)
        for kind in kinds:
            spec = kind.current_version.parsed
            key = (unit.pk, kind.pk)
            applies = unit.level in spec.unit_levels and kind.active
            if not applies and key not in dates:
                continue
            event_dates = dates.get(key, [])
            comp = completeness(spec.frequency, year, event_dates, as_of) if applies else Completeness(
                total=len(event_dates))
            lates = late.get(key, [])
            book.kinds.append(KindYear(kind=by_id[kind.pk], completeness=comp, total=len(event_dates),
                                       late=len(lates), max_late_days=max(lates, default=0)))
        out[unit.pk] = book
    return out
