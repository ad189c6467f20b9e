"""``cleangov calendar``: the exact stdout / stderr / exit-code contract, through the real console
script and through call_command, and loading a year (validation, atomicity, audit, precedence)."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cleangov.core.models import AuditEvent
from cleangov.deadlines.models import CalendarDay, CalendarYear
from cleangov.deadlines.workdays import get_calendar

from .helpers import env_for_empty_database, env_for_test_database, run_cleangov

CAL_2027 = """# PRC holidays 2027 (test fixture, not the real notice)
# year: 2027
# source: 国务院办公厅关于2027年部分节假日安排的通知 (test)
date,kind,name
2027-01-01,holiday,元旦
2027-02-06,makeup_workday,春节
2027-02-08,holiday,春节
"""


def calendar(*args):
    out, err = StringIO(), StringIO()
    call_command("calendar", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- the console script, in a subprocess, against a database that was never migrated -------------


@pytest.fixture(scope="module")
def fresh_env(tmp_path_factory):
    return env_for_empty_database(tmp_path_factory.mktemp("fresh"))


@pytest.mark.parametrize(
    ("args", "stdout"),
    [
        (["is-workday", "2025-10-11"], "workday\n"),
        (["is-workday", "2025-10-01"], "rest\n"),
        (["is-workday", "2025-10-13"], "workday\n"),
        (["is-workday", "2025-10-12"], "rest\n"),
        (["add-workdays", "2025-09-30", "1"], "2025-10-09\n"),
        (["add-workdays", "2025-09-30", "2"], "2025-10-10\n"),
        (["add-workdays", "2024-02-09", "1"], "2024-02-18\n"),
    ],
)
def test_console_script_answers_exactly(fresh_env, args, stdout):
    result = run_cleangov("calendar", *args, env=fresh_env)
    assert (result.returncode, result.stdout, result.stderr) == (0, stdout, "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["is-workday", "2025-02-30"], "invalid date '2025-02-30'"),
        (["is-workday", "tomorrow"], "invalid date 'tomorrow'"),
        (["add-workdays", "2025-09-30", "0"], "invalid N 0"),
        (["add-workdays", "2025-09-30", "-3"], "invalid N -3"),
        (["add-workdays", "2025-09-30", "two"], "invalid N 'two'"),
        (["add-workdays", "2025-09-30"], "the following arguments are required: n"),
        (["is-workday"], "the following arguments are required: date"),
        ([], "the following arguments are required"),
        (["leap-year", "2025"], "invalid choice"),
    ],
)
def test_console_script_usage_errors_exit_2_on_stderr(fresh_env, args, message):
    result = run_cleangov("calendar", *args, env=fresh_env)
    assert result.returncode == 2
    assert result.stdout == ""
    assert message in result.stderr


@pytest.mark.parametrize("sub", [[], ["is-workday"], ["add-workdays"], ["show"], ["load"]])
def test_help_for_each_subcommand(fresh_env, sub):
    result = run_cleangov("calendar", *sub, "--help", env=fresh_env)
    assert result.returncode == 0
    assert "usage: cleangov calendar" in result.stdout


def test_main_help_documents_exit_codes(fresh_env):
    result = run_cleangov("calendar", "--help", env=fresh_env)
    assert "exit codes: 0 ok; 2 bad usage or input" in result.stdout


def test_fallback_year_warns_on_stderr_only(fresh_env):
    result = run_cleangov("calendar", "add-workdays", "2026-12-30", "3", env=fresh_env)
    assert result.returncode == 0
    assert result.stdout == "2027-01-04\n"
    assert "warning: no holiday calendar loaded for 2027" in result.stderr
    result = run_cleangov("calendar", "is-workday", "2027-01-01", env=fresh_env)
    assert (result.returncode, result.stdout) == (0, "workday\n")
    assert "2027" in result.stderr


def test_show_on_fresh_install(fresh_env):
    result = run_cleangov("calendar", "show", "2025", env=fresh_env)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "2025: loaded from shipped file cn-2025.csv"
    assert "  2025-10-11 Sat 国庆节、中秋节" in lines
    assert lines[-1] == "working days: 248, rest days: 117"
    result = run_cleangov("calendar", "show", "2030", env=fresh_env)
    assert result.stdout == "2030: not loaded (working days fall back to weekends only)\n"


def test_load_on_unmigrated_database_exits_3(fresh_env, tmp_path):
    path = tmp_path / "cn-2027.csv"
    path.write_text(CAL_2027, encoding="utf-8")
    result = run_cleangov("calendar", "load", str(path), env=fresh_env)
    assert result.returncode == 3
    assert "database not ready" in result.stderr


# --- call_command --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_call_command_answers():
    assert calendar("is-workday", "2025-10-11") == ("workday\n", "")
    assert calendar("is-workday", "2025-10-01") == ("rest\n", "")
    assert calendar("add-workdays", "2025-09-30", "1") == ("2025-10-09\n", "")


@pytest.mark.parametrize(
    "args",
    [["is-workday", "2025-1-1"], ["add-workdays", "2025-01-01", "0"], ["add-workdays", "2025-01-01"], []],
)
def test_call_command_usage_errors_have_code_2(args):
    with pytest.raises(CommandError) as info:
        calendar(*args)
    assert info.value.returncode == 2


@pytest.mark.django_db
def test_load_a_year_then_it_counts(tmp_path, county):
    path = tmp_path / "cn-2027.csv"
    path.write_text(CAL_2027, encoding="utf-8")
    assert calendar("is-workday", "2027-01-01")[0] == "workday\n"
    out, _ = calendar("load", str(path))
    assert out == "loaded 2027: 2 holidays, 1 make-up working days; 0 open deadline(s) recomputed\n"
    cy = CalendarYear.objects.get(year=2027)
    assert cy.source.startswith("国务院办公厅关于2027年") and cy.file_name == "cn-2027.csv"
    assert len(cy.file_sha256) == 64
    assert calendar("is-workday", "2027-01-01") == ("rest\n", "")  # no fallback warning any more
    assert calendar("is-workday", "2027-02-06") == ("workday\n", "")
    event = AuditEvent.objects.get(event_code="deadlines.calendar_year_loaded")
    assert event.after["holidays"] == ["2027-01-01", "2027-02-08"] and event.before is None
    assert calendar("show", "2027")[0].splitlines()[0] == "2027: loaded from database"


@pytest.mark.django_db
def test_database_year_wins_over_shipped_file_and_reload_replaces(tmp_path):
    path = tmp_path / "cn-2025-corrected.csv"
    path.write_text("# source: corrected notice\ndate,kind,name\n2025-12-31,holiday,测试\n", encoding="utf-8")
    calendar("load", str(path))
    assert calendar("is-workday", "2025-12-31")[0] == "rest\n"
    assert calendar("is-workday", "2025-10-01")[0] == "workday\n"  # the whole year comes from the database
    path.write_text("# source: corrected again\ndate,kind,name\n2025-12-30,holiday,测试\n", encoding="utf-8")
    calendar("load", str(path))
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [date(2025, 12, 30)]
    event = AuditEvent.objects.filter(event_code="deadlines.calendar_year_loaded").order_by("seq").last()
    assert event.before["source"] == "corrected notice" and event.after["source"] == "corrected again"


@pytest.mark.django_db
def test_invalid_file_loads_nothing_and_names_row_column_reason(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(CAL_2027 + "2027-02-30,holiday,春节\n2027-03-01,makeup,x\n", encoding="utf-8")
    with pytest.raises(CommandError) as info:
        calendar("load", str(path))
    assert info.value.returncode == 2
    message = str(info.value)
    assert "row 8, column date: '2027-02-30' is not a real calendar date" in message
    assert "row 9, column kind: 'makeup' is not a kind" in message
    assert not CalendarYear.objects.exists() and not CalendarDay.objects.exists()
    assert not AuditEvent.objects.filter(event_code="deadlines.calendar_year_loaded").exists()
    with pytest.raises(CommandError) as info:
        calendar("load", str(tmp_path / "missing.csv"))
    assert info.value.returncode == 2


@pytest.mark.django_db(transaction=True)
def test_console_script_sees_a_year_loaded_in_the_database(tmp_path):
    path = tmp_path / "cn-2027.csv"
    path.write_text(CAL_2027, encoding="utf-8")
    env = env_for_test_database()
    result = run_cleangov("calendar", "load", str(path), env=env)
    assert result.returncode == 0, result.stderr
    assert get_calendar().covers(2027)
    result = run_cleangov("calendar", "is-workday", "2027-01-01", env=env)
    assert (result.returncode, result.stdout, result.stderr) == (0, "rest\n", "")
    result = run_cleangov("calendar", "add-workdays", "2027-02-05", "1", env=env)
    assert (result.stdout, result.stderr) == ("2027-02-06\n", "")
