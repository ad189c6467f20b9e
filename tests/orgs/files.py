"""Builders of import files for the tests: CSV in any encoding, XLSX workbooks, valid identity numbers."""

from __future__ import annotations

import io

from openpyxl import Workbook

from cleangov.orgs.importing.readers import ImportFile
from cleangov.orgs.importing.values import identity_check_character

UNITS_HEADER = ["单位代码", "单位名称", "层级", "上级单位代码", "所在城市"]
UNITS = [
    ["QH", "清河县", "县", "", "南宁市"],
    ["QH-T01", "城关镇", "乡镇", "QH", ""],
    ["QH-D01", "县纪委监委", "县直部门", "QH", ""],
    ["QH-T01-V01", "石桥村", "村", "QH-T01", ""],
    ["QH-T01-V01-G1", "第一村民小组", "村民小组", "QH-T01-V01", ""],
]
PEOPLE_HEADER = ["人员编号", "姓名", "身份证号", "性别", "政治面貌", "职级", "所属单位代码"]
POSTS_HEADER = ["人员编号", "单位代码", "职务", "任职开始", "任职结束"]
RELATIONS_HEADER = ["人员编号", "关系人编号", "关系"]


def identity(birth: str = "19800101", sequence: int = 123) -> str:
    first17 = f"450199{birth}{sequence:03d}"
    return first17 + identity_check_character(first17)


def people_rows():
    return [
        ["P1", "王建国", identity("19750302", 111), "男", "中共党员", "乡科级正职", "QH-T01"],
        ["P2", "李秀英", identity("19800515", 222), "女", "群众", "村干部", "QH-T01-V01"],
        ["P3", "王小明", identity("19820101", 331), "男", "预备党员", "无", "QH-T01-V01-G1"],
    ]


POSTS = [
    ["P1", "QH-T01", "乡镇党委书记", "2021-09-15", ""],
    ["P2", "QH-T01-V01", "村党支部书记", "2021/1/20", ""],
    ["P2", "QH-T01-V01", "村委会主任", "2018年1月15日", "2021年1月19日"],
    ["P3", "QH-T01-V01-G1", "group_leader", "2021-01-20", ""],
]
RELATIONS = [["P1", "P3", "兄弟姐妹"], ["P2", "P3", "配偶"]]


def csv_bytes(header, rows, encoding="utf-8") -> bytes:
    lines = [",".join(header), *(",".join(str(c) for c in row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def csv_file(name, header, rows, encoding="utf-8") -> ImportFile:
    return ImportFile(name=name, data=csv_bytes(header, rows, encoding))


def good_csv_files(encoding="utf-8"):
    return [
        csv_file("单位.csv", UNITS_HEADER, UNITS, encoding),
        csv_file("人员.csv", PEOPLE_HEADER, people_rows(), encoding),
        csv_file("任职.csv", POSTS_HEADER, POSTS, encoding),
        csv_file("亲属关系.csv", RELATIONS_HEADER, RELATIONS, encoding),
    ]


def workbook_bytes(sheets: dict[str, list[list]], setup=None) -> bytes:
    """``sheets``: title → rows (first row usually the header). ``setup(workbook)`` may merge cells etc."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    if setup is not None:
        setup(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def good_workbook() -> ImportFile:
    data = workbook_bytes({
        "单位": [UNITS_HEADER, *UNITS],
        "人员": [PEOPLE_HEADER, *people_rows()],
        "任职": [POSTS_HEADER, *POSTS],
        "亲属关系": [RELATIONS_HEADER, *RELATIONS],
    })
    return ImportFile(name="清河县组织.xlsx", data=data)
