"""Kinds as data: the shipped catalog, validation errors that name line/kind/field, versioning, and
the frequency and timeliness rules at their boundaries."""

from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cleangov.deadlines.workdays import get_calendar
from cleangov.ledgers.actions import do_import_ledger_kinds, do_record_ledger_entry
from cleangov.ledgers.kinds import (
    CatalogError,
    Frequency,
    Timeliness,
    completeness,
    due_date,
    lateness,
    parse_catalog,
)
from cleangov.ledgers.models import LedgerEntry, LedgerKind, LedgerKindVersion
from cleangov.ledgers.setup_data import DEFAULT_CATALOG, load_catalog

CATALOG = Path(DEFAULT_CATALOG).read_text(encoding="utf-8")


def test_shipped_catalog_has_the_kinds_the_issue_lists():
    codes = {s.code for s in parse_catalog(CATALOG)}
    assert {"party_committee_meeting", "leading_group_meeting", "democratic_life_meeting", "integrity_talk",
            "reminder_talk", "admonishment_talk", "duty_integrity_report", "branch_members_meeting",
            "branch_committee_meeting", "party_group_meeting", "party_lecture", "integrity_training",
            "warning_education", "wedding_funeral_report", "study_trip_approval", "vehicle_dispatch",
            "villagers_committee_meeting", "villagers_assembly", "representatives_meeting",
            "two_committees_meeting", "democratic_decision", "village_affairs_disclosure", "democratic_hearing",
            "people_mediation", "cadre_duty", "cadre_appraisal"} <= codes
    specs = {s.code: s for s in parse_catalog(CATALOG)}
    assert specs["party_committee_meeting"].frequency == Frequency("year", 2)
    assert specs["branch_committee_meeting"].frequency == Frequency("month", 1)
    assert specs["branch_members_meeting"].frequency == Frequency("quarter", 1)
    assert specs["wedding_funeral_report"].timeliness.before_event
    names = {f.name for f in specs["wedding_funeral_report"].fields}
    assert {"tables", "guests", "cars"} <= names
    assert {"headcount", "scope"} <= {f.name for f in specs["study_trip_approval"].fields}


BAD = """format: cleangov-ledger-kinds/1
kinds:
  - code: good_kind
    name: 好
    unit_levels: [village]
    recorder_roles: [village_secretary]
    frequency: {period: year, min: 1}
    timeliness: {within: 5, basis: workdays}
  - code: bad_kind
    name: 坏
    unit_levels: [village, planet]
    recorder_roles: [village_secretary]
    frequency: {period: fortnight, min: 1}
    timeliness: {within: 5}
    fields:
      - {name: size, label: 大小, type: number}
"""


def test_errors_name_the_line_the_kind_and_the_field():
    with pytest.raises(CatalogError) as exc:
        parse_catalog(BAD)
    text = "\n".join(exc.value.errors)
    assert "line 9, kind #2 (bad_kind), field 'unit_levels': unknown value(s) planet" in text
    assert "field 'frequency.period'" in text
    assert "field 'fields[0] (size).type': unknown type 'number'" in text
    assert "good_kind" not in text


def test_missing_required_keys_and_bad_yaml():
    with pytest.raises(CatalogError, match="not valid YAML"):
        parse_catalog("kinds: [")
    with pytest.raises(CatalogError) as exc:
        parse_catalog("kinds:\n  - code: x_kind\n")
    joined = "\n".join(exc.value.errors)
    assert "field 'name': is required" in joined and "field 'frequency'" in joined


def test_import_is_idempotent_and_a_change_makes_a_new_version(county, kinds):
    assert LedgerKindVersion.objects.count() == len(kinds)
    again = load_catalog()
    assert again.created == [] and again.new_versions == [] and len(again.unchanged) == len(kinds)
    village = county.villages["a"]
    old = do_record_ledger_entry(unit=village, kind=kinds["villagers_assembly"], event_date=timezone.localdate(),
                                 title="", values={"topic": "修路", "present_count": 120}, acting_user=None)
    changed = CATALOG.replace("{name: present_count, label: 到会人数, label_en: Villagers present, type: integer, "
                              "required: true}",
                              "{name: present_count, label: 到会人数, label_en: Villagers present, type: integer, "
                              "required: true}\n      - {name: chair, label: 主持人, type: text, required: true}")
    assert changed != CATALOG
    summary = do_import_ledger_kinds(parse_catalog(changed), acting_user=None)
    assert summary.new_versions == ["villagers_assembly"]
    kind = LedgerKind.objects.get(code="villagers_assembly")
    assert kind.current_version.version == 2
    old.refresh_from_db()
    assert old.kind_version.version == 1  # the old entry keeps its version and still reads
    assert [f.name for f in old.kind_version.parsed.fields] == ["topic", "present_count"]
    # New entries must give the new field.
    with pytest.raises(ValidationError) as missing:
        do_record_ledger_entry(unit=village, kind=kind, event_date=timezone.localdate(), title="",
                               values={"topic": "x", "present_count": 1}, acting_user=None)
    assert set(missing.value.message_dict) == {"chair"}
    new = do_record_ledger_entry(unit=village, kind=kind, event_date=timezone.localdate(), title="",
                                 values={"topic": "x", "present_count": 1, "chair": "李四"}, acting_user=None)
    assert new.kind_version.version == 2
    assert LedgerEntry.objects.filter(kind=kind).count() == 2


CAL = get_calendar(use_database=False)


def test_working_day_limit_skips_weekends_and_holidays():
    rule = Timeliness(days=5, basis="workdays")
    # Friday 2025-09-26: the 5th working day after it is Sunday 28th (a make-up working day in 2025)?
    # Use a plain week instead: Monday 2025-03-03 + 5 working days = Monday 2025-03-10.
    assert due_date(rule, date(2025, 3, 3), CAL) == date(2025, 3, 10)
    assert lateness(rule, date(2025, 3, 3), date(2025, 3, 10), CAL) == 0  # on the last day: on time
    assert lateness(rule, date(2025, 3, 3), date(2025, 3, 11), CAL) == 1  # one day later: late by 1
    # National Day 2025 (Oct 1–8 off): an event on 30 Sep is due 5 working days later, after the holiday.
    assert due_date(rule, date(2025, 9, 30), CAL) > date(2025, 10, 8)


def test_calendar_day_and_before_event_limits():
    assert due_date(Timeliness(days=1), date(2025, 5, 31), CAL) == date(2025, 6, 1)
    before = Timeliness(days=1, before_event=True)
    assert lateness(before, date(2025, 6, 10), date(2025, 6, 9), CAL) == 0
    assert lateness(before, date(2025, 6, 10), date(2025, 6, 10), CAL) == 1  # reported on the day: late
    same_day = Timeliness(days=0, before_event=True)
    assert lateness(same_day, date(2025, 6, 10), date(2025, 6, 10), CAL) == 0


def test_completeness_counts_ended_periods_capped_at_the_minimum():
    monthly = Frequency("month", 1)
    dates = [date(2025, m, 5) for m in (1, 2, 2, 2, 4)]
    c = completeness(monthly, 2025, dates, as_of=date(2025, 4, 30))
    assert (c.present, c.expected) == (3, 4)  # Jan, Feb (capped), Apr of Jan–Apr; March missing
    assert c.missing_periods == ["2025-03"]
    # 29 April: April has not ended, but its minimum is met, so it counts.
    c = completeness(monthly, 2025, dates, as_of=date(2025, 4, 29))
    assert (c.present, c.expected) == (3, 4)
    c = completeness(monthly, 2025, dates[:4], as_of=date(2025, 4, 29))
    assert (c.present, c.expected) == (2, 3)  # April still running and empty: not yet missing
    twice = Frequency("year", 2)
    assert completeness(twice, 2025, [date(2025, 3, 1)], as_of=date(2025, 12, 30)).expected == 0
    c = completeness(twice, 2025, [date(2025, 3, 1)], as_of=date(2025, 12, 31))
    assert (c.present, c.expected, c.ratio) == (1, 2, 0.5)
    quarterly = Frequency("quarter", 1)
    c = completeness(quarterly, 2025, [date(2025, 3, 31), date(2025, 4, 1)], as_of=date(2025, 12, 31))
    assert (c.present, c.expected) == (2, 4)
    assert completeness(Frequency("event"), 2025, [date(2025, 1, 1)], date(2025, 12, 31)).expected == 0
