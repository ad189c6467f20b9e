"""Files → raw tables of cells, numbered as a person sees the rows in Excel.

CSV files come from Excel on Chinese Windows as often as from anywhere else, so the encoding is
tried as UTF-8 (with or without the byte-order mark) first and GB 18030 (a superset of GBK) next.
XLSX workbooks are read with openpyxl in read-only mode; the merged ranges that read-only mode
does not expose are read from the sheet's XML so a merged header can be spread over its span.
Every file is read within the platform's limits (:mod:`cleangov.core.uploads`): size, rows, columns,
cell length and, for a workbook, what its parts unpack to; a file past one is an error of the report.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries
from openpyxl.xml.functions import iterparse

from cleangov.core import uploads


class UnreadableFile(ValueError):
    """``where``: (sheet, row, column) when the problem is at a place in the file."""

    def __init__(self, message, *, where: tuple = (None, None, None), **params):
        super().__init__(str(message))
        self.message = message
        self.params = params
        self.sheet, self.row, self.column = where


@dataclass
class ImportFile:
    """An uploaded or local file: its name (for the report and kind detection) and its bytes."""

    name: str
    data: bytes

    @classmethod
    def from_path(cls, path: str | Path) -> ImportFile:
        """The file's bytes; :class:`~voucher_audit.limits.ReadError` past the size limit (nothing read)."""
        path = Path(path)
        return cls(name=path.name, data=uploads.read_bytes(path))


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


def read_tables(file: ImportFile, limits: uploads.ReadLimits | None = None) -> list[RawTable]:
    """Every table of the file; :class:`UnreadableFile` (never a traceback) when it cannot be read or is
    past a limit, saying which, where and what to do."""
    lower = file.name.lower()
    if lower.endswith(".xls") or file.data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableFile(_("Old Excel .xls files are not supported: save the file as .xlsx or CSV."))
    lim = limits or uploads.read_limits()
    try:
        if len(file.data) > lim.max_file_bytes:
            raise uploads.LimitExceeded("max_file_bytes", len(file.data), lim.max_file_bytes, file=file.name)
        if is_xlsx(file):
            return _read_xlsx(file, lim)
        return [_read_csv(file, lim)]
    except uploads.ReadError as exc:
        raise UnreadableFile(uploads.reason_lazy(exc), where=(exc.sheet, exc.row, exc.column)) from exc


def decode_csv(data: bytes, name: str = "") -> str:
    """UTF-8 (byte-order mark honoured) or GB 18030; a :class:`~voucher_audit.limits.ReadError` saying what
    is wrong (GBK behind a UTF-8 byte-order mark, neither encoding) and how to save the file again."""
    return uploads.decode_text(data, name)


def _read_csv(file: ImportFile, lim: uploads.ReadLimits) -> RawTable:
    text = decode_csv(file.data, file.name)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";", "，"), key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    uploads.lift_csv_field_limit()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # Excel shows one CSV record per row whatever line breaks a quoted cell holds: count records.
    try:
        if text.count("\n") > lim.max_rows:
            # Possibly too many records: count them first without keeping any, so that a file of
            # millions of rows is refused with the row limit instead of being held in memory.
            counter = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            for _row in uploads.check_rows(([] for _record in counter), file.name, limits=lim):
                pass
        rows = [(number, list(record)) for number, record in
                enumerate(uploads.check_rows(reader, file.name, limits=lim), start=1)]
    except csv.Error as exc:
        raise UnreadableFile(_("This is not valid CSV (%(error)s)."), where=(None, reader.line_num, None),
                             error=str(exc)) from exc
    return RawTable(source=file.name, sheet=None, rows=rows)


# What a damaged or hostile workbook raises while it is opened or read: a broken zip, a broken deflate
# stream inside it (zlib.error, EOFError), missing parts, malformed or refused XML (SyntaxError covers
# ElementTree's ParseError and defusedxml's refusals).
DAMAGED_XLSX = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError, ValueError, SyntaxError)


def _read_xlsx(file: ImportFile, lim: uploads.ReadLimits) -> list[RawTable]:
    uploads.check_xlsx_package(file.data, lim, file.name)
    try:
        workbook = load_workbook(io.BytesIO(file.data), read_only=True, data_only=True)
    except DAMAGED_XLSX as exc:
        raise UnreadableFile(_("The file is not a readable XLSX workbook.")) from exc
    tables = []
    try:
        for sheet in workbook.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            # Some writers record a wrong sheet size; read until the real end instead.
            sheet.reset_dimensions()
            checked = uploads.check_rows(_trimmed(sheet.iter_rows(values_only=True)), file.name, sheet=sheet.title,
                                         limits=lim)
            rows = [(number, list(values)) for number, values in enumerate(checked, 1)]
            tables.append(RawTable(source=file.name, sheet=sheet.title, rows=rows, merges=_merged_ranges(sheet),
                                   epoch=workbook.epoch, from_excel=True))
    except uploads.ReadError:
        raise
    except DAMAGED_XLSX as exc:
        raise UnreadableFile(_("The file is not a readable XLSX workbook.")) from exc
    finally:
        workbook.close()
    return tables


def _trimmed(rows):
    """Rows without their trailing empty cells (a sheet whose recorded size is wrong pads them)."""
    for values in rows:
        values = list(values)
        while values and values[-1] is None:
            values.pop()
        yield values


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
