"""A calendar-date clock set on a rest day runs to the next working day, when its module asks for it
(duty items do), and shows the date as set; loading the year's calendar moves it again."""

from datetime import date

import pytest

from cleangov.deadlines.actions import do_load_calendar_year
from cleangov.deadlines.api import create_deadline
from cleangov.deadlines.calendars import parse_calendar_text

# (due date as set, due date of the clock, date as set kept): read off the 2026 State Council notice.
CASES = [
    (date(2026, 10, 3), date(2026, 10, 8), date(2026, 10, 3)),   # National Day holiday (Sat) → Thu 8th
    (date(2026, 10, 10), date(2026, 10, 10), None),              # a make-up working Saturday stays
    (date(2026, 6, 27), date(2026, 6, 29), date(2026, 6, 27)),   # an ordinary Saturday → Monday
    (date(2026, 6, 30), date(2026, 6, 30), None),                # a Tuesday stays
    (date(2026, 2, 15), date(2026, 2, 24), date(2026, 2, 15)),   # Spring Festival Feb 15–23
]


@pytest.mark.parametrize(("as_set", "due", "kept"), CASES)
def test_rest_day_moves_to_the_next_working_day(county, as_set, due, kept):
    village = county.villages["a"]
    deadline = create_deadline(village, "duties.item_completion", due_date=as_set, unit=village, acting_user=None,
                               rest_day_moves_on=True)
    assert (deadline.due_date, deadline.due_date_as_set) == (due, kept)
    assert (deadline.rest_day_note != "") == (kept is not None)


def test_without_the_option_the_date_is_kept(county):
    village = county.villages["a"]
    deadline = create_deadline(village, "x", due_date=date(2026, 10, 3), unit=village, acting_user=None)
    assert (deadline.due_date, deadline.due_date_as_set) == (date(2026, 10, 3), None)


def test_loading_the_year_moves_a_fallback_clock_again(county):
    village = county.villages["a"]
    deadline = create_deadline(village, "duties.item_completion", due_date=date(2031, 10, 4), unit=village,
                               acting_user=None, rest_day_moves_on=True)
    # 2031-10-04 is a Saturday; without a 2031 calendar only the weekend counts.
    assert (deadline.due_date, deadline.calendar_fallback_years) == (date(2031, 10, 6), [2031])
    calendar = parse_calendar_text(
        "# source: test notice\ndate,kind,name\n" + "".join(f"2031-10-0{d},holiday,国庆节\n" for d in range(1, 8)))
    do_load_calendar_year(calendar, acting_user=None)
    deadline.refresh_from_db()
    assert (deadline.due_date, deadline.due_date_as_set, deadline.calendar_fallback_years) == (
        date(2031, 10, 8), date(2031, 10, 4), [])
