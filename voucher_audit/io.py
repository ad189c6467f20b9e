"""Readers for the canonical tables: CSV (UTF-8, UTF-8 with BOM, GBK), XLSX and Parquet.

Reading is two steps. First each file becomes a raw Arrow table whose columns carry canonical names
(Chinese headers recognised through the aliases in :mod:`voucher_audit.schema`). Then one DuckDB query
per file normalises every column (full-width digits, Excel serial dates, Chinese enum values, thousands
separators) and flags the rows that cannot be parsed; a second query names row, column, value and reason
for those rows only, so a clean 10-million-line Parquet file costs one pass.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from voucher_audit import schema as S
from voucher_audit.sql import quote_ident, quote_str

MAX_ERRORS_LISTED = 1000
SQL_TYPES = {"text": "VARCHAR", "enum": "VARCHAR", "date": "DATE", "decimal": "DECIMAL(18,2)", "int": "BIGINT",
             "bool": "BOOLEAN"}
FULLWIDTH = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
HALFWIDTH = "".join(chr(c) for c in range(0x21, 0x7F)) + " "


@dataclass(frozen=True)
class RowError:
    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "column": self.column, "value": self.value, "reason": self.reason}

    def __str__(self) -> str:
        where = f"{self.file}" + (f", row {self.row}" if self.row is not None else "")
        where += f", column {self.column}" if self.column else ""
        val = f" (value {self.value!r})" if self.value is not None else ""
        return f"{where}: {self.reason}{val}"


class InputError(Exception):
    """The input was rejected as a whole; ``errors`` names every problem found (up to a limit)."""

    def __init__(self, errors: list[RowError], total: int | None = None):
        self.errors = errors
        self.total = total if total is not None else len(errors)
        super().__init__("; ".join(str(e) for e in errors[:5]))


@dataclass
class Stored:
    """A typed canonical table kept inside a DuckDB connection instead of Arrow memory.

    For a typed Parquet file it is a view that normalises as it reads (nothing is copied); otherwise a DuckDB
    temp table, which DuckDB spills to its temporary directory past the memory limit. Either way ten million
    voucher lines fit the engine's memory budget; an Arrow copy of them alone takes about 3 GB. ``_row`` (the
    row number people see) and, for several files, ``_file`` stay in the table for error reports.
    """

    con: duckdb.DuckDBPyConnection
    name: str
    num_rows: int
    column_names: list[str]
    # a view over the raw source(s) rather than a table; ``sources``: (name, Arrow table or None for a view)
    # that the view reads, kept registered (and referenced) as long as it lives
    view: bool = False
    sources: list[tuple[str, pa.Table | None]] = field(default_factory=list)
    parts: list[Stored] = field(default_factory=list)

    def select_sql(self) -> str:
        return f"SELECT {', '.join(quote_ident(c) for c in self.column_names)} FROM {quote_ident(self.name)}"

    def to_arrow(self) -> pa.Table:
        t = self.con.sql(self.select_sql()).arrow()
        return t.read_all() if hasattr(t, "read_all") else t

    def drop(self) -> None:
        self.con.execute(f"DROP {'VIEW' if self.view else 'TABLE'} IF EXISTS {quote_ident(self.name)}")
        for name, arrow in self.sources:
            _drop_source(self.con, name, arrow is None)
        for part in self.parts:
            part.drop()
        self.sources, self.parts = [], []

    def materialize(self) -> None:
        """Copy a view's rows into a table (needed to delete rows); a table stays as it is."""
        if not self.view:
            return
        q, tmp = quote_ident(self.name), quote_ident(self.name + "__copy")
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {tmp} AS SELECT * FROM {q}")
        self.drop()
        self.view = False
        self.con.execute(f"ALTER TABLE {tmp} RENAME TO {q}")


@dataclass
class Loaded:
    table: pa.Table | Stored
    skipped: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- raw readers

def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")  # a superset of GBK and GB2312


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
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    return str(value)


def read_csv_rows(path: Path) -> list[list[str | None]]:
    text = _decode(path.read_bytes())
    csv.field_size_limit(sys.maxsize)  # a 50 MB summary cell is still one cell
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]


_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _eval_formula(formula: str, grid: list[list[Any]], depth: int = 0) -> Any:
    """Evaluate the small formulas people type into voucher sheets when the file has no cached value.

    Supports arithmetic on numbers and same-sheet cell references, SUM over ranges, DATE(y,m,d), ROUND
    and quoted text. Anything else raises ValueError and the cell is reported as unreadable.
    """
    if depth > 20:
        raise ValueError("formula nesting too deep")
    expr = formula.lstrip("=").strip()
    m = re.fullmatch(r'"(.*)"', expr)
    if m:
        return m.group(1)

    def cell(ref_col: str, ref_row: str) -> Any:
        r, c = int(ref_row) - 1, _col_index(ref_col)
        v = grid[r][c] if r < len(grid) and c < len(grid[r]) else None
        if isinstance(v, str) and v.startswith("="):
            v = _eval_formula(v, grid, depth + 1)
        if v is None or v == "":
            return 0
        return v

    def rng_sum(a: str, b: str) -> str:
        ma, mb = _REF.fullmatch(a), _REF.fullmatch(b)
        if not ma or not mb:
            raise ValueError("bad range")
        total = Decimal(0)
        for r in range(int(ma.group(2)), int(mb.group(2)) + 1):
            for c in range(_col_index(ma.group(1)), _col_index(mb.group(1)) + 1):
                v = cell(_letters(c), str(r))
                total += Decimal(str(v))
        return f"Decimal('{total}')"

    py = expr.upper()
    sum_re = r"SUM\(\s*(\$?[A-Z]{1,3}\$?\d+)\s*:\s*(\$?[A-Z]{1,3}\$?\d+)\s*\)"
    py = re.sub(sum_re, lambda m: rng_sum(m.group(1), m.group(2)), py)
    py = _REF.sub(lambda m: f"V({cell(m.group(1), m.group(2))!r})", py)
    if not re.fullmatch(r"[0-9A-Za-z_.,+\-*/() '\"]*", py):
        raise ValueError("unsupported formula")
    allowed = {"V": lambda v: Decimal(str(v)) if not isinstance(v, (dt.date, str)) else v,
               "Decimal": Decimal, "SUM": lambda *a: sum(Decimal(str(x)) for x in a),
               "ROUND": lambda v, n=0: round(Decimal(str(v)), int(n)),
               "DATE": lambda y, mo, d: dt.date(int(y), int(mo), int(d))}
    for name in re.findall(r"[A-Za-z_]+", py):
        if name not in allowed:
            raise ValueError(f"unsupported function {name}")
    try:
        return eval(py, {"__builtins__": {}}, allowed)  # noqa: S307 - restricted to the whitelisted names above
    except (ArithmeticError, InvalidOperation, SyntaxError, TypeError) as exc:
        raise ValueError(str(exc)) from exc


def _letters(index: int) -> str:
    s, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def read_xlsx_rows(path: Path) -> list[list[str | None]]:
    import openpyxl

    wb_f = openpyxl.load_workbook(path, data_only=False, read_only=True)
    wb_v = openpyxl.load_workbook(path, data_only=True, read_only=True)
    ws_f, ws_v = wb_f.worksheets[0], wb_v.worksheets[0]
    grid_f = [list(r) for r in ws_f.iter_rows(values_only=True)]
    grid_v = [list(r) for r in ws_v.iter_rows(values_only=True)]
    wb_f.close()
    wb_v.close()
    out: list[list[str | None]] = []
    for ri, row in enumerate(grid_f):
        vals = grid_v[ri] if ri < len(grid_v) else []
        cells: list[str | None] = []
        for ci, f in enumerate(row):
            v = vals[ci] if ci < len(vals) else None
            if isinstance(f, str) and f.startswith("=") and v is None:
                try:
                    v = _eval_formula(f, grid_f)
                except (ValueError, IndexError):
                    v = f"#FORMULA {f}"
            elif not (isinstance(f, str) and f.startswith("=")):
                v = f
            if isinstance(v, Decimal):
                v = format(v.normalize(), "f") if v == v.to_integral() else format(v, "f")
            cells.append(cell_text(v))
        out.append(cells)
    return out


def _rows_to_table(rows: list[list[str | None]], hmap: dict[str, str], fname: str) -> tuple[pa.Table, list[str]]:
    while rows and all((c is None or str(c).strip() == "") for c in rows[-1]):
        rows.pop()
    if not rows or all((c is None or str(c).strip() == "") for c in rows[0]):
        raise InputError([RowError(fname, None, None, None, "empty file: no header row")])
    header = rows[0]
    columns: dict[str, list[str | None]] = {}
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for i, h in enumerate(header):
        key = S.header_key(h or "")
        name = hmap.get(key)
        if name is None:
            if key:
                ignored.append(str(h))
            continue
        if name in positions:
            raise InputError([RowError(fname, 1, str(h), None, f"two columns map to '{name}'")])
        positions[name] = i
    body = rows[1:]
    for name, i in positions.items():
        columns[name] = [(r[i] if i < len(r) else None) for r in body]
    columns["_row"] = list(range(2, len(body) + 2))
    t = pa.table({k: pa.array(v, type=pa.int64() if k == "_row" else pa.string()) for k, v in columns.items()})
    return t, ignored


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


def read_raw(path: Path, table_schema: S.TableSchema) -> tuple[pa.Table | ParquetSource, list[str]]:
    """A file → Arrow table with canonical column names (+ ``_row``, the row number people see)."""
    hmap = S.header_map(table_schema)
    suffix = path.suffix.lower()
    fname = path.name
    if not path.exists():
        raise InputError([RowError(str(path), None, None, None, "file not found")])
    if suffix in (".parquet", ".pq"):
        # DuckDB reads the file itself (no Arrow round trip): only the schema is read here
        file_schema = pq.read_schema(path)
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
        rows = read_xlsx_rows(path)
    elif suffix in (".csv", ".txt", ".tsv", ""):
        if path.stat().st_size == 0:
            raise InputError([RowError(fname, None, None, None, "empty file: no header row")])
        rows = read_csv_rows(path)
    else:
        raise InputError([RowError(fname, None, None, None, f"unsupported file type '{suffix}' (csv, xlsx, parquet)")])
    return _rows_to_table(rows, hmap, fname)


# ---------------------------------------------------------------- normalisation in DuckDB

def _fw(expr: str) -> str:
    # translate() is costly; only values that contain a full-width character pay for it, and the regular
    # expression only runs on values with a multi-byte character (strlen counts bytes, length characters)
    return (f"(CASE WHEN strlen({expr}) <> length({expr}) AND regexp_matches({expr}, '[\uFF01-\uFF5E\u3000]') "
            f"THEN translate({expr}, {quote_str(FULLWIDTH)}, {quote_str(HALFWIDTH)}) ELSE {expr} END)")


def _text(expr: str, fullwidth: bool = True, padded: bool = True) -> str:
    """Text as the rules see it: full-width characters folded, trimmed, blank as NULL.

    ``padded`` False: the column is known to hold no blank value and no value with a leading or trailing
    space, so trimming would change nothing (a view over a typed Parquet file reads such columns as they are).
    """
    value = f"CAST({expr} AS VARCHAR)"
    if fullwidth:
        value = _fw(value)
    return f"NULLIF(TRIM({value}), '')" if padded or fullwidth else value


FW_PATTERN = "[\uFF01-\uFF5E\u3000]"


def _fullwidth_columns(con: duckdb.DuckDBPyConnection, present: dict[str, pa.DataType], src: str) -> set[str]:
    """The text columns of the raw source ``src`` holding any full-width character.

    Only values with a multi-byte character can hold one (``strlen`` counts bytes, ``length`` characters),
    and the regular expression runs on their distinct values: codes, names and places repeat, so a
    ten-million-line file costs about a second here instead of a regular expression per value. Most files
    have no full-width character at all, and their columns then skip the per-value test and translation.
    """
    names = [n for n, t in present.items() if pa.types.is_string(t) or pa.types.is_large_string(t)]
    found = set()
    for n in names:
        c = quote_ident(n)
        hit = con.sql(f"SELECT bool_or(regexp_matches(v, '{FW_PATTERN}')) FROM (SELECT DISTINCT {c} AS v "
                      f"FROM {quote_ident(src)} WHERE strlen({c}) <> length({c})) AS d").fetchall()[0][0]
        if hit:
            found.add(n)
    return found


def _padded_columns(con: duckdb.DuckDBPyConnection, names: list[str], src: str) -> set[str]:
    """The text columns of ``src`` holding a blank value or one with a leading or trailing space (one scan)."""
    if not names:
        return set()
    tests = [f"bool_or({c} = '' OR prefix({c}, ' ') OR suffix({c}, ' '))" for c in map(quote_ident, names)]
    row = con.sql(f"SELECT {', '.join(tests)} FROM {quote_ident(src)}").fetchall()[0]
    return {n for n, hit in zip(names, row, strict=True) if hit is not False}


def _canonical_enums(con: duckdb.DuckDBPyConnection, table_schema: S.TableSchema, names: list[str],
                     src: str) -> set[str]:
    """The enumeration columns of ``src`` whose every value is already canonical (their distinct values)."""
    out = set()
    for n in names:
        col = next(c for c in table_schema.columns if c.name == n)
        canon = set(S.ENUMS[col.enum or col.name])
        values = con.sql(f"SELECT DISTINCT {quote_ident(n)} FROM {quote_ident(src)} "
                         f"WHERE {quote_ident(n)} IS NOT NULL").fetchall()
        if all(v[0] in canon for v in values):
            out.add(n)
    return out


def _is_typed(col: S.Column, arrow_type: pa.DataType) -> bool:
    if col.kind == "date":
        return pa.types.is_date(arrow_type) or pa.types.is_timestamp(arrow_type)
    if col.kind == "decimal":
        return pa.types.is_integer(arrow_type) or pa.types.is_decimal(arrow_type)
    if col.kind == "int":
        return pa.types.is_integer(arrow_type)
    if col.kind == "bool":
        return pa.types.is_boolean(arrow_type)
    return False


def _column_sql(col: S.Column, arrow_type: pa.DataType | None, fullwidth: bool = True, padded: bool = True,
                canonical: bool = False) -> tuple[str, str, list[tuple[str, str]]]:
    """(stage-1 expression T over the raw column, stage-2 normalised expression over T, [(reason, invalid-if)]).

    Stage 2 and the checks refer to the stage-1 value as {T}, to the normalised value as {N} and, for
    decimals, to the exact parsed number as {D}.
    """
    r = quote_ident(col.name)
    if arrow_type is None:
        return ("CAST(NULL AS VARCHAR)", f"CAST(NULL AS {SQL_TYPES[col.kind]})",
                [("required value missing", "TRUE")] if col.required else [])
    typed = _is_typed(col, arrow_type)
    t = r if typed else _text(r, fullwidth, padded)
    checks: list[tuple[str, str]] = []
    if col.kind == "text":
        norm = "{T}"
    elif col.kind == "decimal":
        if typed:
            norm = "CAST({T} AS DECIMAL(18,2))"
        else:
            norm = "CAST(ROUND({D}, 2) AS DECIMAL(18,2))"
            checks.append(("not a number", "{T} IS NOT NULL AND {D} IS NULL"))
            checks.append(("more than two decimal places", "{D} IS NOT NULL AND ABS({D} - ROUND({D}, 2)) > 0.000001"))
            checks.append(("number too large", "{D} IS NOT NULL AND ABS({D}) >= 1e16"))
        if col.name == "amount":
            checks.append(("amount must be greater than 0", "{N} IS NOT NULL AND {N} <= 0"))
    elif col.kind == "date":
        if typed:
            norm = "CAST({T} AS DATE)"
        else:
            day_part = "split_part(replace({T}, 'T', ' '), ' ', 1)"
            s1 = f"regexp_replace(regexp_replace({day_part}, '[年月/.]', '-', 'g'), '日', '')"
            serial = "TRY_CAST({T} AS DOUBLE)"
            norm = (f"(CASE WHEN regexp_full_match({s1}, '[0-9]{{{{4}}}}-[0-9]{{{{1,2}}}}-[0-9]{{{{1,2}}}}') "
                    f"THEN CAST(try_strptime({s1}, '%Y-%m-%d') AS DATE) "
                    "WHEN regexp_full_match({T}, '[0-9]{{8}}') THEN CAST(try_strptime({T}, '%Y%m%d') AS DATE) "
                    f"WHEN regexp_full_match({{T}}, '[0-9]{{{{1,6}}}}([.][0-9]+)?') AND {serial} BETWEEN 1 AND 2958465 "
                    f"THEN CAST(DATE '1899-12-30' + CAST(FLOOR({serial}) AS INTEGER) AS DATE) END)")
            checks.append(("not a date", "{T} IS NOT NULL AND {N} IS NULL"))
    elif col.kind == "int":
        if typed:
            norm = "CAST({T} AS BIGINT)"
        else:
            num = "TRY_CAST({T} AS DOUBLE)"
            norm = f"(CASE WHEN {num} = FLOOR({num}) AND ABS({num}) < 1e15 THEN CAST({num} AS BIGINT) END)"
            checks.append(("not a whole number", "{T} IS NOT NULL AND {N} IS NULL"))
        if col.int_range:
            lo, hi = col.int_range
            checks.append((f"must be between {lo} and {hi}", f"{{N}} IS NOT NULL AND ({{N}} < {lo} OR {{N}} > {hi})"))
    elif col.kind == "bool":
        if typed:
            norm = "{T}"
        else:
            norm = ("(CASE WHEN lower({T}) IN ('true','t','1','yes','y','是','应急') THEN TRUE "
                    "WHEN lower({T}) IN ('false','f','0','no','n','否') THEN FALSE END)")
            checks.append(("not a yes/no value", "{T} IS NOT NULL AND {N} IS NULL"))
    elif col.kind == "enum" and canonical:
        norm = "{T}"  # every value is already a canonical member (checked on the distinct values)
    elif col.kind == "enum":
        mapping = S.enum_map(col.enum or col.name)
        canon = sorted(set(mapping.values()))
        aliases = {k: v for k, v in mapping.items() if k != v}
        whens = " ".join(f"WHEN {quote_str(k)} THEN {quote_str(v)}" for k, v in sorted(aliases.items()))
        norm = (f"(CASE WHEN {{T}} IN ({', '.join(quote_str(v) for v in canon)}) THEN {{T}} "
                f"ELSE (CASE lower({{T}}) {whens.replace('{', '{{').replace('}', '}}')} END) END)")
        checks.append((f"unknown {col.name}", "{T} IS NOT NULL AND {N} IS NULL"))
    else:  # pragma: no cover - schema is static
        raise ValueError(col.kind)
    if col.required:
        checks.insert(0, ("required value missing", "{T} IS NULL"))
    return t, norm, checks


def _fill(expr: str, name: str) -> str:
    return expr.format(T=quote_ident("t__" + name), N=quote_ident("n__" + name), D=quote_ident("d__" + name))


def _d10(name: str) -> str:
    tt = quote_ident("t__" + name)
    s = f"NULLIF(regexp_replace({tt}, '[,¥￥元\\s]', '', 'g'), '')"
    return (f"(CASE WHEN regexp_full_match({s}, '[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)') "
            f"THEN TRY_CAST({s} AS DECIMAL(38,10)) END)")


def _compact(result: Any, table_schema: S.TableSchema | None) -> pa.Table:
    """The query result as an Arrow table, batch by batch, with the repetitive text columns dictionary-encoded.

    Ten million voucher lines take about 3 GB as plain strings; codes, people and enum values repeat, and as
    dictionaries they take a fraction of that. Values are unchanged (DuckDB and Spark see plain strings).
    """
    if isinstance(result, pa.Table):
        batches = result.to_batches()
        schema = result.schema
    else:
        batches, schema = result, result.schema
    repetitive = table_schema.repetitive if table_schema is not None else ()
    dict_cols = [i for i, f in enumerate(schema) if f.name in repetitive and pa.types.is_string(f.type)]
    out = []
    for batch in batches:
        if dict_cols:
            arrays = list(batch.columns)
            for i in dict_cols:
                arrays[i] = pc.dictionary_encode(arrays[i])
            batch = pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)
        out.append(batch)
    if not out:
        return schema.empty_table() if not dict_cols else pa.Table.from_batches([], _dict_schema(schema, dict_cols))
    return pa.Table.from_batches(out)


def _dict_schema(schema: pa.Schema, cols: list[int]) -> pa.Schema:
    for i in cols:
        schema = schema.set(i, pa.field(schema.field(i).name, pa.dictionary(pa.int32(), pa.string())))
    return schema


def normalise(con: duckdb.DuckDBPyConnection, raw: pa.Table | ParquetSource, table_schema: S.TableSchema, fname: str,
              skip_invalid: bool = False, compact: bool = False, into: str | None = None,
              lazy: bool = False) -> tuple[pa.Table | Stored, list[RowError]]:
    """Raw Arrow table (or Parquet file) → typed canonical table. Raises InputError unless ``skip_invalid``.

    ``compact``: repetitive text columns come back dictionary-encoded (same values, less memory); the
    default keeps plain strings for callers that compute on the columns. ``into``: the typed table is
    created inside ``con`` under that name (with ``_row``) and returned as :class:`Stored`; nothing is left
    behind when the input is rejected. ``lazy`` (with ``into``): when every row is valid, ``into`` is a view
    that normalises the raw source as it is read, so no copy of the lines is made at all; a query then pays
    only for the columns it reads. Inputs with skipped rows are stored as a table.
    """
    if isinstance(raw, ParquetSource):
        present = raw.types()
    else:
        present = {n: raw.schema.field(n).type for n in raw.column_names}
    missing = [c.name for c in table_schema.columns if c.required and c.name not in present]
    if missing:
        raise InputError([RowError(fname, None, m, None, "required column missing") for m in missing])
    src = f"{into}__raw" if into and lazy else "_raw"
    if isinstance(raw, ParquetSource):
        con.execute(f"CREATE OR REPLACE TEMP VIEW {quote_ident(src)} AS {raw.view_sql()}")
    else:
        con.register(src, raw)
    keep_source = False
    try:
        fw_cols = _fullwidth_columns(con, present, src)
        if into and lazy:
            # the view normalises on every read: skip the work that cannot change a value of this file
            strings = [n for n, t in present.items() if pa.types.is_string(t) or pa.types.is_large_string(t)]
            canonical = _canonical_enums(con, table_schema, [c.name for c in table_schema.columns
                                                             if c.kind == "enum" and c.name in strings], src)
            # a column of canonical values holds no blank or padded one: only the others are scanned for them
            padded = _padded_columns(con, [n for n in strings if n not in canonical], src)
        else:
            padded, canonical = set(present), set()

        def column_sql(col: S.Column) -> tuple[str, str, list[tuple[str, str]]]:
            return _column_sql(col, present.get(col.name), col.name in fw_cols, col.name in padded,
                               col.name in canonical)

        s1, s2, s3, bad_terms, checks_by_col = [], [], [], [], {}
        for col in table_schema.columns:
            t, norm, checks = column_sql(col)
            name = col.name
            s1.append(f"{t} AS {quote_ident('t__' + name)}")
            s2.append(quote_ident("t__" + name))
            if "{D}" in norm or any("{D}" in c for _, c in checks):
                s2.append(f"{_d10(name)} AS {quote_ident('d__' + name)}")
            n_col = quote_ident("n__" + name)
            if into and not lazy and col.kind == "enum":
                # stored lines keep enumerations as DuckDB ENUMs: one byte a value instead of a string, and
                # rules compare codes; every normalised value is a member (anything else is invalid)
                members = ", ".join(quote_str(v) for v in sorted(S.ENUMS[col.enum or col.name]))
                n_col = f"CAST({n_col} AS ENUM({members}))"
            s3.append(f"{n_col} AS {quote_ident(name)}")
            checks_by_col[name] = [(reason, _fill(cond, name)) for reason, cond in checks]
            bad_terms += [f"COALESCE({cond}, FALSE)" for _, cond in checks_by_col[name]]
        stage1 = f"SELECT _row, {', '.join(s1)} FROM {quote_ident(src)}"
        norms = []
        for col in table_schema.columns:
            _t, norm, _c = column_sql(col)
            norms.append(f"{_fill(norm, col.name)} AS {quote_ident('n__' + col.name)}")
        stage2_inner = f"SELECT _row, {', '.join(s2)} FROM ({stage1}) AS s1"
        stage2 = f"SELECT s2.*, {', '.join(norms)} FROM ({stage2_inner}) AS s2"
        bad = " OR ".join(bad_terms) or "FALSE"
        sql = f"SELECT _row, {', '.join(s3)}, ({bad}) AS _bad FROM ({stage2}) AS s3"
        if into and lazy:
            # one pass checks every row; the lines themselves are not copied
            counts = f"SELECT COUNT(*), COUNT(*) FILTER (WHERE {bad}) FROM ({stage2}) AS s3"
            n_all, n_bad = con.sql(counts).fetchall()[0]
        elif into:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {quote_ident(into)} AS {sql}")
            n_bad = con.sql(f"SELECT COUNT(*) FROM {quote_ident(into)} WHERE _bad").fetchall()[0][0]
        else:
            typed = _compact(con.sql(sql).arrow(), table_schema if compact else None)
            bad_mask = typed.column("_bad")
            n_bad = pc.sum(pc.cast(bad_mask, pa.int64())).as_py() or 0
        errors: list[RowError] = []
        if n_bad:
            parts = []
            for col in table_schema.columns:
                for reason, cond in checks_by_col[col.name]:
                    raw_val = f"CAST(r.{quote_ident(col.name)} AS VARCHAR)" if col.name in present else "NULL"
                    parts.append(f"SELECT s3._row, {quote_str(col.name)} AS col, {raw_val} AS val, "
                                 f"{quote_str(reason)} AS reason FROM ({stage2}) AS s3 "
                                 f"JOIN {quote_ident(src)} AS r ON r._row = s3._row "
                                 f"WHERE COALESCE({cond}, FALSE)")
            detail = con.sql(" UNION ALL ".join(parts) + " ORDER BY _row, col").fetchall()
            seen: set[tuple[int, str]] = set()
            for row, colname, val, reason in detail:
                if (row, colname) in seen:
                    continue
                seen.add((row, colname))
                shown = None if val is None else (val if len(val) <= 200 else val[:200] + "…")
                errors.append(RowError(fname, row, colname, shown, reason))
        columns = [c.name for c in table_schema.columns]
        if into:
            q = quote_ident(into)
            if errors and not skip_invalid:
                con.execute(f"DROP TABLE IF EXISTS {q}")
                raise InputError(errors[:MAX_ERRORS_LISTED], total=len(errors))
            if lazy and not n_bad:
                con.execute(f"CREATE OR REPLACE TEMP VIEW {q} AS SELECT _row, {', '.join(s3)} FROM ({stage2}) AS s3")
                keep_source = True
                return Stored(con, into, n_all, columns, view=True,
                              sources=[(src, raw if not isinstance(raw, ParquetSource) else None)]), errors
            if lazy:
                con.execute(f"CREATE OR REPLACE TEMP TABLE {q} AS {sql}")
            if n_bad:
                con.execute(f"DELETE FROM {q} WHERE _bad")
            con.execute(f"ALTER TABLE {q} DROP COLUMN _bad")
            n = con.sql(f"SELECT COUNT(*) FROM {q}").fetchall()[0][0]
            return Stored(con, into, n, columns), errors
        typed = typed.filter(pc.invert(bad_mask)) if n_bad else typed
        typed = typed.drop_columns(["_bad"])
        if errors and not skip_invalid:
            raise InputError(errors[:MAX_ERRORS_LISTED], total=len(errors))
        return typed, errors
    finally:
        if not keep_source:
            _drop_source(con, src, isinstance(raw, ParquetSource))


def _drop_source(con: duckdb.DuckDBPyConnection, name: str, is_view: bool) -> None:
    if is_view:
        con.execute(f"DROP VIEW IF EXISTS {quote_ident(name)}")
    else:
        con.unregister(name)


def _dedupe(con: duckdb.DuckDBPyConnection, t: pa.Table, key: str, files: pa.Array | None,
            fname: str, skip_invalid: bool) -> tuple[pa.Table, list[RowError]]:
    con.register("_t", t)
    try:
        # the common case, no duplicate, costs one hash aggregate; row numbers are computed only for duplicates
        n_distinct = con.sql(f"SELECT COUNT(DISTINCT {quote_ident(key)}) FROM _t").fetchall()[0][0]
        if n_distinct == t.num_rows:
            return t, []
        dups = con.sql(f"""
            SELECT _idx, _row, {quote_ident(key)}, first_row FROM (
              SELECT row_number() OVER () - 1 AS _idx, _row, {quote_ident(key)},
                     row_number() OVER (PARTITION BY {quote_ident(key)} ORDER BY _ord) AS k,
                     first_value(_row) OVER (PARTITION BY {quote_ident(key)} ORDER BY _ord) AS first_row
              FROM (SELECT *, row_number() OVER () AS _ord FROM _t)
            ) WHERE k > 1 ORDER BY _idx""").fetchall()
    finally:
        con.unregister("_t")
    if not dups:
        return t, []
    errors = []
    for idx, row, val, first in dups:
        f = files[idx].as_py() if files is not None else fname
        errors.append(RowError(f, row, key, str(val), f"duplicate {key} (first at row {first})"))
    if not skip_invalid:
        raise InputError(errors[:MAX_ERRORS_LISTED], total=len(errors))
    drop = {d[0] for d in dups}
    mask = pa.array([i not in drop for i in range(t.num_rows)])
    return t.filter(mask), errors


def _dedupe_stored(con: duckdb.DuckDBPyConnection, t: Stored, key: str, files: list[str],
                   skip_invalid: bool) -> list[RowError]:
    """Duplicate keys in a stored table: the first occurrence (file order, then row) stays, the others are errors."""
    q, k = quote_ident(t.name), quote_ident(key)
    # distinct 64-bit hashes prove distinct keys (an integer hash table instead of one of strings); only
    # when some hash repeats are the keys themselves compared
    n_distinct = con.sql(f"SELECT COUNT(DISTINCT hash({k})) FROM {q}").fetchall()[0][0]
    if n_distinct == t.num_rows:
        return []
    if not con.sql(f"SELECT 1 FROM {q} GROUP BY {k} HAVING COUNT(*) > 1 LIMIT 1").fetchall():
        return []  # a hash collision, no duplicate
    t.materialize()  # rows are numbered (rowid) to be reported and removed
    file_col = "_file" if len(files) > 1 else "0"
    ranked = (f"SELECT rowid AS _rid, {file_col} AS _f, _row, {k} AS _key, "
              f"row_number() OVER (PARTITION BY {k} ORDER BY {file_col}, _row) AS _k, "
              f"first_value(_row) OVER (PARTITION BY {k} ORDER BY {file_col}, _row) AS _first "
              f"FROM {q} WHERE {k} IN (SELECT {k} FROM {q} GROUP BY {k} HAVING COUNT(*) > 1)")
    dups = con.sql(f"SELECT _rid, _f, _row, _key, _first FROM ({ranked}) AS r WHERE _k > 1 "
                   f"ORDER BY _f, _row").fetchall()
    errors = [RowError(files[f], row, key, str(val), f"duplicate {key} (first at row {first})")
              for _rid, f, row, val, first in dups]
    if not skip_invalid:
        t.drop()
        raise InputError(errors[:MAX_ERRORS_LISTED], total=len(errors))
    con.execute(f"DELETE FROM {q} WHERE rowid IN (SELECT _rid FROM ({ranked}) AS r WHERE _k > 1)")
    t.num_rows -= len(dups)
    return errors


def _read_each(paths: list[str | Path], table_schema: S.TableSchema, norm) -> tuple[list, list, list, list, list]:
    """Read and normalise every file (``norm(index, path, raw)``), collecting the errors of all of them."""
    parts, skipped, ignored, names, errors = [], [], [], [], []
    for i, p in enumerate(paths):
        path = Path(p)
        try:
            raw, ign = read_raw(path, table_schema)
            typed, errs = norm(i, path, raw)
        except InputError as exc:
            errors.extend(exc.errors)
            continue
        ignored += ign
        skipped += errs
        parts.append(typed)
        names.append(path.name)
    return parts, skipped, ignored, names, errors


def _load_stored(con: duckdb.DuckDBPyConnection, paths: list[str | Path], table_schema: S.TableSchema,
                 skip_invalid: bool, into: str) -> Loaded:
    single = len(paths) == 1
    parts, skipped, ignored, names, errors = _read_each(paths, table_schema, lambda i, path, raw: normalise(
        con, raw, table_schema, path.name, skip_invalid, into=into if single else f"{into}__part{i}",
        lazy=_typed_source(raw, table_schema)))
    if errors:
        for part in parts:
            part.drop()
        raise InputError(errors[:MAX_ERRORS_LISTED], total=len(errors))
    if single:
        table = parts[0]
    else:
        # several files: one view over them (or one table, if any was stored), each row remembering its file
        q = quote_ident(into)
        if not parts:
            raw = pa.table({"_row": pa.array([], pa.int64()), **{c.name: pa.array([], pa.string())
                                                                 for c in table_schema.columns}})
            empty, _ = normalise(con, raw, table_schema, "", into=f"{into}__part0")
            parts = [empty]
        union = " UNION ALL ".join(f"SELECT *, {i} AS _file FROM {quote_ident(part.name)}"
                                   for i, part in enumerate(parts))
        columns = [c.name for c in table_schema.columns]
        if all(part.view for part in parts):
            con.execute(f"CREATE OR REPLACE TEMP VIEW {q} AS {union}")
            n = sum(part.num_rows for part in parts)
            table = Stored(con, into, n, columns, view=True, parts=parts)
        else:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {q} AS {union}")
            for part in parts:
                part.drop()
            table = Stored(con, into, con.sql(f"SELECT COUNT(*) FROM {q}").fetchall()[0][0], columns)
    if table_schema.unique:
        skipped += _dedupe_stored(con, table, table_schema.unique[0], names or [""], skip_invalid)
    return Loaded(table=table, skipped=skipped, ignored_columns=ignored, files=names)


def _typed_source(raw: pa.Table | ParquetSource, table_schema: S.TableSchema) -> bool:
    """A Parquet file whose dates and numbers are typed: cheap to normalise on every read, so it is not copied."""
    if not isinstance(raw, ParquetSource):
        return False
    columns = {c.name: c for c in table_schema.columns}
    return all(_is_typed(columns[name], t) for name, t in raw.types().items()
               if name in columns and columns[name].kind not in ("text", "enum"))


def load_tables(con: duckdb.DuckDBPyConnection, paths: list[str | Path], table_schema: S.TableSchema,
                skip_invalid: bool = False, into: str | None = None) -> Loaded:
    """Read, normalise and check the files of one table; ``into`` keeps the result inside ``con`` (:class:`Stored`)."""
    if into:
        return _load_stored(con, paths, table_schema, skip_invalid, into)
    parts, skipped, ignored, names, errors = _read_each(paths, table_schema, lambda i, path, raw: normalise(
        con, raw, table_schema, path.name, skip_invalid, compact=True))
    if errors:
        raise InputError(errors[:MAX_ERRORS_LISTED], total=len(errors))
    file_col = [name for name, part in zip(names, parts, strict=True) for _ in range(part.num_rows)] \
        if len(paths) > 1 else []
    table = pa.concat_tables(parts) if parts else _empty(table_schema)
    if table_schema.unique:
        files = pa.array(file_col) if file_col else None
        table, errs = _dedupe(con, table, table_schema.unique[0], files, names[0] if names else "", skip_invalid)
        skipped += errs
    return Loaded(table=table, skipped=skipped, ignored_columns=ignored, files=names)


def _empty(table_schema: S.TableSchema) -> pa.Table:
    con = duckdb.connect()
    raw = pa.table({"_row": pa.array([], pa.int64()), **{c.name: pa.array([], pa.string())
                                                         for c in table_schema.columns}})
    t, _ = normalise(con, raw, table_schema, "")
    return t
