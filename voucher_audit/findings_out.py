"""Findings as Parquet, partitioned by rule: ``<location>/rule=<rule id>/part-00000.parquet`` (``--findings-out``).

The layout Spark, DuckDB (``read_parquet('…/*/*.parquet', hive_partitioning = true)``) and pandas read as one
table with a ``rule`` column. Columns: ``severity``, ``line_ids`` (list of text), ``org_code``,
``amount_at_stake`` (DECIMAL(18,2)), ``message_zh``, ``message_en``, ``source``. A ``_SUCCESS`` file is written
last, as Spark's own writers do, so a reader can tell a finished set from one being written.

A location with a scheme (``hdfs://``, ``s3a://``, …) is written through the Spark session's Hadoop file
system (its configuration, credentials and jars) whenever the audit ran on Spark (a plain path is then a
``file:`` path on the driver); after a DuckDB audit a plain path or ``file://`` is written directly.
"""

from __future__ import annotations

import io as _io
import os
from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from voucher_audit.rules._base import Finding

SCHEMA = pa.schema([
    ("severity", pa.string()), ("line_ids", pa.list_(pa.string())), ("org_code", pa.string()),
    ("amount_at_stake", pa.decimal128(18, 2)), ("message_zh", pa.string()), ("message_en", pa.string()),
    ("source", pa.string()),
])
CHUNK = 8 << 20  # bytes handed to the JVM per call


def findings_tables(findings: list[Finding]) -> dict[str, pa.Table]:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_rule[f.rule].append(f)
    out = {}
    for rule, fs in by_rule.items():
        out[rule] = pa.table([
            pa.array([f.severity for f in fs], pa.string()),
            pa.array([list(f.line_ids) for f in fs], pa.list_(pa.string())),
            pa.array([f.org_code for f in fs], pa.string()),
            pa.array([f.amount_at_stake for f in fs], pa.decimal128(18, 2)),
            pa.array([f.zh for f in fs], pa.string()), pa.array([f.en for f in fs], pa.string()),
            pa.array([f.source for f in fs], pa.string()),
        ], schema=SCHEMA)
    return out


def _local(location: str) -> Path | None:
    if location.startswith("file://"):
        return Path(location[len("file://"):])
    if location.startswith("file:"):
        return Path(location[len("file:"):])
    return None if "://" in location else Path(location)


def write_findings(findings: list[Finding], location: str, spark=None) -> int:
    """Write the findings under ``location`` (replacing what was there); returns the number of files."""
    tables = findings_tables(findings)
    local = _local(location) if spark is None else None
    if local is None and spark is None:
        raise ValueError(f"{location}: a URI with a scheme is written through Spark (--engine spark)")
    files = {}
    for rule, table in sorted(tables.items()):
        buf = _io.BytesIO()
        pq.write_table(table, buf)
        files[f"rule={rule}/part-00000.parquet"] = buf.getvalue()
    files["_SUCCESS"] = b""
    if local is not None:
        import shutil

        if local.exists():
            shutil.rmtree(local)
        for name, data in files.items():
            target = local / name
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name("." + target.name + ".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, target)
        return len(files)
    from voucher_audit.io.sparkread import uri

    location = uri(location)
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    root = jvm.org.apache.hadoop.fs.Path(location)
    fs = root.getFileSystem(conf)
    if fs.exists(root):
        fs.delete(root, True)
    for name, data in files.items():
        out = fs.create(jvm.org.apache.hadoop.fs.Path(root, name), True)
        try:
            for i in range(0, len(data), CHUNK):
                out.write(bytearray(data[i:i + CHUNK]))
        finally:
            out.close()
    return len(files)
