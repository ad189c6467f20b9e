"""Notice-board sheets (公开栏): an A4 PDF of one published version, with a QR code that opens the
verification page for exactly that version and content hash."""

from __future__ import annotations

import io

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from .catalog import get_catalog
from .models import DisclosureVersion

FONT = "STSong-Light"  # a CID font every PDF reader has: no font file shipped, Chinese text prints


def _font():
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def content_lines(version: DisclosureVersion, *, english: bool = False) -> list[tuple[str, str]]:
    """(label, value) rows of a version, in the order the sheet and the open-data table print them."""
    c = version.content
    rows: list[tuple[str, str]] = []
    if c.get("kind") == "financial":
        rows.append(("收入合计 Income", c["totals"]["income"]))
        rows += [(f"  {r['label']}", r["amount"]) for r in c["income"]]
        rows.append(("支出合计 Expenses", c["totals"]["expenses"]))
        rows += [(f"  {r['label']}", r["amount"]) for r in c["expenses"]]
        rows.append(("本期收支差额 Net for the period", c["totals"]["net"]))
        rows.append(("本年累计收支差额 Net for the year to date", c["year_to_date"]["net"]))
        tp = c["three_public"]
        rows.append(("三公经费：公务接待 Reception", tp["reception"]))
        rows.append(("三公经费：公务用车 Vehicles", tp["vehicles"]))
        rows.append(("三公经费：因公出国（境） Trips abroad", tp["abroad"]))
        rows.append((f"单笔{c['threshold']}元以上明细 Lines of {c['threshold']} yuan or more", str(len(c["itemised"]))))
        rows += [(f"  {r['date']} {r['voucher_no']} {r['label']} {r['summary']}", r["amount"]) for r in c["itemised"]]
    else:
        entry = get_catalog().get(version.disclosure.catalog_code)
        labels = {f.name: f.label for f in entry.fields} if entry else {}
        rows += [(labels.get(k, k), v) for k, v in c.get("fields", {}).items()]
    rows += [(f"附件 Attachment {a['name']}", f"SHA-256 {a['sha256'][:16]}") for a in c.get("attachments", [])]
    return rows


def render_sheet(version: DisclosureVersion, verify_url: str) -> bytes:
    d = version.disclosure
    entry = get_catalog().get(d.catalog_code)
    font = _font()
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"{d.unit.name} {entry.name if entry else d.catalog_code} v{version.number}")
    width, height = A4

    def header():
        pdf.setFont(font, 18)
        pdf.drawString(20 * mm, height - 25 * mm, f"{d.unit.name} 村务公开")
        pdf.setFont(font, 13)
        title = f"{entry.name if entry else d.catalog_code}  {d.period_start:%Y-%m-%d} 至 {d.period_end:%Y-%m-%d}"
        if d.event_title:
            title += f"  {d.event_title}"
        pdf.drawString(20 * mm, height - 33 * mm, title)
        pdf.setFont(font, 10)
        pdf.drawString(20 * mm, height - 40 * mm,
                       f"第 {version.number} 版 · 公布于 {version.published_at:%Y-%m-%d %H:%M} UTC"
                       " · 村务监督委员会已签字")
        pdf.drawString(20 * mm, height - 45 * mm, f"SHA-256 {version.content_hash}")

    header()
    qr = segno.make(verify_url, error="m")
    matrix = list(qr.matrix)
    size = 38 * mm
    cell = size / (len(matrix) + 8)
    x0, y0 = width - 20 * mm - size, height - 20 * mm - size
    pdf.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        for col, dark in enumerate(row):
            if dark:
                pdf.rect(x0 + (col + 4) * cell, y0 + size - (r + 5) * cell, cell, cell, stroke=0, fill=1)
    pdf.setFont(font, 8)
    pdf.drawString(x0, y0 - 4 * mm, "扫码核对真伪 Scan to verify")
    y = height - 62 * mm
    pdf.setFont(font, 11)
    for label, value in content_lines(version):
        if y < 30 * mm:
            pdf.showPage()
            header()
            pdf.setFont(font, 11)
            y = height - 62 * mm
        pdf.drawString(20 * mm, y, str(label)[:70])
        pdf.drawRightString(width - 20 * mm, y, str(value)[:40])
        y -= 6.5 * mm
    if version.explanation:
        pdf.setFont(font, 10)
        for line in version.explanation.splitlines()[:10]:
            y -= 6 * mm
            pdf.drawString(20 * mm, y, f"说明：{line[:80]}")
    pdf.setFont(font, 9)
    days = entry.min_display_days if entry else 15
    pdf.drawString(20 * mm, 15 * mm, f"张贴不少于 {days} 天。如有疑问，可扫码提问，或向乡镇反映。")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()
