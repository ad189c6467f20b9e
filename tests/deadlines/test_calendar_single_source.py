"""One holiday calendar for the deadline clocks and the voucher audits: the same shipped files, and a
year an administrator loads reaches both (the web audit run passes it to the engine)."""

from datetime import date, timedelta
from unittest import mock

import pytest

from cleangov.deadlines.actions import do_load_calendar_year
from cleangov.deadlines.calendars import SHIPPED_DIR, parse_calendar_text, shipped_years
from cleangov.deadlines.workdays import WorkCalendar, get_calendar
from cleangov.finance import engine as E
from tests.finance.helpers import audit, import_rows, sample_rows
from voucher_audit import standards as vstandards

# A 2027 notice as an administrator would load it (invented for the test: 2027 is not published).
LOADED_2027 = """# source: test notice for 2027
date,kind,name
2027-01-01,holiday,元旦
2027-10-01,holiday,国庆节
2027-10-04,holiday,国庆节
2027-10-09,makeup_workday,国庆节
"""


def _audit_view(std):
    """{date: (is_rest, holiday name)} as the audit rules see it."""
    return {d: (rest, name) for d, rest, name in vstandards.calendar_days(std)}


def _clock_view(calendar: WorkCalendar, years):
    out = {}
    for year in years:
        day = date(year, 1, 1)
        while day.year == year:
            out[day] = (not calendar.is_workday(day), calendar.years[year].holidays.get(day))
            day += timedelta(days=1)
    return out


def test_one_copy_of_the_shipped_files():
    assert SHIPPED_DIR == vstandards.CALENDAR_DIR
    assert sorted(shipped_years()) == [2024, 2025, 2026]


def test_shipped_years_agree_day_by_day():
    std = vstandards.load("central", date(2025, 6, 1))
    assert std.calendar_years == [2024, 2025, 2026]
    assert _audit_view(std) == _clock_view(WorkCalendar(shipped_years()), [2024, 2025, 2026])
    # The make-up Sunday before National Day 2026 is named for National Day by both.
    rows = {r["date"]: r["name"] for r in std.calendar if r["kind"] == "makeup_workday"}
    assert rows["2026-09-20"] == "国庆节" == shipped_years()[2026].makeup_workdays[date(2026, 9, 20)]


@pytest.mark.django_db
def test_a_loaded_year_reaches_the_web_audit_run(county, tmp_path):
    do_load_calendar_year(parse_calendar_text(LOADED_2027), acting_user=None)
    calendar = get_calendar()
    import_rows(county, tmp_path, sample_rows(county.villages["a"].code), name="a.csv")
    with mock.patch.object(E, "audit", wraps=E.audit) as engine_audit:
        audit(county.townships["a"])
    std = engine_audit.call_args.args[1]
    assert std.calendar_years == [2024, 2025, 2026, 2027]
    seen = _audit_view(std)
    assert seen == _clock_view(calendar, [2024, 2025, 2026, 2027])
    assert seen[date(2027, 10, 4)] == (True, "国庆节")  # a Monday, rest by the loaded notice
    assert seen[date(2027, 10, 9)] == (False, None)  # a Saturday, worked by the loaded notice


@pytest.mark.django_db
def test_a_corrected_shipped_year_reaches_both(county):
    # The administrator reloads 2026 with one more holiday; the database wins over the shipped file.
    rows = [f"{d},{k},{n}" for d, k, n in shipped_years()[2026].entries()] + ["2026-12-31,holiday,测试"]
    do_load_calendar_year(parse_calendar_text("# source: corrected\ndate,kind,name\n" + "\n".join(rows)),
                          acting_user=None)
    from cleangov.deadlines.api import holiday_calendar_rows

    std = E.load_standards("central", date(2026, 6, 1), calendar=holiday_calendar_rows())
    assert _audit_view(std)[date(2026, 12, 31)] == (True, "测试")
    assert not get_calendar().is_workday(date(2026, 12, 31))
