"""Burst detection on synthetic timelines, at the thresholds' boundaries."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from cleangov.ledgers.analysis import detect_bursts

PARAMS = {"min_entries": 5, "min_age_days": 30, "window_days": 3}
BASE = timezone.make_aware(datetime.combine(date(2026, 6, 20), time(9)))


def _rows(offsets_hours, age_days=40):
    out = []
    for i, hours in enumerate(offsets_hours):
        at = BASE + timedelta(hours=hours)
        out.append((i + 1, at, timezone.localtime(at).date() - timedelta(days=age_days)))
    return out


def test_five_old_entries_within_three_days_are_a_burst():
    bursts = detect_bursts(_rows([0, 10, 20, 40, 72]), **PARAMS)
    assert len(bursts) == 1 and bursts[0].entry_ids == [1, 2, 3, 4, 5]


def test_four_are_not_and_a_spread_over_more_than_three_days_is_not():
    assert detect_bursts(_rows([0, 10, 20, 40]), **PARAMS) == []
    assert detect_bursts(_rows([0, 10, 20, 40, 73]), **PARAMS) == []  # 3 days and 1 hour


def test_recent_events_recorded_together_are_not_backfilling():
    assert detect_bursts(_rows([0, 1, 2, 3, 4, 5], age_days=29), **PARAMS) == []
    assert len(detect_bursts(_rows([0, 1, 2, 3, 4], age_days=30), **PARAMS)) == 1


def test_overlapping_windows_merge_and_separate_bursts_stay_apart():
    rows = _rows([0, 5, 10, 15, 20, 50, 60, 70, 300, 301, 302, 303, 304])
    bursts = detect_bursts(rows, **PARAMS)
    assert [b.count for b in bursts] == [8, 5]
    assert bursts[0].oldest_event <= bursts[0].newest_event


def test_old_entries_spread_through_the_year_are_no_burst():
    rows = _rows([i * 24 * 10 for i in range(30)])  # one old entry every ten days
    assert detect_bursts(rows, **PARAMS) == []
