"""How much of a file the platform agrees to read, and the errors that say which bound a file crossed.

Every reader takes ``limits: ReadLimits | None`` (``None``: the defaults below). A file over a limit is
refused as a whole with :class:`LimitExceeded`, which names the limit, the value found, the bound and
where it was crossed (file, sheet, row, column), in Chinese and in English. Dates outside
``[min_date, today + max_days_ahead]`` are not a refusal of the file: those rows are invalid, with a
reason, like any other unreadable value (see :mod:`voucher_audit.io.normalise`).

The defaults and why (docs/uploads.md lists them with their Django settings):

* ``max_file_bytes`` 50 MB: a county's voucher lines for a year as CSV are a few MB; 50 MB is about
  500,000 lines of fifteen columns.
* ``max_rows`` 2,000,000 and ``max_columns`` 200: above any ledger export we know of (about 30 columns).
* ``max_cell_chars`` 2,000: a 摘要 or a name is a sentence; a 20 MB cell is an attack or a mistake.
* ``max_uncompressed_bytes`` 1 GB: what all the parts of an XLSX package may unpack to. A sheet of two
  million voucher lines is well below it.
* ``max_compression_ratio`` 100:1 for any part that unpacks to more than 1 MB: worksheet XML of real data
  compresses 5–20:1; a "zip bomb" of repeated rows compresses far more (a 1.5 MB file unpacking to 440 MB
  is 290:1). Small parts (styles, an empty sheet) are not judged by ratio: they cannot exhaust memory.
* ``min_date`` 2000-01-01 and ``max_days_ahead`` 366: vouchers older than the accrual reforms are not
  audited here, and a voucher dated more than a year ahead is a typing error, which would otherwise
  stretch a batch's period.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from voucher_audit.errors import InputError, RowError

MB = 1024 * 1024
RATIO_JUDGED_ABOVE_BYTES = MB  # parts smaller than this are not judged by their compression ratio


@dataclass(frozen=True)
class ReadLimits:
    max_file_bytes: int = 50 * MB
    max_rows: int = 2_000_000
    max_columns: int = 200
    max_cell_chars: int = 2_000
    max_uncompressed_bytes: int = 1024 * MB
    max_compression_ratio: float = 100.0
    min_date: dt.date = dt.date(2000, 1, 1)
    max_days_ahead: int = 366

    def max_date(self, today: dt.date | None = None) -> dt.date:
        """The latest date accepted: ``max_days_ahead`` after today."""
        return (today or dt.date.today()) + dt.timedelta(days=self.max_days_ahead)  # noqa: DTZ011 - a calendar day


DEFAULT_LIMITS = ReadLimits()


def limits_or_default(limits: ReadLimits | None) -> ReadLimits:
    return DEFAULT_LIMITS if limits is None else limits


# (Chinese, English) per limit; {value} is what the file holds, {allowed} the bound
LIMIT_TEXT: dict[str, tuple[str, str]] = {
    "max_file_bytes": ("文件大小为 {value} 字节，超过上限 {allowed} 字节",
                       "the file is {value} bytes; at most {allowed} bytes are accepted"),
    "max_rows": ("数据行超过上限 {allowed} 行", "the file has more than {allowed} data rows, the most accepted"),
    "max_columns": ("该行有 {value} 列，超过上限 {allowed} 列",
                    "the row has {value} columns; at most {allowed} are accepted"),
    "max_cell_chars": ("单元格有 {value} 个字符，超过上限 {allowed} 个字符",
                       "the cell holds {value} characters; at most {allowed} are accepted"),
    "max_uncompressed_bytes": ("工作簿解压后为 {value} 字节，超过上限 {allowed} 字节",
                               "the workbook unpacks to {value} bytes; at most {allowed} bytes are accepted"),
    "max_compression_ratio": ("压缩比为 {value}:1，超过上限 {allowed}:1（疑似“压缩炸弹”）",
                              "it unpacks {value} times its compressed size; at most {allowed} times is accepted "
                              "(a compression bomb?)"),
}


def _n(value: int | float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.0f}"


class ReadError(InputError):
    """A file refused as a whole, with the reason in Chinese (``zh``) and English (``en``).

    It is an :class:`InputError` (one :class:`RowError` whose reason is the English text), so callers that
    already report input errors report these too; ``message(lang)`` gives the full sentence for people.
    """

    def __init__(self, zh: str, en: str, *, file: str, sheet: str | None = None, row: int | None = None,
                 column: str | None = None):
        self.zh, self.en = zh, en
        self.file, self.sheet, self.row, self.column = file, sheet, row, column
        reason = en if sheet is None else f"sheet '{sheet}': {en}"
        super().__init__([RowError(file, row, column, None, reason)])

    def where(self, lang: str = "en") -> str:
        if lang.startswith("zh"):
            parts = [self.file]
            if self.sheet is not None:
                parts.append(f"工作表“{self.sheet}”")
            if self.row is not None:
                parts.append(f"第 {self.row} 行")
            if self.column:
                parts.append(f"“{self.column}”列")
            return "，".join(parts)
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def message(self, lang: str = "en") -> str:
        """The whole sentence in ``lang`` ("zh-hans", "zh", "en", ...): where, then what is wrong."""
        if lang.lower().startswith("zh"):
            return f"{self.where('zh')}：{self.zh}"
        return f"{self.where('en')}: {self.en}"

    def __str__(self) -> str:
        return self.message("en")


class LimitExceeded(ReadError):
    """A file crossed one of the :class:`ReadLimits`: ``limit`` is the field's name, ``value`` what was found."""

    def __init__(self, limit: str, value: int | float, allowed: int | float, *, file: str, sheet: str | None = None,
                 row: int | None = None, column: str | None = None, part: str | None = None):
        self.limit, self.value, self.allowed = limit, value, allowed
        zh_t, en_t = LIMIT_TEXT[limit]
        zh = zh_t.format(value=_n(value), allowed=_n(allowed)) + f"（限制 {limit}）"
        en = en_t.format(value=_n(value), allowed=_n(allowed)) + f" (limit {limit})"
        if part is not None:
            zh, en = f"压缩包中的“{part}”{zh}", f"the part {part}: {en}"
        super().__init__(zh, en, file=file, sheet=sheet, row=row, column=column)


def check_file_size(size: int, file: str, limits: ReadLimits) -> None:
    if size > limits.max_file_bytes:
        raise LimitExceeded("max_file_bytes", size, limits.max_file_bytes, file=file)


def check_row(row: list, number: int, header: list | None, fname: str, lim: ReadLimits,
              sheet: str | None = None) -> None:
    """Row ``number`` (1 = the header) against the row, column and cell limits."""
    if number - 1 > lim.max_rows:
        raise LimitExceeded("max_rows", number - 1, lim.max_rows, file=fname, sheet=sheet, row=number)
    if len(row) > lim.max_columns:
        raise LimitExceeded("max_columns", len(row), lim.max_columns, file=fname, sheet=sheet, row=number)
    for i, cell in enumerate(row):
        if isinstance(cell, str) and len(cell) > lim.max_cell_chars:
            column = header[i] if header is not None and i < len(header) and header[i] else column_letters(i)
            raise LimitExceeded("max_cell_chars", len(cell), lim.max_cell_chars, file=fname, sheet=sheet,
                                row=number, column=str(column))


def column_letters(index: int) -> str:
    """0-based column index → spreadsheet letters (0 → A, 26 → AA)."""
    s, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def check_xlsx_package(source: Path | bytes, limits: ReadLimits | None = None, fname: str | None = None) -> None:
    """Refuse a workbook (a path, or its bytes) whose parts unpack past the limits, before any is inflated.

    Python's :mod:`zipfile` never inflates a part past the size its directory declares (it stops there and
    the CRC check fails), so the declared sizes checked here are what a reader using it can get.
    """
    lim = limits_or_default(limits)
    if isinstance(source, bytes | bytearray):
        fname, size, opened = fname or "upload", len(source), io.BytesIO(source)
    else:
        fname, size, opened = fname or source.name, source.stat().st_size, source
    check_file_size(size, fname, lim)
    try:
        with zipfile.ZipFile(opened) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError(f"不是有效的 XLSX 工作簿（{exc}）。请在 Excel 或 WPS 中另存为“Excel 工作簿（*.xlsx）”。",
                        f"Not a valid XLSX workbook ({exc}). Save it again as 'Excel Workbook (*.xlsx)' "
                        f"in Excel or WPS.", file=fname) from None
    total = 0
    for info in infos:
        total += info.file_size
        if total > lim.max_uncompressed_bytes:
            raise LimitExceeded("max_uncompressed_bytes", sum(i.file_size for i in infos),
                                lim.max_uncompressed_bytes, file=fname)
        if info.file_size > RATIO_JUDGED_ABOVE_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > lim.max_compression_ratio:
                raise LimitExceeded("max_compression_ratio", round(ratio), lim.max_compression_ratio, file=fname,
                                    part=info.filename)

