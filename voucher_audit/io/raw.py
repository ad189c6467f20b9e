"""A file → a raw Arrow table whose columns carry canonical names, or a Parquet file read by DuckDB in place."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from voucher_audit import schema as S
from voucher_audit.errors import InputError, RowError
from voucher_audit.io.csvfile import iter_csv_rows
from voucher_audit.io.xlsxfile import XlsxReader
from voucher_audit.limits import LimitExceeded, ReadLimits, limits_or_default
from voucher_audit.sql import quote_ident, quote_str

BATCH_ROWS = 65_536  # rows gathered as Python values before they become Arrow arrays


def _blank(row: list) -> bool:
    return all(c is None or (isinstance(c, str) and c.strip() == "") for c in row)


def _rows_to_table(rows: Iterable[list], hmap: dict[str, str], fname: str,
                   resolve: Callable[[], dict[tuple[int, int], str | None]] | None = None,
                   ) -> tuple[pa.Table, list[str]]:
    """Rows (the header first) → an Arrow table of the recognised columns, built in batches so that only
    one batch of rows is ever held as Python objects. Trailing blank rows are not rows.

    ``resolve``: for XLSX rows holding :class:`~voucher_audit.io.xlsxfile.Pending` formulas, the values of
    those cells by (row, column), asked for once every row has been read; they are patched in afterwards.
    """
    it = iter(rows)
    header = next(it, None)
    if header is None or _blank(header):
        raise InputError([RowError(fname, None, None, None, "empty file: no header row")])
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for i, h in enumerate(header):
        key = S.header_key(h if isinstance(h, str) else "")
        name = hmap.get(key)
        if name is None:
            if key:
                ignored.append(str(h))
            continue
        if name in positions:
            raise InputError([RowError(fname, 1, str(h), None, f"two columns map to '{name}'")])
        positions[name] = i
    chunks: dict[str, list[pa.Array]] = {name: [] for name in positions}
    batch: dict[str, list[str | None]] = {name: [] for name in positions}
    in_batch = n_rows = 0
    blanks: list[list] = []  # blank rows seen since the last filled one: rows only if a filled one follows
    pending: dict[str, list[tuple[int, int]]] = {}  # column → (body index, sheet column) of uncached formulas

    def flush() -> None:
        nonlocal in_batch
        for name in positions:
            chunks[name].append(pa.array(batch[name], pa.string()))
            batch[name] = []
        in_batch = 0

    def add(row: list) -> None:
        nonlocal in_batch, n_rows
        for name, i in positions.items():
            v = row[i] if i < len(row) else None
            if v is not None and not isinstance(v, str):  # an uncached formula, filled in below
                pending.setdefault(name, []).append((n_rows, i + 1))
                v = None
            batch[name].append(v)
        in_batch += 1
        n_rows += 1
        if in_batch >= BATCH_ROWS:
            flush()

    for row in it:
        if _blank(row):
            blanks.append(row)
            continue
        for b in blanks:
            add(b)
        blanks = []
        add(row)
    flush()
    columns: dict[str, pa.ChunkedArray] = {name: pa.chunked_array(chunks[name], pa.string()) for name in positions}
    if pending and resolve is not None:
        values = resolve()
        for name, cells in pending.items():
            patched = columns[name].to_pylist()
            for index, col in cells:
                patched[index] = values.get((index + 2, col))
            columns[name] = pa.chunked_array([pa.array(patched, pa.string())])
    columns["_row"] = pa.chunked_array([pa.array(range(2, n_rows + 2), pa.int64())])
    return pa.table(columns), ignored


@dataclass(frozen=True)
class ParquetSource:
    """A Parquet file read by DuckDB in place: (canonical name, file field) for each recognised column."""

    path: Path
    columns: tuple[tuple[str, pa.Field], ...]

    @property
    def column_names(self) -> list[str]:
        return [c for c, _ in self.columns]

    def types(self) -> dict[str, pa.DataType]:
        return {c: f.type for c, f in self.columns}

    def view_sql(self) -> str:
        cols = ", ".join(f"{quote_ident(f.name)} AS {quote_ident(c)}" for c, f in self.columns)
        return (f"SELECT {cols + ', ' if cols else ''}CAST(file_row_number + 1 AS BIGINT) AS _row "
                f"FROM read_parquet({quote_str(str(self.path))}, file_row_number = true)")


def read_raw(path: Path, table_schema: S.TableSchema,
             limits: ReadLimits | None = None) -> tuple[pa.Table | ParquetSource, list[str]]:
    """A file → Arrow table with canonical column names (+ ``_row``, the row number people see).

    CSV and XLSX are read within ``limits`` (:mod:`voucher_audit.limits`). A Parquet file is read by DuckDB in
    place, out of core under its memory limit, so its size and row count are not bounded here (ten million
    lines is the engine's benchmark); its column count is, and its values pass the same checks as any file's.
    """
    lim = limits_or_default(limits)
    hmap = S.header_map(table_schema)
    suffix = path.suffix.lower()
    fname = path.name
    if not path.exists():
        raise InputError([RowError(str(path), None, None, None, "file not found")])
    if suffix in (".parquet", ".pq"):
        # DuckDB reads the file itself (no Arrow round trip): only the schema is read here
        file_schema = pq.read_schema(path)
        if len(file_schema) > lim.max_columns:
            raise LimitExceeded("max_columns", len(file_schema), lim.max_columns, file=fname)
        names, ignored, fields = [], [], []
        for f in file_schema:
            c = hmap.get(S.header_key(f.name))
            if c is None or c in names:
                ignored.append(f.name)
                continue
            names.append(c)
            fields.append(f)
        return ParquetSource(path, tuple(zip(names, fields, strict=True))), ignored
    if suffix in (".xlsx", ".xlsm"):
        reader = XlsxReader(path, lim, fname)
        return _rows_to_table(reader.rows(), hmap, fname, resolve=reader.resolve)
    if suffix in (".csv", ".txt", ".tsv", ""):
        if path.stat().st_size == 0:
            raise InputError([RowError(fname, None, None, None, "empty file: no header row")])
        return _rows_to_table(iter_csv_rows(path, lim, fname=fname), hmap, fname)
    raise InputError([RowError(fname, None, None, None, f"unsupported file type '{suffix}' (csv, xlsx, parquet)")])

