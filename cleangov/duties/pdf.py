"""The printable letter of responsibility in the official layout (reportlab, built-in CID font).

STSong-Light is one of the Adobe CID fonts every PDF reader has, so Chinese renders without shipping
a font file and the app stays offline. The signature blocks show names and server signing times:
the app records an acknowledgement, it never draws a fake handwritten signature.
"""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _styles():
    font = _font()
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=22, leading=30, alignment=TA_CENTER,
                                spaceAfter=6 * mm),
        "year": ParagraphStyle("year", fontName=font, fontSize=13, leading=18, alignment=TA_CENTER,
                               spaceAfter=6 * mm),
        "body": ParagraphStyle("body", fontName=font, fontSize=11.5, leading=19, firstLineIndent=23,
                               wordWrap="CJK"),
        "head": ParagraphStyle("head", fontName=font, fontSize=13, leading=20, spaceBefore=4 * mm,
                               spaceAfter=2 * mm),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK"),
        "sign": ParagraphStyle("sign", fontName=font, fontSize=11, leading=18, wordWrap="CJK"),
    }


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M:%S %Z") if dt else ""


def render_letter_pdf(version, signatures) -> bytes:
    """The PDF of one version; ``signatures`` are that version's LetterSignature rows."""
    c = version.content
    st = _styles()
    buffer = BytesIO()
    # ASCII separators only: the CID font has no glyph for the middle dot.
    footer = f"版本 v{version.number} | 内容哈希 SHA-256 {version.content_hash}"

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont(_font(), 7.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(18 * mm, 10 * mm, footer)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=22 * mm,
                            bottomMargin=20 * mm, title=c["title"], author=c["issuer"]["unit"],
                            subject=f"{c['year']} {c['title']}")
    issuer, recipient = c["issuer"], c["recipient"]
    story = [
        _p(c["title"], st["title"]),
        _p(f"（{c['year']}年度）", st["year"]),
        _p(f"甲方（责任书签发方）：{issuer['unit']} {issuer['post']} {issuer['person']}", st["sign"]),
        _p(f"乙方（责任人）：{recipient['unit']} {recipient['post']} {recipient['person']}", st["sign"]),
        Spacer(1, 4 * mm),
        _p(c["preamble"], st["body"]),
        _p("一、责任清单", st["head"]),
    ]
    rows = [[_p(h, st["cell"]) for h in ("序号", "责任事项", "对应工作要点", "完成时限", "佐证材料")]]
    for n, duty in enumerate(c["duties"], start=1):
        rows.append([_p(n, st["cell"]), _p(duty["title"], st["cell"]), _p(duty["key_point"], st["cell"]),
                     _p(duty["due_date"], st["cell"]), _p(duty["expected_evidence"], st["cell"])])
    if len(rows) == 1:
        rows.append([_p("—", st["cell"]), _p("（无）", st["cell"]), "", "", ""])
    table = Table(rows, colWidths=[11 * mm, 55 * mm, 40 * mm, 22 * mm, 42 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story += [table, _p("二、责任要求", st["head"])]
    for n, clause in enumerate(c["clauses"], start=1):
        story.append(_p(f"{n}. {clause}", st["body"]))
    if c.get("extra_terms"):
        story += [_p("三、补充条款", st["head"]), _p(c["extra_terms"], st["body"])]
    by_side = {s.side: s for s in signatures}

    def block(label, party, side):
        sig = by_side.get(side)
        when = f"已于 {_local(sig.signed_at)} 在平台确认签署" if sig else "尚未签署"
        return [_p(label, st["sign"]), _p(f"{party['unit']}", st["sign"]),
                _p(f"{party['post']}：{party['person']}", st["sign"]), _p(when, st["sign"])]

    left = block("甲方（签发方）", issuer, "issuer")
    right = block("乙方（责任人）", recipient, "recipient")
    sign_table = Table([[a, b] for a, b in zip(left, right, strict=True)], colWidths=[85 * mm, 85 * mm])
    sign_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 2)]))
    # The two signature blocks stay on one page, together with the line above them.
    story.append(KeepTogether([Spacer(1, 10 * mm), sign_table]))
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
