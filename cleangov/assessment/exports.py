"""Results of a run as XLSX (openpyxl, Chinese headers) and PDF (reportlab, built-in STSong-Light CID font,
so Chinese renders without shipping a font file and the app stays offline)."""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
LEVEL_ZH = {"township": "乡镇", "department": "县直部门", "village": "村"}
NA = "不可用"  # "not available": the official documents are in Chinese


def _num(value) -> str:
    return "" if value is None else str(value)


def _weight(value) -> str:
    """65.00 → "65": weights are whole numbers in practice, and the PDF column is narrow."""
    return str(value.to_integral()) if value == value.to_integral() else str(value)


def _indicator_columns(run, snapshots) -> list[tuple[str, str]]:
    """(id, Chinese name) of every indicator of the run's framework, in framework order."""
    return [(i.id, i.name) for i in run.framework_version.parsed.indicators]


def _title(run) -> str:
    as_of = f"，数据截至{run.as_of:%Y-%m-%d}" if run.as_of != run.period_end else ""
    return f"{run.framework_version.name}（{run.period_start:%Y-%m-%d}至{run.period_end:%Y-%m-%d}{as_of}）"


def run_xlsx(run, snapshots) -> bytes:
    """One sheet of ranked results (one row per unit), one of indicators, one of adjustments."""
    wb = Workbook()
    ws = wb.active
    ws.title = "考核结果"
    indicators = _indicator_columns(run, snapshots)
    ws.append([_title(run)])
    ws.append([f"考核范围：{run.scope_unit.name}　框架版本：v{run.framework_version.number}"
               f"（{run.framework_version.version_label}）　状态：{'已发布' if run.is_published else '未发布'}"
               f"　导出时间：{timezone.localtime():%Y-%m-%d %H:%M}"])
    if run.metrics_missing:
        ws.append([f"以下指标数据尚不可用（相关模块未建成），总分按可用权重计算：{'、'.join(run.metrics_missing)}"])
    header = ["层级", "排名", "单位代码", "单位名称", "计算得分", "调整分", "最终得分", "可用权重", "适用权重",
              *[f"{name}（{ind_id}）" for ind_id, name in indicators]]
    ws.append(header)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F3E5E5")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for snap in snapshots:
        by_id = {i["id"]: i for i in snap.indicators}
        row = [LEVEL_ZH.get(snap.unit_level, snap.unit_level), snap.rank or "", snap.unit.code, snap.unit.name,
               _num(snap.computed_score) or NA, _num(snap.adjustment_total), _num(snap.final_score) or NA,
               _num(snap.available_weight), _num(snap.total_weight)]
        for ind_id, _name in indicators:
            ind = by_id.get(ind_id)
            row.append("—" if ind is None else (ind["score"] if ind["score"] is not None else NA))
        ws.append(row)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=5)
    for col in range(1, len(header) + 1):
        ws.column_dimensions[get_column_letter(col)].width = 14 if col > 4 else (10 if col != 4 else 22)
    ws2 = wb.create_sheet("指标说明")
    ws2.append(["指标编号", "指标名称", "权重", "计分公式", "分值区间", "适用层级", "依据"])
    for i in run.framework_version.parsed.indicators:
        ws2.append([i.id, i.name, i.weight, i.formula, f"{i.band_min}–{i.band_max}",
                    "、".join(LEVEL_ZH.get(level, level) for level in i.unit_levels), i.source])
    ws3 = wb.create_sheet("调整记录")
    ws3.append(["单位名称", "指标", "调整分", "理由", "调整人", "时间"])
    for snap in snapshots:
        for adj in snap.adjustments.all():
            ws3.append([snap.unit.name, adj.indicator_id or "总分", str(adj.points), adj.reason,
                        str(adj.adjusted_by or "系统"), timezone.localtime(adj.created_at).strftime("%Y-%m-%d %H:%M")])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def run_pdf(run, snapshots) -> bytes:
    """The ranked results table in landscape A4, with the rule for unavailable indicators spelled out."""
    font = _font()
    title = ParagraphStyle("t", fontName=font, fontSize=16, leading=22, alignment=1, spaceAfter=4 * mm)
    body = ParagraphStyle("b", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK")
    cell = ParagraphStyle("c", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=_title(run))
    story = [Paragraph(escape(_title(run)), title),
             Paragraph(escape(f"考核范围：{run.scope_unit.name}；框架版本 v{run.framework_version.number}"
                              f"（{run.framework_version.version_label}）；"
                              f"状态：{'已发布' if run.is_published else '未发布'}；"
                              f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}"), body)]
    if run.metrics_missing:
        story.append(Paragraph(escape("尚不可用的数据（相关模块未建成）：" + "、".join(run.metrics_missing)
                                      + "。相应指标不计分，总分按可用指标的权重加权计算。"), body))
    story.append(Spacer(1, 4 * mm))
    indicators = _indicator_columns(run, snapshots)
    head = ["层级", "排名", "单位", "计算得分", "调整", "最终得分", "可用权重",
            *[f"{name}" for _id, name in indicators]]
    rows = [[Paragraph(escape(h), cell) for h in head]]
    for snap in snapshots:
        by_id = {i["id"]: i for i in snap.indicators}
        values = [LEVEL_ZH.get(snap.unit_level, snap.unit_level), str(snap.rank or ""), snap.unit.name,
                  _num(snap.computed_score) or NA, _num(snap.adjustment_total), _num(snap.final_score) or NA,
                  f"{_weight(snap.available_weight)}/{_weight(snap.total_weight)}"]
        for ind_id, _name in indicators:
            ind = by_id.get(ind_id)
            values.append("—" if ind is None else (ind["score"] if ind["score"] is not None else NA))
        rows.append([Paragraph(escape(str(v)), cell) for v in values])
    fixed = [14 * mm, 10 * mm, 30 * mm, 15 * mm, 11 * mm, 15 * mm, 16 * mm]
    rest = (doc.width - sum(fixed)) / max(len(indicators), 1)
    table = Table(rows, colWidths=fixed + [rest] * len(indicators), repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F3E5E5")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    story.append(table)
    doc.build(story)
    return out.getvalue()
