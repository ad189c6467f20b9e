"""Loading the files of one table: read each, normalise, put them together, drop duplicate keys."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from voucher_audit import schema as S
from voucher_audit.errors import InputError
from voucher_audit.io.dedup import _dedupe, _dedupe_stored
from voucher_audit.io.normalise import _is_typed, normalise
from voucher_audit.io.raw import ParquetSource, read_raw
from voucher_audit.io.tables import MAX_ERRORS_LISTED, Loaded, Stored
from voucher_audit.limits import ReadError, ReadLimits
from voucher_audit.sql import quote_ident


def _read_each(paths: list[str | Path], table_schema: S.TableSchema, norm,
               limits: ReadLimits | None = None) -> tuple[list, list, list, list, list]:
    """Read and normalise every file (``norm(index, path, raw)``), collecting the rejections of all of them."""
    parts, skipped, ignored, names, errors = [], [], [], [], []
    for i, p in enumerate(paths):
        path = Path(p)
        try:
            raw, ign = read_raw(path, table_schema, limits)
            typed, errs = norm(i, path, raw)
        except InputError as exc:
            errors.append(exc)
            continue
        ignored += ign
        skipped += errs
        parts.append(typed)
        names.append(path.name)
    return parts, skipped, ignored, names, errors


def _reject(failures: list[InputError]) -> None:
    """Raise the files' rejections as one; a single file refused whole (a limit, an encoding) keeps its
    :class:`~voucher_audit.limits.ReadError`, whose sentence callers show in the user's language."""
    if len(failures) == 1 and isinstance(failures[0], ReadError):
        raise failures[0]
    errors = [e for exc in failures for e in exc.errors]
    raise InputError(errors[:MAX_ERRORS_LISTED], total=len(errors))


def _load_stored(con: duckdb.DuckDBPyConnection, paths: list[str | Path], table_schema: S.TableSchema,
                 skip_invalid: bool, into: str, limits: ReadLimits | None = None) -> Loaded:
    single = len(paths) == 1
    parts, skipped, ignored, names, errors = _read_each(paths, table_schema, lambda i, path, raw: normalise(
        con, raw, table_schema, path.name, skip_invalid, into=into if single else f"{into}__part{i}",
        lazy=_typed_source(raw, table_schema), limits=limits), limits)
    if errors:
        for part in parts:
            part.drop()
        _reject(errors)
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
                skip_invalid: bool = False, into: str | None = None, limits: ReadLimits | None = None) -> Loaded:
    """Read, normalise and check the files of one table; ``into`` keeps the result inside ``con`` (:class:`Stored`).

    ``limits`` (default :data:`~voucher_audit.limits.DEFAULT_LIMITS`) bound what each file may hold; a file
    over one is an input error naming the limit, like any other.
    """
    if into:
        return _load_stored(con, paths, table_schema, skip_invalid, into, limits)
    parts, skipped, ignored, names, errors = _read_each(paths, table_schema, lambda i, path, raw: normalise(
        con, raw, table_schema, path.name, skip_invalid, compact=True, limits=limits), limits)
    if errors:
        _reject(errors)
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
