"""Bounded reading of every file the platform reads: uploads and files given to a command.

The bounds are the voucher engine's :class:`voucher_audit.limits.ReadLimits`, built from settings by
:func:`read_limits` (docs/uploads.md lists each limit, its default, its setting and its message). A file
over a bound, or whose bytes are not the text it claims, raises :class:`voucher_audit.limits.ReadError`
(:class:`~voucher_audit.limits.LimitExceeded` for a limit): a command prints :func:`refusal` on stderr and
exits 2, a form shows it as a field error. Nothing here imports another app.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import get_language

from voucher_audit.io.csvfile import decode_text
from voucher_audit.limits import (
    DEFAULT_LIMITS,
    LimitExceeded,
    ReadError,
    ReadLimits,
    check_file_size,
    check_row,
    check_xlsx_package,
)

__all__ = ["LimitExceeded", "ReadError", "ReadLimits", "check_rows", "check_xlsx_package", "load_yaml",
           "read_bytes", "read_limits", "read_text", "reason", "reason_lazy", "refusal", "refusal_lazy",
           "yaml_max_bytes"]

# Versioned YAML (assessment frameworks, record-book kinds) is a few kilobytes; PyYAML is pure Python and a
# megabyte already takes it a second. Expanded nodes bound what aliases can multiply ("billion laughs").
YAML_MAX_BYTES = 1024 * 1024
YAML_MAX_NODES = 200_000
YAML_MAX_DEPTH = 50


class _TooDeepError(Exception):
    pass


class _BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that stops at ``YAML_MAX_DEPTH`` levels of nesting: "[[[[…" a megabyte long would
    otherwise take PyYAML's scanner tens of seconds before it ends in a RecursionError."""

    depth = 0

    def compose_node(self, parent, index):
        self.depth += 1
        if self.depth > YAML_MAX_DEPTH:
            raise _TooDeepError
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def read_limits() -> ReadLimits:
    """The limits in force: ``CLEANGOV_UPLOAD_*``, ``CLEANGOV_XLSX_*`` and ``CLEANGOV_DATE_*`` settings over
    the engine's defaults (settings.py reads them from the environment)."""
    d = DEFAULT_LIMITS
    min_date = getattr(settings, "CLEANGOV_DATE_MIN", d.min_date)
    if isinstance(min_date, str):
        min_date = dt.date.fromisoformat(min_date)
    return ReadLimits(
        max_file_bytes=int(getattr(settings, "CLEANGOV_UPLOAD_MAX_BYTES", d.max_file_bytes)),
        max_rows=int(getattr(settings, "CLEANGOV_UPLOAD_MAX_ROWS", d.max_rows)),
        max_columns=int(getattr(settings, "CLEANGOV_UPLOAD_MAX_COLUMNS", d.max_columns)),
        max_cell_chars=int(getattr(settings, "CLEANGOV_UPLOAD_MAX_CELL_CHARS", d.max_cell_chars)),
        max_uncompressed_bytes=int(getattr(settings, "CLEANGOV_XLSX_MAX_UNCOMPRESSED_BYTES",
                                           d.max_uncompressed_bytes)),
        max_compression_ratio=float(getattr(settings, "CLEANGOV_XLSX_MAX_RATIO", d.max_compression_ratio)),
        min_date=min_date,
        max_days_ahead=int(getattr(settings, "CLEANGOV_DATE_MAX_DAYS_AHEAD", d.max_days_ahead)),
    )


def yaml_max_bytes() -> int:
    return int(getattr(settings, "CLEANGOV_YAML_MAX_BYTES", YAML_MAX_BYTES))


def refusal(exc: ReadError) -> str:
    """The refusal as one sentence in the active language (where, then what is wrong)."""
    return exc.message(get_language() or settings.LANGUAGE_CODE)


def reason(exc: ReadError) -> str:
    """What is wrong, without where (for reports that show file, sheet, row and column themselves)."""
    return exc.zh if (get_language() or settings.LANGUAGE_CODE).lower().startswith("zh") else exc.en


# rendered when shown, so a report built in one request reads in the language of the one that shows it
refusal_lazy = lazy(refusal, str)
reason_lazy = lazy(reason, str)


def read_bytes(source: Any, *, name: str | None = None, limits: ReadLimits | None = None,
               max_bytes: int | None = None) -> bytes:
    """The bytes of a path or an upload (anything with ``read()``; ``size`` when known), refused past
    ``max_bytes`` (default: the limits' ``max_file_bytes``) before more than that is read."""
    lim = limits or read_limits()
    if max_bytes is not None:
        lim = ReadLimits(**{**lim.__dict__, "max_file_bytes": max_bytes})
    if isinstance(source, str | Path):
        path = Path(source)
        name = name or path.name
        check_file_size(path.stat().st_size, name, lim)
        with path.open("rb") as f:
            data = f.read(lim.max_file_bytes + 1)
    else:
        name = name or Path(getattr(source, "name", "") or "upload").name
        size = getattr(source, "size", None)
        if size is not None:
            check_file_size(size, name, lim)
        data = source.read(lim.max_file_bytes + 1)
    check_file_size(len(data), name, lim)  # a file that grew, or an upload without a size
    return data


def read_text(source: Any, *, name: str | None = None, limits: ReadLimits | None = None,
              max_bytes: int | None = None) -> str:
    """:func:`read_bytes` decoded as UTF-8 (byte-order mark honoured) or GBK, with a sentence when neither."""
    name = name or (Path(source).name if isinstance(source, str | Path)
                    else Path(getattr(source, "name", "") or "upload").name)
    return decode_text(read_bytes(source, name=name, limits=limits, max_bytes=max_bytes), name)


def check_rows(rows: Iterable[list], name: str, *, sheet: str | None = None, limits: ReadLimits | None = None,
               first_row: int = 1) -> Iterator[list]:
    """The rows, each checked against the row, column and cell limits as it passes (row 1: the header)."""
    lim = limits or read_limits()
    header = None
    for number, row in enumerate(rows, start=first_row):
        check_row(row, number, header, name, lim, sheet=sheet)
        if header is None:
            header = [c if isinstance(c, str) else None for c in row]
        yield row


def lift_csv_field_limit() -> None:
    """Let :mod:`csv` read a cell of any length, so that :func:`check_rows` reports a long one with its row
    and column (rather than ``_csv.Error: field larger than field limit``). Files are bounded by size."""
    csv.field_size_limit(sys.maxsize)


def _yaml_nodes(data: Any, budget: int) -> int:
    """``budget`` less the nodes of ``data`` counted as expanded (an alias counts each time it is used)."""
    stack = [data]
    while stack:
        node = stack.pop()
        budget -= 1
        if budget < 0:
            return budget
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return budget


def load_yaml(text: str, name: str) -> Any:
    """``yaml.safe_load`` within bounds: text size, nesting and expanded node count. ``yaml.YAMLError`` for
    invalid YAML (the caller's own message), :class:`ReadError` for a document past the bounds."""
    limit = yaml_max_bytes()
    size = len(text.encode("utf-8"))
    if size > limit:
        raise LimitExceeded("max_file_bytes", size, limit, file=name)
    try:
        data = yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader, bounded in depth
    except (RecursionError, _TooDeepError):
        raise ReadError(f"YAML 文件嵌套超过 {YAML_MAX_DEPTH} 层，拒绝读取。",
                        f"The YAML file is nested more than {YAML_MAX_DEPTH} levels deep; it is refused.",
                        file=name) from None
    if _yaml_nodes(data, YAML_MAX_NODES) < 0:
        raise ReadError(f"YAML 文件展开后超过 {YAML_MAX_NODES:,} 个节点（别名被反复引用），拒绝读取。",
                        f"The YAML file expands to more than {YAML_MAX_NODES:,} nodes (aliases used over and "
                        "over); it is refused.", file=name)
    return data
