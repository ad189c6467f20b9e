"""The shipped calendars against the State Council table (docs/regulations.md §10), every day of 2024–2026,
and the validation of calendar files."""

from datetime import date, timedelta

import pytest

from cleangov.deadlines.calendars import (
    CalendarFileError,
    parse_calendar_file,
    parse_calendar_text,
    shipped_years,
)
from cleangov.deadlines.workdays import WorkCalendar, get_calendar

# Typed again here from the notices, independently of the data files, so a typo in either shows.
HOLIDAY_RANGES = {
    2024: [("01-01", "01-01"), ("02-10", "02-17"), ("04-04", "04-06"), ("05-01", "05-05"), ("06-10", "06-10"),
           ("09-15", "09-17"), ("10-01", "10-07")],
    2025: [("01-01", "01-01"), ("01-28", "02-04"), ("04-04", "04-06"), ("05-01", "05-05"), ("05-31", "06-02"),
           ("10-01", "10-08")],
    2026: [("01-01", "01-03"), ("02-15", "02-23"), ("04-04", "04-06"), ("05-01", "05-05"), ("06-19", "06-21"),
           ("09-25", "09-27"), ("10-01", "10-07")],
}
MAKEUP_DAYS = {
    2024: ["02-04", "02-18", "04-07", "04-28", "05-11", "09-14", "09-29", "10-12"],
    2025: ["01-26", "02-08", "04-27", "09-28", "10-11"],
    2026: ["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"],
}
# Working days per year as published alongside the notices (2024: 251; 2025 and 2026: 248).
WORKDAYS_PER_YEAR = {2024: 251, 2025: 248, 2026: 248}


def _d(year, mmdd):
    return date.fromisoformat(f"{year}-{mmdd}")


def _holidays(year):
    days = set()
    for a, b in HOLIDAY_RANGES[year]:
        day = _d(year, a)
        while day <= _d(year, b):
            days.add(day)
            day += timedelta(days=1)
    return days


def _makeups(year):
    return {_d(year, m) for m in MAKEUP_DAYS[year]}


@pytest.fixture(scope="module")
def shipped():
    return WorkCalendar(shipped_years())


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_every_day_of_the_year_matches_the_table(shipped, year):
    holidays, makeups = _holidays(year), _makeups(year)
    day, rest = date(year, 1, 1), 0
    while day.year == year:
        expected = day in makeups or (day.weekday() < 5 and day not in holidays)
        assert shipped.is_workday(day) is expected, day
        rest += not expected
        day += timedelta(days=1)
    total = 366 if year == 2024 else 365
    assert total - rest == WORKDAYS_PER_YEAR[year]
    assert shipped.workdays_between(date(year - 1, 12, 31), date(year, 12, 31)).count == WORKDAYS_PER_YEAR[year]


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_listed_days_are_exactly_the_table(shipped, year):
    data = shipped.year(year)
    assert set(data.holidays) == _holidays(year)
    assert set(data.makeup_workdays) == _makeups(year)
    assert all(shipped.is_workday(d) and d.weekday() >= 5 for d in _makeups(year))
    assert not any(shipped.is_workday(d) for d in _holidays(year))
    assert data.source.startswith(f"国务院办公厅关于{year}年部分节假日安排的通知")


def test_contract_examples(shipped):
    assert shipped.add_workdays(date(2025, 9, 30), 1).date == date(2025, 10, 9)
    assert shipped.is_workday(date(2025, 10, 11)) is True  # Saturday make-up day
    assert shipped.is_workday(date(2025, 10, 1)) is False
    # Sunday 2025-09-28 is worked, so the 1st working day after Friday 2025-09-26 is that Sunday.
    assert shipped.add_workdays(date(2025, 9, 26), 1).date == date(2025, 9, 28)
    # Spring Festival 2026: Friday 2026-02-13 → Saturday 2026-02-14 (make-up) → Tuesday 2026-02-24.
    assert shipped.add_workdays(date(2026, 2, 13), 1).date == date(2026, 2, 14)
    assert shipped.add_workdays(date(2026, 2, 13), 2).date == date(2026, 2, 24)
    assert shipped.add_workdays(date(2026, 12, 30), 1).fallback_years == ()


def test_a_year_without_calendar_falls_back_to_weekends_and_says_so(shipped):
    assert not shipped.covers(2027)
    result = shipped.add_workdays(date(2026, 12, 30), 3)  # Thu 31, (Fri 1 Jan 2027 counts: no calendar), Mon 4
    assert result.date == date(2027, 1, 4)
    assert result.fallback_years == (2027,) and result.used_fallback
    assert shipped.is_workday(date(2027, 1, 1)) is True  # New Year's Day, but nobody loaded 2027
    count = shipped.workdays_between(date(2026, 12, 1), date(2027, 1, 31))
    assert count.fallback_years == (2027,)
    assert shipped.add_workdays(date(2025, 1, 1), 30).fallback_years == ()


def test_get_calendar_without_database_is_the_shipped_files():
    calendar = get_calendar(use_database=False)
    assert sorted(calendar.years) == [2024, 2025, 2026]
    assert calendar.year(2025).origin == "shipped file cn-2025.csv"


def test_n_must_be_positive(shipped):
    with pytest.raises(ValueError, match="between 1"):
        shipped.add_workdays(date(2025, 1, 1), 0)


GOOD = """# year: 2027
# source: 国务院办公厅关于2027年部分节假日安排的通知
# notes: test
date,kind,name
2027-01-01,holiday,元旦
2027-02-07,makeup_workday,春节
"""


def test_parse_a_good_file():
    cal = parse_calendar_text("\ufeff" + GOOD)
    assert cal.year == 2027 and cal.notes == "test"
    assert dict(cal.holidays) == {date(2027, 1, 1): "元旦"}
    assert dict(cal.makeup_workdays) == {date(2027, 2, 7): "春节"}


def _problems(text):
    with pytest.raises(CalendarFileError) as info:
        parse_calendar_text(text, origin="x.csv")
    return [(p.row, p.column, p.reason) for p in info.value.problems], str(info.value)


def test_validation_names_row_column_and_reason():
    text = GOOD + "\n".join([
        "2027-13-01,holiday,坏日期",       # line 7
        "2027-05-01,holyday,劳动节",       # line 8
        "2027-05-02,holiday,",             # line 9
        "2027-01-01,holiday,元旦",         # line 10: duplicate of line 5
        "2027-05-06,makeup_workday,劳动节",  # line 11: a Thursday
        "2028-01-01,holiday,元旦",         # line 12: another year
        "2027-06-01,holiday",              # line 13: two columns
        "27-06-02,holiday,端午",            # line 14
    ]) + "\n"
    problems, message = _problems(text)
    by_row = {row: (column, reason) for row, column, reason in problems}
    assert by_row[7][0] == "date" and "not a real calendar date" in by_row[7][1]
    assert by_row[8][0] == "kind" and "holyday" in by_row[8][1]
    assert by_row[9][0] == "name"
    assert by_row[10][0] == "date" and "already listed on row 5" in by_row[10][1]
    assert by_row[11][0] == "kind" and "weekday" in by_row[11][1]
    assert by_row[12][0] == "date" and "one file holds one year" in by_row[12][1]
    assert by_row[13][0] is None and "expected 3 columns" in by_row[13][1]
    assert by_row[14][0] == "date" and "YYYY-MM-DD" in by_row[14][1]
    assert "x.csv: row 8, column kind:" in message


def test_validation_of_the_file_as_a_whole():
    problems, _ = _problems("date,kind,name\n2027-01-01,holiday,元旦\n")
    assert problems == [(None, None, "missing '# source: ...' header line naming the State Council notice")]
    problems, _ = _problems("# source: x\nday,type,label\n2027-01-01,holiday,元旦\n")
    assert problems[0][0] == 2 and "header must be exactly" in problems[0][2]
    problems, _ = _problems("# source: x\n# year: 2026\ndate,kind,name\n2027-01-01,holiday,元旦\n")
    assert problems[0][:2] == (4, "date")
    problems, _ = _problems("# source: x\ndate,kind,name\n")
    assert "lists no days" in problems[0][2]


def test_non_utf8_file_is_rejected(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("# source: 通知\ndate,kind,name\n2027-01-01,holiday,元旦\n".encode("gbk"))
    with pytest.raises(CalendarFileError, match="not UTF-8"):
        parse_calendar_file(path)


def test_a_long_cell_is_a_named_problem_not_a_csv_traceback():
    problems, _text = _problems(GOOD + "2027-05-01,holiday," + "劳" * 50_000 + "\n")
    assert problems == [(7, None, "the line is longer than 1,000 characters")]


def test_a_huge_file_is_refused_before_it_is_parsed(tmp_path):
    problems, _text = _problems(GOOD + "# padding\n" * 20_000)
    assert problems == [(None, None, "the file holds 200,127 characters; a calendar file holds at most 100,000 "
                                     "(limit of the calendar reader)")]
    path = tmp_path / "big.csv"
    path.write_bytes(b"#" * 500_000)
    with pytest.raises(CalendarFileError) as info:
        parse_calendar_file(path)
    assert "the file is 500,000 bytes; a calendar file is at most 400,000" in str(info.value)
