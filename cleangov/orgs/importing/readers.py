"""Files → raw tables of cells, numbered as a person sees the rows in Excel.

CSV files come from Excel on Chinese Windows as often as from anywhere else, so the encoding is
tried as UTF-8 (with or without the byte-order mark) first and GB 18030 (a superset of GBK) next.
XLSX workbooks are read with openpyxl in read-only mode; the merged ranges that read-only mode
does not expose are read from the sheet's XML so a merged header can be spread over its span.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries
from openpyxl.xml.functions import iterparse


class UnreadableFile(ValueError):
    def __init__(self, message, **params):
        super().__init__(str(message))
        self.message = message
        self.params = params


@dataclass
class ImportFile:
    """An uploaded or local file: its name (for the report and kind detection) and its bytes."""

    name: str
    data: bytes

    @classmethod
    def from_path(cls, path: str | Path) -> ImportFile:
        path = Path(path)
        return cls(name=path.name, data=path.read_bytes())


@dataclass
class RawTable:
    source: str
    sheet: str | None
    rows: list[tuple[int, list]]  # (row number, cell values)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_col, min_row, max_col, max_row
    epoch: object = None  # the workbook's date system, for serial dates
    from_excel: bool = False


def is_xlsx(file: ImportFile) -> bool:
    return file.data[:4] == b"PK\x03\x04" or file.name.lower().endswith((".xlsx", ".xlsm"))


def read_tables(file: ImportFile) -> list[RawTable]:
    lower = file.name.lower()
    if lower.endswith(".xls") or file.data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableFile(_("Old Excel .xls files are not supported: save the file as .xlsx or CSV."))
    if is_xlsx(file):
        return _read_xlsx(file)
    return [_read_csv(file)]


def decode_csv(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(_("The file is neither UTF-8 nor GBK/GB18030 text.")) from exc


def _read_csv(file: ImportFile) -> RawTable:
    text = decode_csv(file.data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";", "，"), key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # Excel shows one CSV record per row whatever line breaks a quoted cell holds: count records.
    rows = [(number, list(record)) for number, record in enumerate(reader, start=1)]
    return RawTable(source=file.name, sheet=None, rows=rows)


def _read_xlsx(file: ImportFile) -> list[RawTable]:
    try:
        workbook = load_workbook(io.BytesIO(file.data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile(_("The file is not a readable XLSX workbook.")) from exc
    tables = []
    try:
        for sheet in workbook.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            # Some writers record a wrong sheet size; read until the real end instead.
            sheet.reset_dimensions()
            rows = [(number, list(values)) for number, values in enumerate(sheet.iter_rows(values_only=True), 1)]
            tables.append(RawTable(source=file.name, sheet=sheet.title, rows=rows, merges=_merged_ranges(sheet),
                                   epoch=workbook.epoch, from_excel=True))
    finally:
        workbook.close()
    return tables


def _merged_ranges(sheet) -> list[tuple[int, int, int, int]]:
    """Merged ranges of a read-only worksheet, from the <mergeCells> element of its XML part."""
    get_source = getattr(sheet, "_get_source", None)
    if get_source is None:  # a normal (not read-only) worksheet knows its ranges
        return [r.bounds for r in sheet.merged_cells.ranges]
    ranges = []
    with get_source() as source:
        for _event, element in iterparse(source):
            if element.tag.endswith("}mergeCell") and element.get("ref"):
                ranges.append(range_boundaries(element.get("ref")))
            element.clear()
    return ranges
