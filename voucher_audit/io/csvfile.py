"""CSV files: UTF-8 (with or without a byte-order mark) or GBK/GB18030, read within :class:`ReadLimits`.

Excel and WPS in Chinese save "CSV" as GBK and "CSV UTF-8" as UTF-8 with a byte-order mark; both are read.
A file whose byte-order mark says UTF-8 but whose bytes are GBK (a tool that added the mark to a GBK file),
or whose bytes are neither, is refused with a sentence saying what to do, in Chinese and English.
"""

from __future__ import annotations

import codecs
import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path

from voucher_audit.limits import ReadError, ReadLimits, check_file_size, check_row, limits_or_default

SAVE_AS_ZH = "请在 Excel 或 WPS 中打开后“另存为”“CSV UTF-8（逗号分隔）”再上传。"
SAVE_AS_EN = "Open it in Excel or WPS and save it again as 'CSV UTF-8 (comma delimited)'."


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _is_gb18030(data: bytes) -> bool:
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


def decode_text(data: bytes, fname: str) -> str:
    """The text of a CSV file: UTF-8 (a UTF-8 or UTF-16 byte-order mark is honoured) or GB18030 (a superset
    of GBK and GB2312). Raises :class:`ReadError` naming the line where the bytes stop making sense."""
    if data.startswith(codecs.BOM_UTF8):
        body = data[3:]
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = _line_of(body, exc.start)
            if _is_gb18030(body):
                raise ReadError(
                    f"文件开头标明是 UTF-8 编码（字节顺序标记 BOM），"
                    f"但内容实际是 GBK 编码（从第 {line} 行起不是 UTF-8）。" + SAVE_AS_ZH,
                    f"The file says it is UTF-8 (it starts with a UTF-8 byte-order mark) but its bytes are GBK, "
                    f"not UTF-8 (from line {line}). " + SAVE_AS_EN, file=fname, row=line) from None
            raise ReadError(f"文件开头标明是 UTF-8 编码，但从第 {line} 行起的内容不是 UTF-8 文本。" + SAVE_AS_ZH,
                            f"The file says it is UTF-8 but its bytes are not UTF-8 (line {line}). " + SAVE_AS_EN,
                            file=fname, row=line) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            line = _line_of(data, exc.start)
            raise ReadError(f"文件开头标明是 UTF-16 编码，但从第 {line} 行起的内容不是 UTF-16 文本。" + SAVE_AS_ZH,
                            f"The file says it is UTF-16 but its bytes are not UTF-16 (line {line}). " + SAVE_AS_EN,
                            file=fname, row=line) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_line = _line_of(data, exc.start)
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = max(utf8_line, _line_of(data, exc.start))
        raise ReadError(f"文件既不是 UTF-8 也不是 GBK 编码的文本（第 {line} 行）。" + SAVE_AS_ZH,
                        f"The file is neither UTF-8 nor GBK text (line {line}). " + SAVE_AS_EN,
                        file=fname, row=line) from None


def iter_csv_rows(path: Path, limits: ReadLimits | None = None, *, fname: str | None = None,
                  delimiter: str = ",") -> Iterator[list[str]]:
    """The rows of a CSV file, one list of cells each, checked against ``limits`` as they are read.

    The file is refused (:class:`LimitExceeded`) past ``max_file_bytes`` before anything is read, and
    past ``max_rows`` data rows, ``max_columns`` cells in a row or ``max_cell_chars`` in a cell at the row
    where it happens. The header is row 1, as people count rows in a spreadsheet.
    """
    lim = limits_or_default(limits)
    fname = fname or path.name
    check_file_size(path.stat().st_size, fname, lim)
    text = decode_text(path.read_bytes(), fname)
    # the module-wide bound is lifted (the file is already bounded by max_file_bytes) so that a long cell
    # is reported below with its row and column rather than as "_csv.Error: field larger than field limit"
    csv.field_size_limit(sys.maxsize)
    header: list[str] | None = None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for index, row in enumerate(reader):
            check_row(row, index + 1, header, fname, lim)
            if header is None:
                header = row
            yield row
    except csv.Error as exc:
        raise ReadError(f"第 {reader.line_num} 行不是有效的 CSV（{exc}）。" + SAVE_AS_ZH,
                        f"Line {reader.line_num} is not valid CSV ({exc}). " + SAVE_AS_EN,
                        file=fname, row=reader.line_num) from None


def read_csv_rows(path: Path, limits: ReadLimits | None = None) -> list[list[str | None]]:
    """Every row of a CSV file (see :func:`iter_csv_rows`)."""
    return list(iter_csv_rows(path, limits))
