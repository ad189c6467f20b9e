"""Execution back ends. Both run the same SQL (see :mod:`voucher_audit.sql`); neither knows any rule."""

from __future__ import annotations

import os
from typing import Any

import duckdb
import pyarrow as pa

from voucher_audit.io import Stored
from voucher_audit.sql import quote_ident, quote_str, to_dialect


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    return table.to_pylist()


class DuckDBEngine:
    name = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection | None = None, threads: int | None = None):
        self.con = con or connect()
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        # no query result here depends on row order (findings are sorted in Python): let DuckDB stream
        self.con.execute("SET preserve_insertion_order = false")
        self._tables: dict[str, pa.Table] = {}
        self._views: list[str] = []

    def register(self, name: str, table: pa.Table | Stored) -> None:
        if isinstance(table, Stored):
            if table.con is self.con:
                # the lines stay in DuckDB's own storage: the rules read them through a view
                self.view(name, table.select_sql())
                self._views.append(name)
                return
            table = table.to_arrow()
        self._tables[name] = table  # keep a reference: DuckDB scans the Arrow memory in place
        self.con.register(name, table)

    def view(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {quote_ident(name)} AS {sql}")

    def materialize(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {quote_ident(name)} AS {sql}")

    def drop(self, name: str) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {quote_ident(name)}")

    def query_arrow(self, sql: str) -> pa.Table:
        t = self.con.sql(sql).arrow()
        if hasattr(t, "read_all"):
            t = t.read_all()
        return t

    def query(self, sql: str) -> list[dict[str, Any]]:
        res = self.con.sql(sql)
        if res is None:
            return []
        t = res.arrow()
        if hasattr(t, "read_all"):
            t = t.read_all()
        return _rows(t)

    def close(self) -> None:
        for name in self._tables:
            self.con.unregister(name)
        self._tables.clear()
        for name in self._views:
            self.con.execute(f"DROP VIEW IF EXISTS {quote_ident(name)}")
        self._views.clear()


DEFAULT_MEMORY_LIMIT = "2GB"


def connect(memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection for an audit: bounded memory, spilling to a temporary directory beyond it.

    ``memory_limit`` (else ``VOUCHER_AUDIT_MEMORY_LIMIT``, else 2 GB) caps DuckDB's buffer pool: stored lines
    and every operator's working memory (DuckDB's own default is 80 % of the machine). With the findings
    held in Python this keeps a ten-million-line audit under 4 GB; a larger limit is faster when memory is
    plentiful. Order-free execution (``preserve_insertion_order = false``) lets every core write results;
    rows keep their ``_row``.
    """
    con = duckdb.connect()
    limit = memory_limit or os.environ.get("VOUCHER_AUDIT_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT
    con.execute(f"SET memory_limit = {quote_str(limit)}")
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SET threads = {engine_threads()}")
    return con


def engine_threads() -> int:
    """One engine thread more than there are cores. An audit's own Python thread (building findings) and the
    engine's waits leave a core idle otherwise: on 2 cores a 10 M-line audit took a median 22.6 s with 3
    threads against 23.6 s with 2 (three runs each, side by side)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores + 1


_SPARK = None

SMALL_TABLE_ROWS = 20_000  # lookup tables up to this size travel inside the query text


def spark_session(master: str | None = None, conf: dict[str, str] | None = None):
    """One SparkSession per process (tests share it); ``master`` like local[2] or spark://host:7077; ``conf``:
    further Spark settings (``spark.executor.memory``, ``spark.sql.shuffle.partitions``, ``spark.hadoop.fs.s3a.*``).

    Only the JVM runs on the executors: the engine sends SQL, never Python code, so a worker needs Java and
    Spark's own jars, not this package or Python."""
    global _SPARK
    if _SPARK is None:
        from pyspark.sql import SparkSession

        master = master or os.environ.get("VOUCHER_AUDIT_SPARK_MASTER", "local[2]")
        builder = (SparkSession.builder.master(master).appName("voucher_audit")
                   .config("spark.ui.enabled", "false")
                   .config("spark.ui.showConsoleProgress", "false")
                   .config("spark.sql.session.timeZone", "UTC")
                   .config("spark.sql.shuffle.partitions", "4")
                   .config("spark.sql.ansi.enabled", "true")
                   .config("spark.driver.memory", os.environ.get("VOUCHER_AUDIT_SPARK_MEMORY", "2g"))
                   .config("spark.sql.execution.arrow.pyspark.enabled", "true"))
        for key, value in (conf or {}).items():
            builder = builder.config(key, value)
        _SPARK = builder.getOrCreate()
        _SPARK.sparkContext.setLogLevel("ERROR")
    return _SPARK


def _spark_type(t: pa.DataType) -> str:
    if pa.types.is_dictionary(t):
        t = t.value_type
    if pa.types.is_decimal(t):
        return f"DECIMAL({t.precision},{t.scale})"
    if pa.types.is_date(t):
        return "DATE"
    if pa.types.is_boolean(t):
        return "BOOLEAN"
    if pa.types.is_integer(t):
        return "BIGINT"
    if pa.types.is_floating(t):
        return "DOUBLE"
    return "VARCHAR"


class SparkEngine:
    name = "spark"

    def __init__(self, master: str | None = None, conf: dict[str, str] | None = None):
        self.spark = spark_session(master, conf)
        self._cached: list[Any] = []

    def register(self, name: str, table: pa.Table | Stored) -> None:
        from voucher_audit.io.sparkread import SparkLines, values_sql
        if isinstance(table, SparkLines):  # read and checked by the executors: already on the cluster
            table.df.createOrReplaceTempView(name)
            return
        if isinstance(table, Stored):
            table = table.to_arrow()
        if table.num_rows <= SMALL_TABLE_ROWS:
            # written into the query text: no file on the driver's disk for anyone to read
            columns = [(f.name, _spark_type(f.type)) for f in table.schema]
            rows = list(zip(*(table.column(i).to_pylist() for i in range(table.num_columns)), strict=True))
            df = self.spark.sql(values_sql(rows, columns))
        else:
            # lines handed over in memory (tests, local mode); the command line lets Spark read the input itself
            df = self.spark.createDataFrame(table)
        df.createOrReplaceTempView(name)

    def view(self, name: str, sql: str) -> None:
        self.spark.sql(to_dialect(sql, "spark")).createOrReplaceTempView(name)

    def materialize(self, name: str, sql: str) -> None:
        self.spark.sql(to_dialect(sql, "spark")).cache().createOrReplaceTempView(name)

    def drop(self, name: str) -> None:
        self.spark.catalog.uncacheTable(name)
        self.spark.catalog.dropTempView(name)

    def query_arrow(self, sql: str) -> pa.Table:
        return self.spark.sql(to_dialect(sql, "spark")).toArrow()

    def query(self, sql: str) -> list[dict[str, Any]]:
        return _rows(self.query_arrow(sql))

    def close(self) -> None:
        for name in [t.name for t in self.spark.catalog.listTables() if t.isTemporary]:
            self.spark.catalog.dropTempView(name)


def make_engine(name: str, master: str | None = None, con: duckdb.DuckDBPyConnection | None = None,
                conf: dict[str, str] | None = None):
    """``con``: the DuckDB connection holding stored lines (:class:`~voucher_audit.io.Stored`), read in place."""
    if name == "duckdb":
        return DuckDBEngine(con)
    if name == "spark":
        return SparkEngine(master, conf)
    raise ValueError(f"unknown engine '{name}' (duckdb or spark)")
