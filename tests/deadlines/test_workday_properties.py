"""Properties of the working-day arithmetic, over the shipped years and the fallback around them."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from cleangov.deadlines.calendars import shipped_years
from cleangov.deadlines.workdays import WorkCalendar

CALENDAR = WorkCalendar(shipped_years())
days = st.dates(min_value=date(2023, 6, 1), max_value=date(2027, 6, 30))
counts = st.integers(min_value=1, max_value=300)


@settings(max_examples=300, deadline=None)
@given(days, counts)
def test_result_is_a_workday_strictly_after_start(start, n):
    result = CALENDAR.add_workdays(start, n).date
    assert result > start
    assert CALENDAR.is_workday(result)


@settings(max_examples=300, deadline=None)
@given(days, counts)
def test_strictly_increasing_in_n(start, n):
    assert CALENDAR.add_workdays(start, n + 1).date > CALENDAR.add_workdays(start, n).date


@settings(max_examples=300, deadline=None)
@given(days, counts)
def test_count_between_inverts_add(start, n):
    end = CALENDAR.add_workdays(start, n).date
    assert CALENDAR.workdays_between(start, end).count == n
    # The day before the n-th working day still has only n - 1 of them.
    assert CALENDAR.workdays_between(start, end - timedelta(days=1)).count == n - 1


@settings(max_examples=200, deadline=None)
@given(days, counts, counts)
def test_adding_in_two_steps_equals_adding_once(start, n, m):
    middle = CALENDAR.add_workdays(start, n).date
    assert CALENDAR.add_workdays(middle, m).date == CALENDAR.add_workdays(start, n + m).date


@settings(max_examples=200, deadline=None)
@given(days, days, days)
def test_counts_are_additive(a, b, c):
    a, b, c = sorted((a, b, c))
    total = CALENDAR.workdays_between(a, c).count
    assert total == CALENDAR.workdays_between(a, b).count + CALENDAR.workdays_between(b, c).count
    assert CALENDAR.workdays_between(c, a).count == 0


@settings(max_examples=200, deadline=None)
@given(days, counts)
def test_fallback_years_are_exactly_the_uncovered_years_walked(start, n):
    result = CALENDAR.add_workdays(start, n)
    first_counted = start + timedelta(days=1)  # the start date itself is never walked
    walked = range(first_counted.year, result.date.year + 1)
    assert result.fallback_years == tuple(y for y in walked if y not in (2024, 2025, 2026))
