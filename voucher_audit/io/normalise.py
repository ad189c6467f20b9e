"""Normalisation in DuckDB: one query per file types every column and flags the rows that cannot be parsed.

The SQL is generated here and only here (full-width digits, Excel serial dates, Chinese enum values, thousands
separators, the date window and the text length of :class:`~voucher_audit.limits.ReadLimits`); a second query
names row, column, value and reason for the flagged rows only, so a clean 10-million-line Parquet file costs
one pass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from voucher_audit import schema as S
from voucher_audit.errors import InputError, RowError
from voucher_audit.io.raw import ParquetSource
from voucher_audit.io.tables import MAX_ERRORS_LISTED, Stored, _drop_source
from voucher_audit.limits import DEFAULT_LIMITS, ReadLimits, limits_or_default
from voucher_audit.sql import quote_ident, quote_str

SQL_TYPES = {"text": "VARCHAR", "enum": "VARCHAR", "date": "DATE", "decimal": "DECIMAL(18,2)", "int": "BIGINT",
             "bool": "BOOLEAN"}
FULLWIDTH = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
HALFWIDTH = "".join(chr(c) for c in range(0x21, 0x7F)) + " "


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
                canonical: bool = False, limits: ReadLimits = DEFAULT_LIMITS,
                today: dt.date | None = None) -> tuple[str, str, list[tuple[str, str]]]:
    """(stage-1 expression T over the raw column, stage-2 normalised expression over T, [(reason, invalid-if)]).

    Stage 2 and the checks refer to the stage-1 value as {T}, to the normalised value as {N} and, for
    decimals, to the exact parsed number as {D}. ``limits`` bound text length and the dates accepted.
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
        n = limits.max_cell_chars
        checks.append((f"text longer than {n:,} characters (limit max_cell_chars)",
                       f"{{T}} IS NOT NULL AND length({{T}}) > {n}"))
    elif col.kind == "decimal":
        if typed:
            norm = "CAST({T} AS DECIMAL(18,2))"
        else:
            # a number past DECIMAL(18,2) is reported ("number too large"), not a failed cast
            norm = "(CASE WHEN ABS({D}) < 1e16 THEN CAST(ROUND({D}, 2) AS DECIMAL(18,2)) END)"
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
        # a date outside the window is a typing error (2099 for 2019) and would stretch a batch's period
        lo, hi = limits.min_date, limits.max_date(today)
        checks.append((f"date before {lo.isoformat()} (limit min_date)",
                       f"{{N}} IS NOT NULL AND {{N}} < DATE '{lo.isoformat()}'"))
        checks.append((f"date after {hi.isoformat()}, more than {limits.max_days_ahead} days ahead "
                       f"(limit max_days_ahead)", f"{{N}} IS NOT NULL AND {{N}} > DATE '{hi.isoformat()}'"))
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


@dataclass(frozen=True)
class NormSQL:
    """The normalisation of one source as SQL (DuckDB's dialect; Spark runs it transpiled).

    ``stage2``: a SELECT over the source giving ``_row`` (and the ``extra`` columns), the stage-1 values
    ``t__<col>``, parsed decimals ``d__<col>`` and normalised values ``n__<col>``; ``s3``: the output columns
    (``n__<col> AS <col>``); ``bad``: true for a row failing any check; ``checks_by_col``: (reason, condition)
    per column, over ``stage2``'s columns.
    """

    stage2: str
    s3: list[str]
    bad: str
    checks_by_col: dict[str, list[tuple[str, str]]]

    def select(self, extra: tuple[str, ...] = ()) -> str:
        """Every line normalised, with ``_bad``."""
        keep = "".join(f"{quote_ident(c)}, " for c in extra)
        return f"SELECT _row, {keep}{', '.join(self.s3)}, ({self.bad}) AS _bad FROM ({self.stage2}) AS s3"


def normalise_sql(table_schema: S.TableSchema, column_sql, src: str, enums: bool = False,
                  extra: tuple[str, ...] = ()) -> NormSQL:
    """The one normalisation query of ``src`` (``column_sql(col)`` as :func:`_column_sql`); ``enums``: cast
    enumerations to DuckDB ENUMs (stored tables); ``extra``: source columns carried through unchanged."""
    s1, s2, s3, bad_terms, checks_by_col = [], [], [], [], {}
    norms = []
    for col in table_schema.columns:
        t, norm, checks = column_sql(col)
        name = col.name
        s1.append(f"{t} AS {quote_ident('t__' + name)}")
        s2.append(quote_ident("t__" + name))
        if "{D}" in norm or any("{D}" in c for _, c in checks):
            s2.append(f"{_d10(name)} AS {quote_ident('d__' + name)}")
        n_col = quote_ident("n__" + name)
        if enums and col.kind == "enum":
            # stored lines keep enumerations as DuckDB ENUMs: one byte a value instead of a string, and
            # rules compare codes; every normalised value is a member (anything else is invalid)
            members = ", ".join(quote_str(v) for v in sorted(S.ENUMS[col.enum or col.name]))
            n_col = f"CAST({n_col} AS ENUM({members}))"
        s3.append(f"{n_col} AS {quote_ident(name)}")
        checks_by_col[name] = [(reason, _fill(cond, name)) for reason, cond in checks]
        bad_terms += [f"COALESCE({cond}, FALSE)" for _, cond in checks_by_col[name]]
        norms.append(f"{_fill(norm, name)} AS {quote_ident('n__' + name)}")
    keep = "".join(f"{quote_ident(c)}, " for c in extra)
    stage1 = f"SELECT _row, {keep}{', '.join(s1)} FROM {quote_ident(src)}"
    stage2_inner = f"SELECT _row, {keep}{', '.join(s2)} FROM ({stage1}) AS s1"
    stage2 = f"SELECT s2.*, {', '.join(norms)} FROM ({stage2_inner}) AS s2"
    return NormSQL(stage2, s3, " OR ".join(bad_terms) or "FALSE", checks_by_col)


def normalise(con: duckdb.DuckDBPyConnection, raw: pa.Table | ParquetSource, table_schema: S.TableSchema, fname: str,
              skip_invalid: bool = False, compact: bool = False, into: str | None = None,
              lazy: bool = False, limits: ReadLimits | None = None) -> tuple[pa.Table | Stored, list[RowError]]:
    """Raw Arrow table (or Parquet file) → typed canonical table. Raises InputError unless ``skip_invalid``.

    ``compact``: repetitive text columns come back dictionary-encoded (same values, less memory); the
    default keeps plain strings for callers that compute on the columns. ``into``: the typed table is
    created inside ``con`` under that name (with ``_row``) and returned as :class:`Stored`; nothing is left
    behind when the input is rejected. ``lazy`` (with ``into``): when every row is valid, ``into`` is a view
    that normalises the raw source as it is read, so no copy of the lines is made at all; a query then pays
    only for the columns it reads. Inputs with skipped rows are stored as a table. ``limits``: text longer
    than ``max_cell_chars`` and dates outside ``[min_date, today + max_days_ahead]`` are invalid values.
    """
    lim = limits_or_default(limits)
    today = dt.date.today()  # noqa: DTZ011 - the calendar day the window ends from
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
                               col.name in canonical, lim, today)

        ns = normalise_sql(table_schema, column_sql, src, enums=bool(into and not lazy))
        stage2, s3, bad, checks_by_col = ns.stage2, ns.s3, ns.bad, ns.checks_by_col
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

