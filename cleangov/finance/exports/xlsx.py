"""XLSX files with Chinese headers, written in openpyxl's write-only mode (rows stream out, so a list
of 50,000 findings does not build a cell tree in memory)."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .labels import conformity_zh, group_zh, rule_zh, severity_zh, status_zh

FINDING_HEADERS = ["编号", "规则代码", "规则名称", "严重程度", "单位代码", "单位名称", "年度", "涉及金额（元）", "状态",
                   "问题说明", "标准及依据", "标准版本", "是否仍被发现", "发现时间"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _header(ws, names: list[str]) -> None:
    bold = Font(bold=True)
    cells = []
    for name in names:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = bold
        cells.append(cell)
    ws.append(cells)


def _money(v) -> float | None:
    # Excel has no decimal type; two places are kept by the number format below.
    return float(v) if v is not None else None


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def findings_workbook(qs) -> bytes:
    """One row per finding of ``qs`` (already scoped and conflict-free)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("问题清单")
    ws.freeze_panes = "A2"
    _header(ws, FINDING_HEADERS)
    fields = ("pk", "rule", "severity", "unit__code", "unit__name", "year", "amount_at_stake", "status",
              "message_zh", "source", "standards_version", "current", "created_at")
    for (pk, rule, severity, code, name, year, stake, status, message, source, version, current,
         created) in qs.values_list(*fields).iterator(chunk_size=2000):
        ws.append([pk, rule, rule_zh(rule), severity_zh(severity), code, name, year, _money(stake),
                   status_zh(status), message, source, version, "是" if current else "否",
                   timezone.localtime(created).strftime("%Y-%m-%d %H:%M") if created else ""])
    return _save(wb)


def tables_workbook(dash) -> bytes:
    """The dashboard's tables, one sheet each."""
    wb = Workbook(write_only=True)
    t = dash.totals
    ws = wb.create_sheet("概况")
    _header(ws, ["项目", "数值"])
    for label, value in (("单位", dash.unit.name), ("单位代码", dash.unit.code),
                         ("年度", dash.year or "全部"), ("问题数（不含已排除）", t["findings"]),
                         ("待审核", t.get("open", 0)), ("已提交县纪委", t.get("escalated", 0)),
                         ("已确认", t.get("confirmed", 0)), ("已排除（误报）", t.get("dismissed", 0)),
                         ("涉及金额（元）", _money(t["stake"])),
                         ("导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M"))):
        ws.append([label, value])

    ws = wb.create_sheet("按规则")
    _header(ws, ["规则代码", "规则名称", "问题数", "待处理", "涉及金额（元）"])
    for r in dash.by_rule:
        ws.append([r["rule"], rule_zh(r["rule"]), r["findings"], r["open"], _money(r["stake"])])

    ws = wb.create_sheet("按单位")
    _header(ws, ["单位代码", "单位名称", "问题数", "待处理", "已确认", "涉及金额（元）", "凭证行数", "支出金额（元）"])
    for c in dash.children:
        ws.append([c.unit.code, c.unit.name, c.findings, c.open, c.confirmed, _money(c.stake), c.lines,
                   _money(c.amount)])

    ws = wb.create_sheet("按月份")
    _header(ws, ["月份", "问题数"])
    for month, n in dash.by_month:
        ws.append([month, n])

    ws = wb.create_sheet("风险排名")
    _header(ws, ["名次", "单位代码", "单位名称", "风险分", "加权问题数", "问题数", "涉及金额（元）", "凭证行数",
                 "支出金额（元）"])
    for i, r in enumerate(dash.ranking, 1):
        ws.append([i, r.unit.code, r.unit.name, r.risk, r.weighted, r.findings, _money(r.stake), r.lines,
                   _money(r.amount)])

    ws = wb.create_sheet("三公经费")
    _header(ws, ["单位代码", "单位名称", "年度", group_zh("travel"), group_zh("vehicle"), group_zh("reception"),
                 "合计（元）"])
    for p in dash.three_public:
        ws.append([p["unit"].code if p["unit"] else "", p["unit"].name if p["unit"] else "", p["year"],
                   _money(p["travel"]), _money(p["vehicle"]), _money(p["reception"]), _money(p["total"])])

    ws = wb.create_sheet("本福特检验")
    b = dash.benford
    _header(ws, ["首位数字", "个数", "实际占比", "本福特期望占比"])
    for row in b.rows():
        ws.append([row["digit"], row["count"], round(row["actual"], 6), round(row["expected"], 6)])
    ws.append([])
    ws.append(["样本量（金额 ≥ 10 元）", b.n])
    if b.refused:
        ws.append(["结论", f"样本不足：少于 {b.min_n} 个金额，不作本福特检验"])
    else:
        ws.append(["MAD", round(b.mad, 6)])
        ws.append(["结论", conformity_zh(b.conformity)])
    return _save(wb)


