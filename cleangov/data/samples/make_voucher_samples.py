"""Regenerate the sample voucher files linked from the voucher import page (docs/finance.md):

    .venv/bin/python cleangov/data/samples/make_voucher_samples.py

* ``voucher-sample.csv`` / ``.xlsx``: twelve clean lines of the demo county's village QH-T01-V01 (小坪村) for
  March 2025, with the usual Chinese headers. Imported as they are, they pass every check; the audit then flags
  the two lines written to show it (an IOU, 白条; a cash payment over 1,000 yuan).
* ``voucher-sample-bad.csv`` / ``.xlsx``: the same header and one row for every kind of mistake the import
  refuses, each row's 摘要 saying which.

Replace the unit code (单位代码) with your own units' codes before importing them into a real county.
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
HEADER = ["行号", "单位代码", "凭证号", "凭证日期", "费用类别", "金额", "摘要", "收款人", "发票代码", "发票号码",
          "开票日期", "票据类型", "人员编号", "经办人", "证明人", "审批人", "审批日期", "支付方式", "住宿天数",
          "会议类别", "应急"]
UNIT = "QH-T01-V01"


def line(n: int, day: int, category: str, amount: str, summary: str, payee: str, invoice_type: str = "增值税普通发票",
         payment: str = "银行转账", **extra: str) -> dict[str, str]:
    date = f"2025-03-{day:02d}"
    row = {"行号": f"S{n:03d}", "单位代码": UNIT, "凭证号": f"记-2025-03-{n:03d}", "凭证日期": date,
           "费用类别": category, "金额": amount, "摘要": summary, "收款人": payee, "发票代码": "045002300111",
           "发票号码": f"{30010 + n * 7}",
           "开票日期": date, "票据类型": invoice_type, "人员编号": "", "经办人": "董会计", "证明人": "王证明",
           "审批人": "唐书记", "审批日期": date, "支付方式": payment, "住宿天数": "", "会议类别": "", "应急": ""}
    row.update(extra)
    return row


CLEAN = [
    line(1, 3, "办公费", "320.00", "购买打印纸、墨盒", "清河文具店"),
    line(2, 4, "办公费", "158.50", "购买档案盒", "清河文具店"),
    line(3, 5, "燃油费", "400.00", "村务用车加油", "中石化清河加油站"),
    line(4, 6, "公务接待费", "286.00", "接待县农业农村局检查组工作餐", "小坪农家饭庄"),
    line(5, 10, "会议费", "600.00", "村民代表会议场地及资料", "小坪村委会", 会议类别="4"),
    line(6, 11, "慰问金", "500.00", "慰问困难党员", "困难党员（见名单）", invoice_type="收据"),
    line(7, 12, "项目支出", "8600.00", "村道路灯维修（经村民代表会议决议）", "清河照明工程队",
         invoice_type="增值税专用发票"),
    line(8, 14, "培训费", "450.00", "村干部财务知识培训资料", "清河县党校"),
    line(9, 17, "车辆维修费", "980.00", "村务用车保养", "清河汽修厂"),
    line(10, 20, "住宿费", "360.00", "赴县城参加培训住宿 2 晚", "清河宾馆", 住宿天数="2"),
    # Written for the audit to flag: an IOU instead of an invoice, and cash over the 1,000-yuan limit.
    line(11, 24, "办公费", "260.00", "购买扫帚、垃圾桶（白条入账）", "个体商户", invoice_type="白条", payment="现金"),
    line(12, 27, "其他", "1800.00", "支付保洁员劳务费（现金）", "保洁员", invoice_type="收据", payment="现金"),
]

# One row per kind of mistake the import refuses; the summary says which.
BAD = [
    line(1, 3, "办公费", "320.00", "正确的一行（对照）", "清河文具店"),
    line(2, 4, "办公费", "", "错误：金额为空（必填）", "清河文具店"),
    line(3, 5, "办公费", "三百元", "错误：金额不是数字", "清河文具店"),
    line(4, 6, "办公费", "12.345", "错误：金额超过两位小数", "清河文具店"),
    line(5, 7, "办公费", "-50.00", "错误：金额必须大于 0", "清河文具店"),
    line(6, 8, "办公费", "100.00", "错误：凭证日期不是日期", "清河文具店", 凭证日期="2025-13-40"),
    line(7, 9, "办公费", "100.00", "错误：凭证日期太早", "清河文具店", 凭证日期="1990-01-01"),
    line(8, 10, "办公费", "100.00", "错误：凭证日期太晚（远在将来）", "清河文具店", 凭证日期="2099-01-01"),
    line(9, 11, "吃饭", "100.00", "错误：费用类别不认识", "清河文具店"),
    line(10, 12, "办公费", "100.00", "错误：票据类型不认识", "清河文具店", invoice_type="小票"),
    line(11, 13, "住宿费", "360.00", "错误：住宿天数不是整数", "清河宾馆", 住宿天数="两晚"),
    line(12, 14, "会议费", "600.00", "错误：会议类别超出 1–4", "小坪村委会", 会议类别="9"),
    line(13, 15, "办公费", "100.00", "错误：应急不是是/否", "清河文具店", 应急="也许"),
    line(14, 17, "办公费", "100.00", "错误：单位代码不存在", "清河文具店", 单位代码="XX-999"),
    line(15, 18, "办公费", "100.00", "错误：凭证号为空（必填）", "清河文具店", 凭证号=""),
    line(1, 19, "办公费", "100.00", "错误：行号与第 2 行重复", "清河文具店"),
]


def write(name: str, rows: list[dict[str, str]]) -> None:
    with (HERE / f"{name}.csv").open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    wb = Workbook()
    ws = wb.active
    ws.title = "凭证明细"
    ws.append(HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([row[h] for h in HEADER])
    for column in ws.columns:
        ws.column_dimensions[column[0].column_letter].width = 14
    wb.properties.creator = "CleanGov"
    wb.save(HERE / f"{name}.xlsx")


if __name__ == "__main__":
    write("voucher-sample", CLEAN)
    write("voucher-sample-bad", BAD)
    print("written:", ", ".join(f"{n}.{e}" for n in ("voucher-sample", "voucher-sample-bad") for e in ("csv", "xlsx")))
