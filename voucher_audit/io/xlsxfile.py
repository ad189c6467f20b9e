"""XLSX workbooks: the first worksheet, streamed row by row within :class:`ReadLimits`.

Before any XML is parsed the package is checked (:func:`check_xlsx_package`): what its parts unpack to in
total, and each large part's compression ratio, so that a "zip bomb" (1.5 MB unpacking to 440 MB) is refused
in milliseconds. Python's :mod:`zipfile` never inflates a part past the size its directory declares (it
stops there and the CRC check fails), so the declared sizes checked here are the sizes read. openpyxl parses
the XML through ``defusedxml`` (an engine requirement): a document that declares entities (the "billion
laughs") is refused, not expanded. Rows are read in openpyxl's read-only mode, so memory holds one row at a
time, not the sheet.

Formulas: the cached value saved by Excel or WPS is used. A formula without one (files written by scripts)
is evaluated by :mod:`voucher_audit.io.formulas` once the sheet has been read; the cells it refers to are
fetched by further passes over the sheet, so no grid of the whole sheet is ever kept.
"""

from __future__ import annotations

import datetime as dt
import zipfile
import zlib
from collections.abc import Iterator
from decimal import Decimal
from itertools import zip_longest
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException

from voucher_audit.io.formulas import Cell, FormulaError, evaluate, parse, references
from voucher_audit.limits import (
    LimitExceeded,
    ReadError,
    ReadLimits,
    check_row,
    check_xlsx_package,
    limits_or_default,
)

MAX_PASSES = 4            # passes over the sheet to fetch the cells that formulas without a value refer to
MAX_FETCHED_CELLS = 100_000


class Pending:
    """A formula cell without a cached value, in a row as :meth:`XlsxReader.rows` yields it."""

    __slots__ = ("formula",)

    def __init__(self, formula: str):
        self.formula = formula


def cell_text(value: Any) -> str | None:
    """A spreadsheet cell as the text the readers normalise (dates ISO, whole floats without ".0")."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    return str(value)


def _unreadable(exc: Exception, fname: str, sheet: str | None = None) -> ReadError:
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, DefusedXmlException):  # openpyxl wraps parse errors
        cause = cause.__cause__ or cause.__context__
    if cause is not None:
        return ReadError("工作簿的 XML 中声明了实体（正常的 Excel/WPS 文件不会有），为安全起见拒绝读取。",
                         "The workbook's XML declares entities, which Excel and WPS never write; it is refused "
                         "for safety.", file=fname, sheet=sheet)
    return ReadError(f"无法读取该工作簿（{type(exc).__name__}: {exc}）。"
                     "请在 Excel 或 WPS 中另存为“Excel 工作簿（*.xlsx）”。",
                     f"The workbook cannot be read ({type(exc).__name__}: {exc}). Save it again as "
                     f"'Excel Workbook (*.xlsx)' in Excel or WPS.", file=fname, sheet=sheet)


# what openpyxl, zipfile and the XML parser raise on a damaged or hostile package
READ_FAILURES = (zipfile.BadZipFile, zlib.error, KeyError, OSError, EOFError, ValueError, TypeError, SyntaxError,
                 IndexError, AttributeError)


class XlsxReader:
    """The first worksheet of a workbook as rows of cell text; uncached formulas come as :class:`Pending`
    and are evaluated by :meth:`resolve` once every row has been read."""

    def __init__(self, path: Path, limits: ReadLimits | None = None, fname: str | None = None):
        self.path, self.limits, self.fname = path, limits_or_default(limits), fname or path.name
        self.sheet: str | None = None
        self.pending: dict[Cell, str] = {}
        check_xlsx_package(path, self.limits, self.fname)

    def _stream(self) -> Iterator[tuple[int, tuple, tuple]]:
        """(row number, formula-or-value cells, cached values) for every row, within the row/column limits."""
        import openpyxl

        lim = self.limits
        try:
            wb_f = openpyxl.load_workbook(self.path, data_only=False, read_only=True)
            wb_v = openpyxl.load_workbook(self.path, data_only=True, read_only=True)
        except READ_FAILURES as exc:
            raise _unreadable(exc, self.fname) from None
        try:
            if not wb_f.worksheets:
                raise ReadError("工作簿中没有工作表。", "The workbook has no worksheet.", file=self.fname)
            ws_f, ws_v = wb_f.worksheets[0], wb_v.worksheets[0]
            self.sheet = ws_f.title
            try:
                declared_cols, declared_rows = ws_f.max_column, ws_f.max_row
            except READ_FAILURES:
                declared_cols = declared_rows = None
            # the sheet's own <dimension> is a promise of its size: refuse a sheet that says it is too large
            if declared_cols and declared_cols > lim.max_columns:
                raise LimitExceeded("max_columns", declared_cols, lim.max_columns, file=self.fname, sheet=self.sheet)
            if declared_rows and declared_rows - 1 > lim.max_rows:
                raise LimitExceeded("max_rows", declared_rows - 1, lim.max_rows, file=self.fname, sheet=self.sheet)
            # bounds on what openpyxl pads: a row or a column past them is refused below, never materialised
            bounds = {"max_row": lim.max_rows + 2, "max_col": lim.max_columns + 1, "values_only": True}
            pairs = zip_longest(ws_f.iter_rows(**bounds), ws_v.iter_rows(**bounds), fillvalue=())
            number = 0
            while True:
                try:
                    pair = next(pairs, None)
                except READ_FAILURES as exc:
                    raise _unreadable(exc, self.fname, self.sheet) from None
                if pair is None:
                    return
                number += 1
                yield number, pair[0], pair[1]
        finally:
            wb_f.close()
            wb_v.close()

    def rows(self) -> Iterator[list[Any]]:
        """Every row: cell text, or :class:`Pending` for a formula without a cached value."""
        header: list | None = None
        for number, row_f, row_v in self._stream():
            row = list(row_f)
            while row and row[-1] is None:
                row.pop()
            check_row(row, number, header, self.fname, self.limits, sheet=self.sheet)
            cells: list[Any] = []
            for ci, f in enumerate(row):
                v = row_v[ci] if ci < len(row_v) else None
                if isinstance(f, str) and f.startswith("="):
                    if v is None:
                        self.pending[(number, ci + 1)] = f
                        cells.append(Pending(f))
                        continue
                    cells.append(cell_text(v))
                else:
                    cells.append(cell_text(f))
            if header is None:
                header = [c if isinstance(c, str) else None for c in cells]
            yield cells

    def resolve(self) -> dict[Cell, str | None]:
        """The text of every pending formula: its value, or ``#FORMULA …`` when it cannot be evaluated."""
        if not self.pending:
            return {}
        known: dict[Cell, tuple[Any, Any]] = {cell: (f, None) for cell, f in self.pending.items()}

        def refs(formula: str) -> set[Cell]:
            try:
                return references(parse(formula))
            except FormulaError:
                return set()

        needed: set[Cell] = set().union(*(refs(f) for f in self.pending.values()))
        for _ in range(MAX_PASSES):
            missing = needed - known.keys()
            if not missing or len(known) + len(missing) > MAX_FETCHED_CELLS:
                break
            self._fetch(missing, known)
            for cell in missing:
                f, v = known[cell]
                if isinstance(f, str) and f.startswith("=") and v is None:
                    needed |= refs(f)

        def lookup(ref: Cell, depth: int) -> Any:
            if ref not in known:
                raise FormulaError("reference not read")
            f, v = known[ref]
            if v is not None:
                return v
            if isinstance(f, str) and f.startswith("="):
                return evaluate(f, lookup, depth)
            return f

        out: dict[Cell, str | None] = {}
        for cell, f in self.pending.items():
            try:
                value = evaluate(f, lookup)
            except FormulaError:
                value = f"#FORMULA {f}"
            out[cell] = cell_text(value)
        return out

    def _fetch(self, cells: set[Cell], known: dict[Cell, tuple[Any, Any]]) -> None:
        by_row: dict[int, list[int]] = {}
        for r, c in cells:
            by_row.setdefault(r, []).append(c)
        last = max(by_row)
        for number, row_f, row_v in self._stream():
            for c in by_row.get(number, ()):
                known[(number, c)] = (row_f[c - 1] if c - 1 < len(row_f) else None,
                                      row_v[c - 1] if c - 1 < len(row_v) else None)
            if number >= last:
                break
        for cell in cells:
            known.setdefault(cell, (None, None))


def iter_xlsx_rows(path: Path, limits: ReadLimits | None = None) -> Iterator[list[str | None]]:
    """Every row of the first worksheet as cell text (see :class:`XlsxReader`); formulas without a cached
    value are evaluated, which keeps the rows that hold them until the sheet has been read."""
    reader = XlsxReader(path, limits)
    held: list[tuple[int, list]] = []
    for index, cells in enumerate(reader.rows()):
        if any(isinstance(c, Pending) for c in cells):
            held.append((index, cells))
            continue
        if held:
            held.append((index, cells))
            continue
        yield cells
    if held:
        values = reader.resolve()
        for index, cells in held:
            yield [values[(index + 1, ci + 1)] if isinstance(c, Pending) else c for ci, c in enumerate(cells)]


def read_xlsx_rows(path: Path, limits: ReadLimits | None = None) -> list[list[str | None]]:
    """Every row of the first worksheet as cell text (see :class:`XlsxReader`)."""
    reader = XlsxReader(path, limits)
    rows = list(reader.rows())
    values = reader.resolve()
    for (r, c), text in values.items():
        rows[r - 1][c - 1] = text
    return rows
