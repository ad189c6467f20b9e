"""The printable audit report of a township (or any dashboard unit) as a PDF.

reportlab with the built-in CID font STSong-Light, so Chinese prints without shipping a font file;
the charts are drawn with reportlab's own graphics from the dashboard's numbers (no browser, no
network). The findings listed are the conflict-free ones the requesting user may see.
"""

from __future__ import annotations

import io

from django.utils import timezone
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .labels import conformity_zh, group_zh, rule_zh, severity_zh, status_zh

FONT = "STSong-Light"
BRAND = colors.HexColor("#a4262c")
ACCENT = colors.HexColor("#1f5fa8")
GRID = colors.HexColor("#d9dde3")
FINDINGS_LISTED = 100


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _styles():
    f = _font()
    return {
        "title": ParagraphStyle("title", fontName=f, fontSize=18, leading=24, alignment=TA_CENTER, spaceAfter=4),
        "sub": ParagraphStyle("sub", fontName=f, fontSize=9.5, leading=13, alignment=TA_CENTER,
                              textColor=colors.HexColor("#4a5360")),
        "h2": ParagraphStyle("h2", fontName=f, fontSize=13, leading=18, spaceBefore=10, spaceAfter=4,
                             textColor=BRAND, keepWithNext=1),
        "body": ParagraphStyle("body", fontName=f, fontSize=9.5, leading=14),
        "cell": ParagraphStyle("cell", fontName=f, fontSize=8, leading=10.5),
        "note": ParagraphStyle("note", fontName=f, fontSize=8, leading=11, textColor=colors.HexColor("#6b7480")),
    }


def _esc(text) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _money(v) -> str:
    return f"{v:,.2f}" if v is not None else ""


def _table(rows, widths, *, numeric_from: int | None = None) -> Table:
    t = Table(rows, colWidths=widths, repeatRows=1)
    style = [("FONT", (0, 0), (-1, -1), FONT, 8.5), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f5f6f8")),
             ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#1b1f24")),
             ("LINEBELOW", (0, 1), (-1, -1), 0.25, GRID), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]
    if numeric_from is not None:
        style.append(("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"))
    t.setStyle(TableStyle(style))
    return t


def bar_drawing(items: list[tuple[str, float, str]], *, width: float = 170 * mm, color=BRAND) -> Drawing:
    """Horizontal bars: label on the left, value printed after the bar."""
    row, label_w = 13, 52 * mm
    height = row * len(items) + 6
    d = Drawing(width, height)
    peak = max((v for _, v, _ in items), default=0) or 1
    usable = width - label_w - 28 * mm
    for i, (label, value, shown) in enumerate(items):
        y = height - (i + 1) * row
        d.add(String(0, y + 3, label[:22], fontName=FONT, fontSize=8))
        w = max(0.5, usable * value / peak) if value else 0
        d.add(Rect(label_w, y + 1.5, w, row - 4, fillColor=color, strokeColor=None))
        d.add(String(label_w + w + 3, y + 3, shown, fontName=FONT, fontSize=7.5, fillColor=colors.HexColor("#4a5360")))
    return d


def benford_drawing(actual, expected, *, width: float = 170 * mm, height: float = 60 * mm) -> Drawing:
    d = Drawing(width, height)
    left, bottom, top = 12 * mm, 8 * mm, 8 * mm
    plot_w, plot_h = width - left - 4 * mm, height - bottom - top
    peak = max([*actual, *expected, 0.01])
    slot = plot_w / 9
    for frac in (0, 0.5, 1):
        y = bottom + plot_h * frac
        d.add(Line(left, y, left + plot_w, y, strokeColor=GRID, strokeWidth=0.5))
        d.add(String(left - 2, y - 2.5, f"{peak * frac * 100:.0f}%", fontName=FONT, fontSize=7, textAnchor="end"))
    points = []
    for i in range(9):
        x0 = left + i * slot
        d.add(Rect(x0 + slot * 0.15, bottom, slot * 0.7, plot_h * actual[i] / peak, fillColor=ACCENT,
                   strokeColor=None))
        d.add(String(x0 + slot / 2, bottom - 9, str(i + 1), fontName=FONT, fontSize=8, textAnchor="middle"))
        points += [x0 + slot / 2, bottom + plot_h * expected[i] / peak]
    d.add(PolyLine(points, strokeColor=BRAND, strokeWidth=1.5))
    for i in range(9):
        d.add(Circle(points[2 * i], points[2 * i + 1], 1.8, fillColor=BRAND, strokeColor=None))
    d.add(Rect(left, height - 6 * mm, 8, 8, fillColor=ACCENT, strokeColor=None))
    d.add(String(left + 11, height - 6 * mm + 1, "实际占比", fontName=FONT, fontSize=8))
    d.add(Line(left + 60, height - 6 * mm + 4, left + 75, height - 6 * mm + 4, strokeColor=BRAND, strokeWidth=1.5))
    d.add(String(left + 79, height - 6 * mm + 1, "本福特期望占比", fontName=FONT, fontSize=8))
    return d


def report_pdf(dash, findings, *, author: str = "") -> bytes:
    """``dash`` is a :class:`~cleangov.finance.dashboards.queries.Dashboard`; ``findings`` an iterable of
    the findings to list (the caller passes the conflict-free queryset, highest amount first)."""
    s = _styles()
    unit = dash.unit
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=f"{unit.name}财务审计报告", author=author or "CleanGov")
    now = timezone.localtime()
    story = [Paragraph(_esc(f"{unit.name}财务审计报告"), s["title"]),
             Paragraph(_esc(f"单位代码 {unit.code}，年度 {dash.year or '全部'}，生成于 {now:%Y-%m-%d %H:%M}"
                            + (f"，{author}" if author else "")), s["sub"]), Spacer(1, 6 * mm)]

    t = dash.totals
    story += [Paragraph("一、概况", s["h2"]), _table([
        ["问题数（不含已排除）", "待审核", "已提交县纪委", "已确认", "已排除（误报）", "涉及金额（元）"],
        [t["findings"], t.get("open", 0), t.get("escalated", 0), t.get("confirmed", 0), t.get("dismissed", 0),
         _money(t["stake"])]], [34 * mm, 22 * mm, 26 * mm, 22 * mm, 28 * mm, 32 * mm], numeric_from=0)]

    story.append(Paragraph("二、按规则统计", s["h2"]))
    if dash.by_rule:
        story.append(bar_drawing([(rule_zh(r["rule"]), r["findings"], str(r["findings"])) for r in dash.by_rule[:15]]))
        story.append(_table([["规则", "问题数", "待处理", "涉及金额（元）"]] + [
            [Paragraph(_esc(rule_zh(r["rule"])), s["cell"]), r["findings"], r["open"], _money(r["stake"])]
            for r in dash.by_rule], [80 * mm, 25 * mm, 25 * mm, 40 * mm], numeric_from=1))
    else:
        story.append(Paragraph("无问题。", s["body"]))

    story.append(Paragraph("三、按单位统计与风险排名", s["h2"]))
    if dash.children:
        story.append(_table([["单位", "问题数", "待处理", "已确认", "涉及金额（元）", "凭证行数"]] + [
            [Paragraph(_esc(c.unit.name), s["cell"]), c.findings, c.open, c.confirmed, _money(c.stake), c.lines]
            for c in dash.children], [58 * mm, 20 * mm, 20 * mm, 20 * mm, 32 * mm, 22 * mm], numeric_from=1))
    if dash.ranking:
        story.append(Spacer(1, 3 * mm))
        story.append(Paragraph("风险分 = 每千条凭证行的加权问题数（严重 3、警告 2、提示 1）+ 涉及金额占支出的百分比。",
                               s["note"]))
        story.append(bar_drawing([(r.unit.name, r.risk, f"{r.risk:.1f}") for r in dash.ranking[:10]], color=ACCENT))

    story.append(Paragraph("四、“三公”经费（差旅、公务用车、公务接待）", s["h2"]))
    if dash.three_public:
        story.append(_table([["单位", "年度", group_zh("travel"), group_zh("vehicle"), group_zh("reception"), "合计"]]
                            + [[Paragraph(_esc(p["unit"].name if p["unit"] else ""), s["cell"]), p["year"],
                                _money(p["travel"]), _money(p["vehicle"]), _money(p["reception"]),
                                _money(p["total"])] for p in dash.three_public],
                            [46 * mm, 14 * mm, 28 * mm, 28 * mm, 28 * mm, 28 * mm], numeric_from=1))
    else:
        story.append(Paragraph("无凭证数据。", s["body"]))

    b = dash.benford
    heading = Paragraph("五、本福特首位数字检验", s["h2"])
    if b.refused:
        story.append(heading)
        story.append(Paragraph(_esc(f"样本不足：金额 ≥ 10 元的凭证行只有 {b.n} 条，少于 {b.min_n} 条，不作本福特检验"
                                    "（小样本的偏差多由偶然造成，见 docs/regulations.md §8）。"), s["body"]))
    else:
        story.append(KeepTogether([
            heading, benford_drawing(b.actual, b.expected),
            Paragraph(_esc(f"样本量 N = {b.n}，MAD = {b.mad:.4f}，结论：{conformity_zh(b.conformity)}"
                           f"（Nigrini 阈值 {b.thresholds[0]} / {b.thresholds[1]} / {b.thresholds[2]}）。"
                           "不符合只是进一步核查的理由，不是舞弊的证据。"), s["body"])]))

    story.append(Paragraph(f"六、问题清单（按涉及金额排序，最多 {FINDINGS_LISTED} 条）", s["h2"]))
    rows = [["编号", "规则", "单位", "严重程度", "涉及金额", "状态", "说明"]]
    for f in findings:
        rows.append([f.pk, Paragraph(_esc(rule_zh(f.rule)), s["cell"]), Paragraph(_esc(f.unit.name), s["cell"]),
                     severity_zh(f.severity), _money(f.amount_at_stake),
                     status_zh(f.status), Paragraph(_esc(f.message_zh[:300]), s["cell"])])
    if len(rows) > 1:
        story.append(_table(rows, [13 * mm, 31 * mm, 22 * mm, 13 * mm, 20 * mm, 17 * mm, 58 * mm]))
    else:
        story.append(Paragraph("无问题。", s["body"]))

    def _page(canvas, doc_):
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(colors.HexColor("#6b7480"))
        canvas.drawString(18 * mm, 9 * mm, f"{unit.name}财务审计报告　CleanGov")
        canvas.drawRightString(A4[0] - 18 * mm, 9 * mm, f"第 {doc_.page} 页")
        canvas.restoreState()

    doc.build(story, onFirstPage=_page, onLaterPages=_page)
    return buf.getvalue()
