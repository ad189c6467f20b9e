"""Voucher lines read, normalised and checked by Spark on its executors (``--engine spark``).

The input is a location Spark reads itself — a local path, ``file://``, ``hdfs://``, ``s3a://`` or any other
Hadoop-compatible URI; a Parquet or CSV file, or a directory of them — so no line passes through the driver.
The normalisation and the checks are the DuckDB path's own SQL (:func:`voucher_audit.io.normalise.normalise_sql`),
transpiled like the rules. Only counts, the first rejected rows (row, column, value, reason) and the duplicate
keys reach the driver. The checked lines stay cached on the executors (memory, then their own local disks)
for the rules.

pyspark is imported only here and in :mod:`voucher_audit.engines`: the DuckDB path does not need it.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from voucher_audit import schema as S
from voucher_audit.errors import InputError, RowError
from voucher_audit.io.normalise import _column_sql, normalise_sql
from voucher_audit.io.tables import MAX_ERRORS_LISTED, Loaded
from voucher_audit.limits import ReadLimits, limits_or_default
from voucher_audit.sql import quote_ident, quote_str, to_dialect

FORMATS = ("parquet", "csv")


@dataclass
class SparkLines:
    """Checked, normalised lines as a Spark DataFrame cached on the executors (canonical columns only)."""

    df: Any
    num_rows: int
    column_names: list[str]
    files: list[str] = field(default_factory=list)
    cached: Any = None  # the DataFrame whose cache holds the lines (``df`` itself when None)

    def drop(self) -> None:
        (self.cached if self.cached is not None else self.df).unpersist()


def spark_sql(spark, sql: str):
    return spark.sql(to_dialect(sql, "spark"))


def _hadoop_path(spark, location: str):
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(location)
    return path, path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())


def uri(location: str) -> str:
    """A location as Spark reads it: a URI stays as it is; a plain path becomes an absolute ``file:`` URI
    (every worker must see the same path: a shared mount)."""
    if "://" in location or location.startswith("file:"):
        return location
    return "file://" + posixpath.abspath(location)


def input_format(spark, location: str, fmt: str | None = None) -> str:
    """``parquet`` or ``csv`` for a file or a directory of files (by the names in it), asked of the location's
    own file system (HDFS, S3, local); a missing location or an unknown kind is an input error."""
    name = posixpath.basename(location.rstrip("/")) or location
    path, fs = _hadoop_path(spark, location)
    if not fs.exists(path):
        raise InputError([RowError(name, None, None, None, "file not found")])
    if fmt:
        return fmt
    directory = fs.getFileStatus(path).isDirectory()
    names = [s.getPath().getName() for s in fs.listStatus(path)] if directory else [path.getName()]
    kinds = {k for n in names if not n.startswith(("_", ".")) for k in [_kind(n)] if k}
    if len(kinds) == 1:
        return kinds.pop()
    if not directory:
        raise InputError([RowError(name, None, None, None, "not a Parquet or CSV file: Spark reads those (XLSX "
                                   "with --engine duckdb; --input-format parquet|csv for other names)")])
    why = "holds both Parquet and CSV files" if kinds else "holds no .parquet or .csv file"
    raise InputError([RowError(name, None, None, None, f"{why} (--input-format parquet|csv chooses)")])


def _kind(name: str) -> str | None:
    low = name.lower()
    if low.endswith((".parquet", ".pq")) or (low.startswith("part-") and ".parquet" in low):
        return "parquet"
    if low.endswith((".csv", ".csv.gz", ".txt")):
        return "csv"
    return None


def _read(spark, location: str, fmt: str, csv_encoding: str):
    """The raw DataFrame, with ``_file`` (path) and ``_row`` (the row number people see: the header is row 1 of
    a CSV file; a Parquet file's first line is row 1, as on the DuckDB path)."""
    from pyspark.sql import functions as F

    if fmt == "parquet":
        df = spark.read.parquet(location)
        return df.select("*", F.col("_metadata.file_path").alias("_file"),
                         (F.col("_metadata.row_index") + 1).cast("bigint").alias("_row"))
    # multiLine: a quoted cell may hold a line break, and each file is read whole by one task, in order;
    # enforceSchema off: every file of a directory must carry the same header (not taken by position)
    df = (spark.read.option("header", True).option("multiLine", True).option("enforceSchema", False)
          .option("inferSchema", False).option("encoding", csv_encoding).option("escape", '"')
          .option("mode", "PERMISSIVE").csv(location))
    df = df.select("*", F.col("_metadata.file_path").alias("_file"), F.monotonically_increasing_id().alias("_id"))
    # a file's rows are in order within its task: the row is its id less the file's first id, plus the header.
    # Only one small row per file reaches the driver.
    firsts = df.groupBy("_file").agg(F.min("_id").alias("_first")).collect()
    starts = _values_df(spark, [(r["_file"], r["_first"]) for r in firsts],
                        [("_file", "VARCHAR"), ("_first", "BIGINT")])
    return (df.join(F.broadcast(starts), "_file")
            .select(*[df[c] for c in df.columns if c != "_id"], (F.col("_id") - F.col("_first") + 2).alias("_row")))


def _values_df(spark, rows: list[tuple], columns: list[tuple[str, str]]):
    """A small table written into the query itself (no file, no upload from the driver's disk)."""
    return spark.sql(values_sql(rows, columns))


SPARK_TYPES = {"VARCHAR": "STRING", "BIGINT": "BIGINT", "DATE": "DATE", "BOOLEAN": "BOOLEAN", "DOUBLE": "DOUBLE"}


def _spark_literal(value: Any, sql_type: str) -> str:
    """One value as a Spark SQL literal of ``sql_type``, built as an expression (quotes and backslashes escaped
    by SQLGlot's Spark generator); no parsing, so thousands of rows render in milliseconds."""
    from sqlglot import exp

    spark_type = SPARK_TYPES.get(sql_type, sql_type)
    if value is None:
        lit = exp.Null()
    elif isinstance(value, bool):
        lit = exp.Boolean(this=value)
    elif isinstance(value, (int, float)):
        lit = exp.Literal.number(value)
    else:
        lit = exp.Literal.string(value.isoformat() if isinstance(value, dt.date) else str(value))
    return f"CAST({lit.sql('spark')} AS {spark_type})"


def values_sql(rows: list[tuple], columns: list[tuple[str, str]]) -> str:
    """``SELECT * FROM VALUES …`` in Spark's dialect; ``columns``: (name, DuckDB-style type)."""
    names = ", ".join(f"`{n}`" for n, _ in columns)
    if not rows:
        nulls = ", ".join(f"CAST(NULL AS {SPARK_TYPES.get(t, t)}) AS `{n}`" for n, t in columns)
        return f"SELECT {nulls} WHERE FALSE"
    body = ", ".join("(" + ", ".join(_spark_literal(v, t) for v, (_, t) in zip(row, columns, strict=True)) + ")"
                     for row in rows)
    return f"SELECT * FROM VALUES {body} AS v({names})"


def _arrow_type(spark_type) -> pa.DataType:
    from pyspark.sql import types as T

    if isinstance(spark_type, T.DateType):
        return pa.date32()
    if isinstance(spark_type, (T.TimestampType, T.TimestampNTZType)):
        return pa.timestamp("us")
    if isinstance(spark_type, T.DecimalType):
        return pa.decimal128(spark_type.precision, spark_type.scale)
    if isinstance(spark_type, (T.LongType, T.IntegerType, T.ShortType, T.ByteType)):
        return pa.int64()
    if isinstance(spark_type, T.BooleanType):
        return pa.bool_()
    if isinstance(spark_type, (T.DoubleType, T.FloatType)):
        return pa.float64()
    return pa.string()


def load_lines(spark, locations: list[str], table_schema: S.TableSchema = S.LINES, skip_invalid: bool = False,
               limits: ReadLimits | None = None, fmt: str | None = None, csv_encoding: str = "UTF-8") -> Loaded:
    """Read, normalise and check the lines at ``locations`` on the cluster → :class:`Loaded` of
    :class:`SparkLines`. Invalid rows (and later duplicates of a ``line_id``) reject the input (an
    :class:`InputError` naming the first :data:`MAX_ERRORS_LISTED` by file, row, column, value and reason),
    or with ``skip_invalid`` are left out and reported."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    lim = limits_or_default(limits)
    today = dt.date.today()  # noqa: DTZ011 - the calendar day the date window ends from
    hmap = S.header_map(table_schema)
    frames, ignored, names = [], [], []
    for location in locations:
        loc = uri(location)
        kind = input_format(spark, loc, fmt)
        df = _read(spark, loc, kind, csv_encoding)
        picked, cols = set(), []
        for c in df.columns:
            if c in ("_file", "_row"):
                continue
            canonical = hmap.get(S.header_key(c.lstrip("\ufeff")))
            if canonical is None or canonical in picked:
                ignored.append(c)
                continue
            picked.add(canonical)
            cols.append(F.col(f"`{c}`").alias(canonical))
        frames.append(df.select(*cols, "_file", "_row"))
        names.append(posixpath.basename(loc.rstrip("/")))
    present_sets = [{f.name: _arrow_type(f.dataType) for f in fr.schema.fields if f.name not in ("_file", "_row")}
                    for fr in frames]
    missing = sorted({c.name for c in table_schema.columns if c.required
                      for p in present_sets if c.name not in p})
    if missing:
        raise InputError([RowError(", ".join(names), None, m, None, "required column missing") for m in missing])
    # one frame of every file: a column some location lacks is NULL there (a text column)
    present: dict[str, pa.DataType] = {}
    for p in present_sets:
        for name, t in p.items():
            present[name] = t if present.get(name, t) == t else pa.string()
    aligned = []
    for fr, p in zip(frames, present_sets, strict=True):
        aligned.append(fr.select(*[(F.col(n) if n in p and p[n] == present[n] else
                                    (F.col(n).cast("string") if n in p else F.lit(None).cast("string"))).alias(n)
                                   for n in present], "_file", "_row"))
    raw = aligned[0]
    for fr in aligned[1:]:
        raw = raw.unionByName(fr)
    raw_cols = [c for c in present]
    # the raw value of each column rides along as r__<col>, for the report of a rejected row
    raw = raw.select("*", *[F.col(c).cast("string").alias("r__" + c) for c in raw_cols])
    raw.createOrReplaceTempView("_raw_lines")
    ns = normalise_sql(table_schema, lambda col: _column_sql(col, present.get(col.name), True, True, False, lim,
                                                             today),
                       "_raw_lines", extra=("_file", *("r__" + c for c in raw_cols)))
    typed = spark_sql(spark, ns.select(extra=("_file",))).persist(StorageLevel.MEMORY_AND_DISK)
    counts = typed.agg(F.count(F.lit(1)).alias("n"), F.sum(F.col("_bad").cast("bigint")).alias("bad")).collect()[0]
    n_all, n_bad = int(counts["n"]), int(counts["bad"] or 0)
    skipped: list[RowError] = []
    if n_bad:
        skipped = _row_errors(spark, ns, table_schema, raw_cols)
        if not skip_invalid:
            typed.unpersist()
            raise InputError(skipped[0][:MAX_ERRORS_LISTED], total=skipped[1])
        skipped = skipped[0]
    columns = [c.name for c in table_schema.columns]
    good = typed.where(~F.col("_bad")).select(*columns, "_file", "_row") if n_bad else typed
    dup_errors: list[RowError] = []
    if table_schema.unique:
        good, dup_errors = _dedupe(spark, good, table_schema.unique[0], skip_invalid)
        skipped += dup_errors
    spark.catalog.dropTempView("_raw_lines")
    if not n_bad and not dup_errors:
        # the common case: the checked lines are the cached rows themselves (no second copy)
        return Loaded(table=SparkLines(typed.select(*columns), n_all, columns, names, cached=typed),
                      skipped=skipped, ignored_columns=ignored, files=names)
    lines = good.select(*columns).persist(StorageLevel.MEMORY_AND_DISK)
    n = lines.count()
    typed.unpersist()
    return Loaded(table=SparkLines(lines, n, columns, names), skipped=skipped, ignored_columns=ignored, files=names)


def _basename(path: str) -> str:
    from urllib.parse import unquote

    return unquote(posixpath.basename(path))  # Spark gives the file as a URI (a space is %20)


def _row_errors(spark, ns, table_schema: S.TableSchema, raw_cols: list[str]) -> tuple[list[RowError], int]:
    """The rejected rows' problems, one per row and column (the first failing check), as the DuckDB path
    reports them: counted on the cluster, the first ones (by file and row) fetched."""
    parts, k = [], 0
    for col in table_schema.columns:
        val = f"s3.{quote_ident('r__' + col.name)}" if col.name in raw_cols else "CAST(NULL AS VARCHAR)"
        for reason, cond in ns.checks_by_col[col.name]:
            parts.append(f"SELECT s3._file AS f, s3._row AS r, {quote_str(col.name)} AS c, {val} AS v, "
                         f"{k} AS k, {quote_str(reason)} AS reason FROM ({ns.stage2}) AS s3 "
                         f"WHERE COALESCE({cond}, FALSE)")
            k += 1
    firsts = (f"SELECT f, r, c, min_by(v, k) AS v, min_by(reason, k) AS reason FROM ({' UNION ALL '.join(parts)}) "
              "AS e GROUP BY f, r, c")
    spark_sql(spark, firsts).createOrReplaceTempView("_row_errors")
    try:
        total = spark.sql("SELECT COUNT(*) AS n FROM _row_errors").collect()[0]["n"]
        rows = spark.sql(f"SELECT f, r, c, v, reason FROM _row_errors ORDER BY f, r, c "
                         f"LIMIT {MAX_ERRORS_LISTED}").collect()
    finally:
        spark.catalog.dropTempView("_row_errors")
    errors = []
    for r in rows:
        v = r["v"]
        shown = None if v is None else (v if len(v) <= 200 else v[:200] + "…")
        errors.append(RowError(_basename(r["f"]), int(r["r"]), r["c"], shown, r["reason"]))
    return errors, int(total)


def _dedupe(spark, good, key: str, skip_invalid: bool):
    """Later occurrences of a key (by file, then row) are errors naming the first; the keys are grouped on the
    cluster and only duplicated ones are ranked."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    dup_keys = good.groupBy(key).count().where(F.col("count") > 1).select(key)
    if not dup_keys.limit(1).collect():
        return good, []
    w = Window.partitionBy(key).orderBy("_file", "_row")
    ranked = (good.join(F.broadcast(dup_keys), key).select(key, "_file", "_row")
              .withColumn("_k", F.row_number().over(w)).withColumn("_first", F.first("_row").over(w))
              .where(F.col("_k") > 1))
    total = ranked.count()
    rows = ranked.orderBy("_file", "_row").limit(MAX_ERRORS_LISTED).collect()
    errors = [RowError(_basename(r["_file"]), int(r["_row"]), key, str(r[key]),
                       f"duplicate {key} (first at row {r['_first']})") for r in rows]
    if not skip_invalid:
        raise InputError(errors, total=total)
    return good.join(ranked.select("_file", "_row"), ["_file", "_row"], "left_anti"), errors
