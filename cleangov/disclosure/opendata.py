"""Open data: a published version's table as CSV and XLSX, and the JSON feeds of a village or a
county. Cells that a spreadsheet would read as a formula are neutralised (OWASP "CSV injection")."""

from __future__ import annotations

import csv
import io

from .sheets import content_lines

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START):
        # A signed amount stays a number to a reader; only text a spreadsheet would evaluate is quoted.
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


def table_rows(version) -> list[list[str]]:
    d = version.disclosure
    head = ["unit", "item", "period_start", "period_end", "version", "label", "value"]
    return [head] + [[d.unit.code, d.catalog_code, d.period_start.isoformat(), d.period_end.isoformat(),
                      str(version.number), neutralise(label.strip()), neutralise(value)]
                     for label, value in content_lines(version)]


def as_csv(version) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(table_rows(version))
    return ("\ufeff" + buf.getvalue()).encode()


def as_xlsx(version) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("disclosure")
    for row in table_rows(version):
        ws.append(row)  # every cell is a string: openpyxl writes it as text, never as a formula
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
