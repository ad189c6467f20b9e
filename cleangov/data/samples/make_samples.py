"""Regenerate the sample import workbooks of docs/import-orgs.md:

    .venv/bin/python cleangov/data/samples/make_samples.py

* ``orgs-sample.xlsx``: a small, valid county (4 sheets: 单位, 人员, 任职, 亲属关系), with a title
  row and a merged two-row header on the posts sheet, as county registers often have.
* ``orgs-sample-bad.xlsx``: the same with one mistake of every kind the import detects.

All identity numbers are synthetic (area code 450199 does not exist) and pass the GB 11643 check.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def identity(birth: str, sequence: int) -> str:
    first17 = f"450199{birth}{sequence:03d}"
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


UNITS = [
    ["单位代码", "单位名称", "英文名称", "层级", "上级单位代码", "所在城市", "启用日期"],
    ["QH", "清河县", "Qinghe County", "县", "", "南宁市", "1952-08-01"],
    ["QH-D01", "县纪委监委", "County Commission for Discipline Inspection and Supervision", "县直部门", "QH", "", ""],
    ["QH-D02", "县农业农村局", "County Bureau of Agriculture and Rural Affairs", "县直部门", "QH", "", ""],
    ["QH-T01", "城关镇", "Chengguan Town", "乡镇", "QH", "", ""],
    ["QH-T02", "龙泉镇", "Longquan Town", "乡镇", "QH", "", ""],
    ["QH-T01-V01", "石桥村", "Shiqiao Village", "村", "QH-T01", "", ""],
    ["QH-T01-V02", "王家庄村", "Wangjiazhuang Village", "村", "QH-T01", "", ""],
    ["QH-T02-V01", "柳树沟村", "Liushugou Village", "村", "QH-T02", "", ""],
    ["QH-T01-V01-G1", "第一村民小组", "Group 1", "村民小组", "QH-T01-V01", "", ""],
    ["QH-T01-V01-G2", "第二村民小组", "Group 2", "村民小组", "QH-T01-V01", "", ""],
    ["QH-T01-V02-G1", "第一村民小组", "Group 1", "村民小组", "QH-T01-V02", "", ""],
    ["QH-T02-V01-G1", "第一村民小组", "Group 1", "村民小组", "QH-T02-V01", "", ""],
]

PEOPLE = [
    ["人员编号", "姓名", "身份证号", "性别", "政治面貌", "职级", "联系电话", "所属单位代码"],
    ["P001", "黄志强", identity("19700312", 135), "男", "中共党员", "县处级副职", "13807710001", "QH-D01"],
    ["P002", "韦秀英", identity("19850621", 242), "女", "中共党员", "科员", "13807710002", "QH-D01"],
    ["P003", "梁建国", identity("19720905", 311), "男", "中共党员", "乡科级正职", "13907710003", "QH-D02"],
    ["P004", "陈伟", identity("19760118", 417), "男", "中共党员", "乡科级正职", "13907710004", "QH-T01"],
    ["P005", "李芳", identity("19810730", 526), "女", "中共党员", "乡科级正职", "15007710005", "QH-T01"],
    ["P006", "覃勇", identity("19790222", 633), "男", "中共党员", "乡科级副职", "15007710006", "QH-T01"],
    ["P007", "莫丽", identity("19900410", 748), "女", "群众", "科员", "15207710007", "QH-T01"],
    ["P008", "王德福", identity("19660815", 851), "男", "中共党员", "村干部", "13607710008", "QH-T01-V01"],
    ["P009", "张桂兰", identity("19730103", 962), "女", "群众", "村干部", "13607710009", "QH-T01-V01-G1"],
    ["P010", "王春", identity("19621120", 173), "男", "中共党员", "村干部", "13507710010", "QH-T01-V01"],
    ["P011", "刘明", identity("19680514", 281), "男", "群众", "无", "13507710011", "QH-T01-V01-G2"],
    ["P012", "黄翠", identity("19750909", 394), "女", "预备党员", "村干部", "17707710012", "QH-T01-V02"],
    ["P013", "蓝山", identity("19640701", 415), "男", "中共党员", "村干部", "17707710013", "QH-T02-V01"],
    ["P014", "王兰", identity("19680228", 528), "女", "群众", "无", "18007710014", "QH-T01-V01"],
]

POSTS_TITLE = "清河县干部任职情况（2025年）"
POSTS = [
    ["人员编号", "单位代码", "职务", "任职", None],
    [None, None, None, "开始", "结束"],
    ["P001", "QH-D01", "县纪委书记", date(2021, 9, 28), None],
    ["P002", "QH-D01", "纪委监委工作人员", date(2019, 3, 1), None],
    ["P003", "QH-D02", "局长", date(2022, 4, 6), None],
    ["P004", "QH-T01", "乡镇党委书记", date(2021, 9, 18), None],
    ["P005", "QH-T01", "镇长", date(2024, 3, 12), None],
    ["P006", "QH-T01", "纪委书记", date(2021, 9, 18), None],
    ["P007", "QH-T01", "会计", "2019/2/18", None],
    ["P007", "QH-T01-V02", "包村干部", "2021年10月8日", None],
    ["P010", "QH-T01-V01", "村党支部书记", "2018-01-15", "2021-01-19"],
    ["P008", "QH-T01-V01", "村党支部书记", "2021-01-20", None],
    ["P008", "QH-T01-V01", "村委会主任", "2021-01-20", None],
    ["P009", "QH-T01-V01", "村委委员", "2021-01-20", None],
    ["P014", "QH-T01-V01", "村务监督委员会主任", "2021-01-20", None],
    ["P011", "QH-T01-V01-G2", "村民小组长", "2021-01-20", None],
    ["P012", "QH-T01-V02", "村党支部书记", "2021-01-22", None],
    ["P013", "QH-T02-V01", "村党支部书记", "2021-01-25", None],
]

RELATIONS = [
    ["人员编号", "关系人编号", "关系"],
    ["P008", "P009", "配偶"],
    ["P008", "P010", "父母"],
    ["P014", "P008", "兄弟姐妹"],  # the supervision chair is the secretary's sister: a planted conflict
    ["P006", "P012", "兄弟姐妹"],
]


def _bad_copy():
    units = [row[:] for row in UNITS]
    people = [row[:] for row in PEOPLE]
    posts = [row[:] for row in POSTS]
    relations = [row[:] for row in RELATIONS]
    units.append(["QH-T01", "城关镇", "", "乡镇", "QH", "", ""])  # duplicate code
    units.append(["QH-T03-V01", "新村", "", "村", "QH-T03", "", ""])  # unknown parent
    units.append(["QH-V99", "错位村", "", "村", "QH", "", ""])  # village directly under the county
    units.append(["QH-X1", "甲组", "", "村民小组", "QH-X2", "", ""])  # a cycle …
    units.append(["QH-X2", "乙组", "", "村民小组", "QH-X1", "", ""])  # … of two groups
    units.append(["QH-Y1", "某单位", "", "社团", "QH", "", ""])  # unknown level
    bad_id = identity("19800101", 123)[:17] + ("0" if identity("19800101", 123)[17] != "0" else "1")
    people.append(["P015", "赵四", bad_id, "男", "群众", "无", "", "QH-T01-V01"])  # bad check character
    people.append(["P016", "钱五", "", "不详", "群众", "无", "", "QH-T01-V01"])  # unknown gender
    posts.append(["P004", "QH-T01", "镇长", "2023-05-01", "2022-05-01"])  # ends before it starts
    posts.append(["P099", "QH-T01", "镇长", "2023-05-01", None])  # unknown person
    posts.append(["P011", "QH-T01-V01", "村主任", "2021-02-30", None])  # no such date
    relations.append(["P008", "P009", "夫妻"])  # the same pair again
    relations.append(["P011", "P099", "子女"])  # unknown relative
    return units, people, posts, relations


def write(path: Path, units, people, posts, relations) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in (("单位", units), ("人员", people)):
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    sheet = workbook.create_sheet("任职")
    sheet.append([POSTS_TITLE])
    for row in posts:
        sheet.append(row)
    sheet.merge_cells("A1:E1")
    for column in "ABC":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("D2:E2")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    for row in sheet.iter_rows(min_row=4, min_col=4, max_col=5):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    sheet = workbook.create_sheet("亲属关系")
    for row in relations:
        sheet.append(row)
    workbook.save(path)


if __name__ == "__main__":
    write(HERE / "orgs-sample.xlsx", UNITS, PEOPLE, POSTS, RELATIONS)
    write(HERE / "orgs-sample-bad.xlsx", *_bad_copy())
    print(f"wrote {HERE / 'orgs-sample.xlsx'} and {HERE / 'orgs-sample-bad.xlsx'}")
