"""Duplicate keys (``line_id``): the first occurrence stays, every later one is an error naming the first."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from voucher_audit.errors import InputError, RowError
from voucher_audit.io.tables import MAX_ERRORS_LISTED, Stored
from voucher_audit.sql import quote_ident


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
