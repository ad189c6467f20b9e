"""Import of units, people, posts and relations: formats, validation report, all-or-nothing, privacy."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from cleangov.core.audit import verify_chain
from cleangov.core.models import AuditEvent
from cleangov.orgs.actions import hash_identity_number
from cleangov.orgs.importing.pipeline import run_import
from cleangov.orgs.importing.rank_mapping import load_rank_mappings
from cleangov.orgs.importing.readers import ImportFile
from cleangov.orgs.models import Person, Post, Relation, Unit

from .files import (
    PEOPLE_HEADER,
    POSTS_HEADER,
    RELATIONS_HEADER,
    UNITS,
    UNITS_HEADER,
    csv_file,
    good_csv_files,
    good_workbook,
    identity,
    people_rows,
    workbook_bytes,
)


@pytest.fixture(autouse=True)
def english():
    """Reasons are asserted in English here; test_import_report_in_chinese checks the Chinese report."""
    with translation.override("en"):
        yield

pytestmark = pytest.mark.django_db


def counts():
    return (Unit.objects.count(), Person.objects.count(), Post.objects.count(), Relation.objects.count(),
            AuditEvent.objects.count())


def errors(result):
    return [(p.source, p.sheet, p.row, p.column, p.reason) for p in result.report.errors]


def assert_good_county_imported():
    village = Unit.objects.get(code="QH-T01-V01")
    assert village.path == "/QH/QH-T01/QH-T01-V01/" and village.depth == 2
    assert village.city == "南宁市"  # inherited from the county
    assert village.parent.code == "QH-T01" and village.level == "village"
    group = Unit.objects.get(code="QH-T01-V01-G1")
    assert group.depth == 3 and group.level == "group"
    p2 = Person.objects.get(code="P2")
    assert p2.home_unit == village and p2.gender == "female" and p2.party == "none"
    assert p2.id_last4 == identity("19800515", 222)[-4:]
    assert p2.id_hash == hash_identity_number(identity("19800515", 222))
    assert Person.objects.get(code="P3").party == "probationary"
    posts = {(p.person.code, p.post_type): p for p in Post.objects.select_related("person")}
    assert posts[("P1", "party_secretary")].start_date == date(2021, 9, 15)
    assert posts[("P2", "village_party_secretary")].start_date == date(2021, 1, 20)
    ended = posts[("P2", "committee_director")]
    assert (ended.start_date, ended.end_date) == (date(2018, 1, 15), date(2021, 1, 19))
    assert posts[("P3", "group_leader")].unit == group
    kinds = {(r.person.code, r.relative.code): r.kind for r in Relation.objects.select_related("person", "relative")}
    assert kinds == {("P1", "P3"): "sibling", ("P2", "P3"): "spouse"}


def test_good_utf8_csv_import_creates_everything_with_one_audit_event_each():
    load_rank_mappings()
    before = AuditEvent.objects.count()
    result = run_import(good_csv_files(), acting_user=None)
    assert result.report.ok, errors(result)
    assert result.imported
    assert result.counts == {"units": 5, "people": 3, "posts": 4, "relations": 2}
    assert_good_county_imported()
    assert Person.objects.get(code="P1").rank == "other"  # 乡科级正职 travels as "other personnel"
    assert AuditEvent.objects.count() - before == 14
    codes = set(AuditEvent.objects.values_list("event_code", flat=True))
    assert {"orgs.unit_created", "orgs.person_created", "orgs.post_started", "orgs.relation_added"} <= codes
    assert verify_chain()[1] is None


def test_good_xlsx_workbook_with_one_sheet_per_kind():
    result = run_import([good_workbook()], acting_user=None)
    assert result.report.ok, errors(result)
    assert_good_county_imported()


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
def test_gbk_and_bom_csv(encoding):
    files = good_csv_files(encoding)
    if encoding == "utf-8-sig":
        assert files[0].data.startswith(b"\xef\xbb\xbf")
    result = run_import(files, acting_user=None)
    assert result.report.ok, errors(result)
    assert Unit.objects.get(code="QH-T01-V01").name == "石桥村"
    assert Person.objects.get(code="P1").name == "王建国"


def test_xlsx_merged_header_cells_and_excel_serial_dates():
    def merge(workbook):
        sheet = workbook["任职"]
        sheet.merge_cells("A1:E1")  # a title row over the whole table
        sheet.merge_cells("A2:A3")  # vertical merges: one header over two header rows
        sheet.merge_cells("B2:B3")
        sheet.merge_cells("C2:C3")
        sheet.merge_cells("D2:E2")  # "任职" over "开始" and "结束"

    rows = [
        ["清河县干部任职情况表", None, None, None, None],
        ["人员编号", "单位代码", "职务", "任职", None],
        [None, None, None, "开始", "结束"],
        ["P1", "QH-T01", "乡镇党委书记", 44454, None],  # Excel serial for 2021-09-15
        ["P2", "QH-T01-V01", "村党支部书记", date(2021, 1, 20), None],  # a real date cell (read back as datetime)
        ["P2", "QH-T01-V01", "村委会主任", 43115, 44215],  # 2018-01-15 → 2021-01-19
        ["P3", "QH-T01-V01-G1", "村民小组长", "2021-01-20", None],
    ]
    data = workbook_bytes({"单位": [UNITS_HEADER, *UNITS], "人员": [PEOPLE_HEADER, *people_rows()], "任职": rows,
                           "亲属关系": [RELATIONS_HEADER, ["P1", "P3", "兄弟"], ["P2", "P3", "配偶"]]}, merge)
    result = run_import([ImportFile("merged.xlsx", data)], acting_user=None)
    assert result.report.ok, errors(result)
    assert_good_county_imported()


def test_row_numbers_and_columns_are_those_seen_in_excel():
    def merge(workbook):
        workbook["任职"].merge_cells("A1:E1")

    rows = [["任职情况", None, None, None, None], POSTS_HEADER,
            ["P1", "QH-T01", "乡镇党委书记", "2021-13-01", None]]  # row 3 in Excel
    data = workbook_bytes({"单位": [UNITS_HEADER, *UNITS], "人员": [PEOPLE_HEADER, *people_rows()], "任职": rows},
                          merge)
    result = run_import([ImportFile("bad.xlsx", data)], acting_user=None)
    assert errors(result) == [("bad.xlsx", "任职", 3, "任职开始",
                               "“2021-13-01” is not a date: write it as YYYY-MM-DD, YYYY/M/D or YYYY年M月D日.")]


def test_duplicate_codes_in_the_file_and_against_the_database():
    run_import([csv_file("units.csv", UNITS_HEADER, UNITS[:2])], acting_user=None)
    rows = [*UNITS[2:], ["QH-T01", "城关镇", "乡镇", "QH", ""], ["QH-T02", "龙泉镇", "乡镇", "QH", ""],
            ["QH-T02", "白沙镇", "乡镇", "QH", ""]]
    result = run_import([csv_file("units.csv", UNITS_HEADER, rows)], acting_user=None)
    found = errors(result)
    assert ("units.csv", None, 5, "单位代码", "Unit code “QH-T01” already exists in the database.") in found
    assert ("units.csv", None, 7, "单位代码", "Unit code “QH-T02” appears twice (first in units.csv row 6).") in found
    assert not result.imported


def test_duplicate_person_codes_and_identity_numbers():
    same = identity("19700101", 555)
    people = [["P1", "甲", same, "男", "", "", ""], ["P1", "乙", identity("19700101", 557), "男", "", "", ""],
              ["P9", "丙", same, "男", "", "", ""]]
    result = run_import([csv_file("people.csv", PEOPLE_HEADER, people)], acting_user=None)
    found = errors(result)
    assert ("people.csv", None, 3, "人员编号", "Person code “P1” appears twice (first in people.csv row 2).") in found
    assert ("people.csv", None, 4, "身份证号",
            f"Identity number **************{same[-4:]} appears twice (first in people.csv row 2).") in found


def test_unknown_parent_and_wrong_level_parent():
    rows = [*UNITS, ["QH-X", "无名村", "村", "QH-T99", ""], ["QH-V9", "错位村", "村", "QH", ""],
            ["QH-G9", "错位组", "村民小组", "QH-T01", ""]]
    result = run_import([csv_file("units.csv", UNITS_HEADER, rows)], acting_user=None)
    found = errors(result)
    assert ("units.csv", None, 7, "上级单位代码",
            "Unknown parent unit “QH-T99”: it is neither in the file nor in the database.") in found
    assert ("units.csv", None, 8, "上级单位代码",
            "A unit of level “Village” cannot sit under “QH”, which is of level “County”.") in found
    assert ("units.csv", None, 9, "上级单位代码",
            "A unit of level “Villager group” cannot sit under “QH-T01”, which is of level “Township”.") in found
    assert len(found) == 3


def test_parent_in_the_database_is_accepted():
    run_import([csv_file("units.csv", UNITS_HEADER, UNITS[:2])], acting_user=None)
    result = run_import([csv_file("more.csv", UNITS_HEADER, [["QH-T01-V02", "柳树沟村", "村", "QH-T01", ""]])],
                        acting_user=None)
    assert result.imported, errors(result)
    assert Unit.objects.get(code="QH-T01-V02").path == "/QH/QH-T01/QH-T01-V02/"


def test_cycles_in_parent_references():
    rows = [*UNITS, ["QH-A", "甲村", "村", "QH-B", "南宁市"], ["QH-B", "乙村", "村", "QH-A", "南宁市"]]
    result = run_import([csv_file("units.csv", UNITS_HEADER, rows)], acting_user=None)
    cycle = [e for e in errors(result) if "cycle" in e[4]]
    assert [(e[2], e[3]) for e in cycle] == [(7, "上级单位代码"), (8, "上级单位代码")]
    assert "QH-A → QH-B → QH-A" in cycle[0][4]


@pytest.mark.parametrize(("number", "reason"), [
    (identity("19800101", 123)[:17] + "0", "has a wrong check character (GB 11643-1999)."),
    ("45019919800101123", "must have 18 characters."),
    ("45019919801301123X", "does not hold a valid birth date."),
    ("4501991980010112Y3", "may hold only digits and a final X."),
])
def test_bad_identity_numbers_are_reported_masked(number, reason):
    people = [["P1", "王建国", number, "男", "", "", ""]]
    result = run_import([csv_file("people.csv", PEOPLE_HEADER, people)], acting_user=None)
    [(source, sheet, row, column, text)] = errors(result)
    assert (source, sheet, row, column) == ("people.csv", None, 2, "身份证号")
    assert text.endswith(reason)
    assert number not in text and number[:-4] not in text
    assert "*" * (len(number) - 4) + number[-4:] in text


def test_identity_number_stored_as_an_excel_number_is_refused():
    number = identity("19800101", 123)
    data = workbook_bytes({"人员": [PEOPLE_HEADER, ["P1", "王建国", int(number[:-1]), "男", "", "", ""]]})
    result = run_import([ImportFile("people.xlsx", data)], acting_user=None)
    [(_source, sheet, row, column, text)] = errors(result)
    assert (sheet, row, column) == ("人员", 2, "身份证号")
    assert "stored as a number" in text


def test_end_before_start_and_bad_values():
    posts = [["P1", "QH-T01", "乡镇党委书记", "2022-05-01", "2021-05-01"],
             ["P2", "QH-T01-V01", "村霸", "2021-01-01", ""],
             ["P3", "QH-NONE", "组长", "", ""]]
    people = [*people_rows(), ["P4", "赵四", "", "不详", "", "", ""]]
    result = run_import([csv_file("单位.csv", UNITS_HEADER, UNITS), csv_file("人员.csv", PEOPLE_HEADER, people),
                         csv_file("任职.csv", POSTS_HEADER, posts)], acting_user=None)
    found = {(e[0], e[2], e[3]): e[4] for e in errors(result)}
    assert found[("任职.csv", 2, "任职结束")] == "The end date 2021-05-01 is before the start date 2022-05-01."
    assert found[("任职.csv", 3, "职务")] == "Unknown post “村霸”."
    assert found[("任职.csv", 4, "任职开始")] == "A value is required."
    assert found[("人员.csv", 5, "性别")] == "Unknown gender “不详”: use 男/女 or male/female."


def test_unknown_codes_in_posts_and_relations():
    posts = [["P1", "QH-NOPE", "乡镇党委书记", "2021-09-15", ""], ["PX", "QH-T01", "镇长", "2021-09-15", ""]]
    relations = [["P1", "PZ", "配偶"], ["P1", "P1", "兄弟"], ["P1", "P3", "堂兄"]]
    result = run_import([*good_csv_files()[:2], csv_file("任职.csv", POSTS_HEADER, posts),
                         csv_file("亲属关系.csv", RELATIONS_HEADER, relations)], acting_user=None)
    found = {(e[0], e[2], e[3]): e[4] for e in errors(result)}
    assert found[("任职.csv", 2, "单位代码")].startswith("Unknown unit “QH-NOPE”")
    assert found[("任职.csv", 3, "人员编号")].startswith("Unknown person “PX”")
    assert found[("亲属关系.csv", 2, "关系人编号")].startswith("Unknown person “PZ”")
    assert found[("亲属关系.csv", 3, "关系人编号")] == "A person cannot be related to themselves."
    assert found[("亲属关系.csv", 4, "关系")].startswith("Unknown relation “堂兄”")


def test_unknown_columns_are_warnings_not_errors():
    header = [*UNITS_HEADER, "备注"]
    result = run_import([csv_file("units.csv", header, [[*row, "x"] for row in UNITS])], acting_user=None)
    assert result.imported
    [warning] = result.report.warnings
    assert (warning.row, warning.column, warning.reason) == (1, "备注", "Unknown column “备注” is ignored.")


def test_missing_required_column_is_an_error():
    header = ["单位代码", "单位名称", "上级单位代码"]
    result = run_import([csv_file("units.csv", header, [["QH", "清河县", ""]])], acting_user=None)
    assert ("units.csv", None, 1, "层级", "Required column “层级” is missing.") in errors(result)


def test_english_headers_and_codes():
    units = csv_file("units.csv", ["code", "name", "name_en", "level", "parent_code", "city", "active_from"],
                     [["QH", "清河县", "Qinghe County", "county", "", "南宁市", "2020-01-01"],
                      ["QH-T01", "城关镇", "Chengguan Town", "township", "QH", "", ""]])
    people = csv_file("people.csv", ["code", "name", "identity_number", "gender", "party", "home_unit_code"],
                      [["P1", "王建国", identity(), "male", "member", "QH-T01"]])
    posts = csv_file("posts.csv", ["person_code", "unit_code", "post_type", "start_date", "end_date"],
                     [["P1", "QH-T01", "township_head", "2021-09-01", ""]])
    result = run_import([units, people, posts], acting_user=None)
    assert result.imported, errors(result)
    assert Unit.objects.get(code="QH").active_from == date(2020, 1, 1)
    assert Post.objects.get().post_type == "township_head"


def test_any_error_imports_nothing():
    before = counts()
    files = good_csv_files()
    files[3] = csv_file("亲属关系.csv", RELATIONS_HEADER, [["P1", "P3", "兄弟姐妹"], ["P2", "P3", "表亲"]])
    result = run_import(files, acting_user=None)
    assert len(result.report.errors) == 1
    assert not result.imported
    assert counts() == before


def test_dry_run_writes_nothing():
    before = counts()
    result = run_import(good_csv_files(), acting_user=None, dry_run=True)
    assert result.report.ok and not result.imported
    assert result.counts["people"] == 3
    assert counts() == before


def test_the_raw_identity_number_is_stored_nowhere():
    raw = [row[2] for row in people_rows()]
    run_import(good_csv_files(), acting_user=None)
    events = AuditEvent.objects.all()
    assert events.exists()
    for event in events:
        text = json.dumps([event.before, event.after, event.subject_repr], ensure_ascii=False)
        for number in raw:
            assert number not in text and number[:14] not in text
            assert hash_identity_number(number) not in text  # not even the hash goes into the trail
    for values in Person.objects.values():
        text = json.dumps(values, ensure_ascii=False, default=str)
        for number in raw:
            assert number not in text and number[:14] not in text


def test_cli_reports_errors_with_exit_code_2_and_imports_nothing(tmp_path, capsys):
    path = tmp_path / "units.csv"
    path.write_bytes(csv_file("units.csv", UNITS_HEADER, [*UNITS, ["QH-X", "无名村", "村", "QH-T99", ""]]).data)
    with pytest.raises(CommandError) as exc:
        call_command("import_orgs", str(path), "--quiet", "--language", "en")
    assert exc.value.returncode == 2
    out = capsys.readouterr().out
    assert "units.csv, row 7, column “上级单位代码”: Unknown parent unit “QH-T99”" in out
    assert Unit.objects.count() == 0


def test_cli_imports_and_summarises(tmp_path, capsys):
    paths = []
    for file in good_csv_files("gbk"):
        path = tmp_path / file.name
        path.write_bytes(file.data)
        paths.append(str(path))
    call_command("import_orgs", *paths, "--quiet")
    assert "imported units: 5, people: 3, posts: 4, relations: 2" in capsys.readouterr().out
    assert Relation.objects.count() == 2


def test_import_report_in_chinese(db, tmp_path):
    """The same report reads in Chinese when the user's language is zh-Hans."""
    path = tmp_path / "units.csv"
    path.write_text("单位代码,单位名称,层级,上级单位代码,所在城市\nX1,某村,村,NOPE,南宁市\n", encoding="utf-8")
    with translation.override("zh-hans"):
        result = run_import([ImportFile.from_path(path)], acting_user=None)
        text = " ".join(p.reason for p in result.report.errors)
    assert not result.imported
    assert "NOPE" in text and any("\u4e00" <= ch <= "\u9fff" for ch in text)
