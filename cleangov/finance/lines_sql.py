"""Voucher lines in and out of the database by raw SQL: ``COPY`` on PostgreSQL, one prepared
statement on SQLite. The ORM's per-row model instances cost more than the database work itself at a
million lines, so the import's write and the audit's read go through here."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection

from . import engine as E
from .choices import ImportBatchStatusChoices
from .models import ImportBatch, VoucherLine

INSERT_CHUNK = 5000


def plain(col):
    """Dictionary-encoded Arrow columns (DuckDB returns some) as plain ones, for the compute kernels."""
    import pyarrow as pa

    if pa.types.is_dictionary(col.type):
        return col.cast(col.type.value_type)
    return col


def chunks(items: list, n: int):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def insert_lines(batch: ImportBatch, table, unit_ids: dict[str, int],
                 progress: Callable[[int], None] | None = None) -> int:
    """Insert the typed Arrow lines without building a model instance per line (the ORM's
    ``bulk_create`` costs more than the insert itself): values are rendered as text by Arrow, then
    PostgreSQL takes them through ``COPY … FROM STDIN (FORMAT csv)`` and SQLite through one prepared
    ``INSERT`` run by ``executemany``. Inside the caller's transaction."""
    import pyarrow as pa
    import pyarrow.compute as pc

    fields = ["batch_id", "unit_id", "row_no", *E.LINE_FIELDS]
    present = set(table.column_names)
    text_cols = [c for c in E.LINE_FIELDS if pa.types.is_string(E.LINE_SCHEMA.field(c).type)]
    codes = plain(table.column("org_code"))
    unit_col = pc.cast(pc.index_in(codes, value_set=pa.array(list(unit_ids), pa.string())), pa.int64())
    unit_col = pc.take(pa.array(list(unit_ids.values()), pa.int64()), unit_col)
    n = table.num_rows

    def column(name: str):
        if name == "batch_id":
            return pa.array([batch.pk] * n, pa.int64())
        if name == "unit_id":
            return unit_col
        if name == "row_no":
            return table.column("_row")
        if name not in present:
            return pa.nulls(n, pa.string()) if name not in text_cols else pa.array([""] * n, pa.string())
        col = plain(table.column(name))
        if name in text_cols:
            return pc.fill_null(col, "")
        if pa.types.is_boolean(col.type):
            return pc.cast(col, pa.int8())
        return pc.cast(col, pa.string())  # dates as ISO, decimals as exact text

    table_name = connection.ops.quote_name(VoucherLine._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(f) for f in fields)
    full = [column(f) for f in fields]  # converted once, sliced per chunk
    with connection.cursor() as cursor:
        for start in range(0, n, INSERT_CHUNK):
            size = min(INSERT_CHUNK, n - start)
            arrays = [a.slice(start, size) for a in full]
            if connection.vendor == "postgresql":
                _copy_rows(cursor, table_name, cols, fields, arrays, text_cols)
            else:
                marks = ", ".join(["%s"] * len(fields))
                sql = f"INSERT INTO {table_name} ({cols}) VALUES ({marks})"  # noqa: S608 - model names, bound values
                cursor.executemany(sql, list(zip(*[a.to_pylist() for a in arrays], strict=True)))
            if progress:
                progress(size)
    return n


def _copy_rows(cursor, table_name: str, cols: str, fields: list[str], arrays, text_cols: list[str]) -> None:
    import io

    import pyarrow as pa
    import pyarrow.csv as pacsv

    block = pa.table({f: a if not pa.types.is_integer(a.type) else a.cast(pa.string()) for f, a in
                      zip(fields, arrays, strict=True)})
    buf = io.BytesIO()
    pacsv.write_csv(block, buf, write_options=pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    # Unquoted empty fields are NULL in CSV COPY; text columns are NOT NULL and blank means "".
    force = ", ".join(connection.ops.quote_name(c) for c in text_cols)
    sql = f"COPY {table_name} ({cols}) FROM STDIN (FORMAT csv, FORCE_NOT_NULL ({force}))"
    with cursor.cursor.copy(sql) as copy:
        copy.write(buf.getvalue())



def select_sql(unit_ids: list[int]) -> tuple[str, list]:
    """The active lines of some units, every value as text or integer so Arrow does the typing
    (the same SQL on SQLite and PostgreSQL)."""
    import pyarrow as pa

    q = connection.ops.quote_name
    cols = ["l.id", "l.unit_id"]
    for c in E.LINE_FIELDS:
        typ = E.LINE_SCHEMA.field(c).type
        if pa.types.is_boolean(typ):
            cols.append(f"CAST(l.{q(c)} AS INTEGER)")
        elif pa.types.is_string(typ) or pa.types.is_integer(typ):
            cols.append(f"l.{q(c)}")
        else:
            cols.append(f"CAST(l.{q(c)} AS TEXT)")
    marks = ", ".join(["%s"] * len(unit_ids))
    sql = (f"SELECT {', '.join(cols)} FROM {q(VoucherLine._meta.db_table)} l "  # noqa: S608 - model names
           f"JOIN {q(ImportBatch._meta.db_table)} b ON b.id = l.batch_id "
           f"WHERE b.status = %s AND l.unit_id IN ({marks})")
    return sql, [ImportBatchStatusChoices.ACTIVE, *unit_ids]


def copy_out(unit_ids: list[int], names: list[str]) -> dict[str, list]:
    """PostgreSQL: the same SELECT through ``COPY … TO STDOUT (FORMAT csv)`` parsed by Arrow's C++ CSV
    reader, several times faster than fetching a million rows as Python tuples. COPY takes no bind
    parameters: the values inlined here are integers and a constant."""
    import io

    import pyarrow as pa
    import pyarrow.csv as pacsv

    buf = io.BytesIO()
    with connection.cursor() as cursor:
        for chunk in chunks(unit_ids, 500):
            sql, params = select_sql(chunk)
            inline = sql.replace("%s", "{}").format("'" + ImportBatchStatusChoices.ACTIVE.value + "'",
                                                    *[int(p) for p in params[1:]])
            with cursor.cursor.copy(f"COPY ({inline}) TO STDOUT (FORMAT csv)") as copy:
                for block in copy:
                    buf.write(block)
    if not buf.tell():
        return {n: [] for n in names}
    buf.seek(0)
    text_like = {n: pa.string() for n in names}
    text_like["id"] = text_like["unit_id"] = pa.int64()
    table = pacsv.read_csv(buf, read_options=pacsv.ReadOptions(column_names=names, block_size=64 << 20),
                           parse_options=pacsv.ParseOptions(newlines_in_values=True),
                           convert_options=pacsv.ConvertOptions(column_types=text_like, strings_can_be_null=True,
                                                                quoted_strings_can_be_null=False))
    out = {}
    for n in names:
        col = table.column(n)
        typ = E.LINE_SCHEMA.field(n).type if n in E.LINE_FIELDS else pa.int64()
        if pa.types.is_integer(typ) or pa.types.is_boolean(typ):
            col = col.cast(pa.int64())
        out[n] = col.combine_chunks()
    return out

