"""The same rule definitions on Spark give exactly the DuckDB findings and coverage (marker: spark)."""

from __future__ import annotations

import datetime as dt

import pytest
from voucher_audit import io, schema, standards
from voucher_audit.engines import DuckDBEngine, connect
from voucher_audit.runner import run_audit

from tests.engine.conftest import GOLDEN, load_dir

pytestmark = pytest.mark.spark


@pytest.fixture(scope="session")
def spark_engine():
    pytest.importorskip("pyspark")
    from voucher_audit.engines import SparkEngine

    return SparkEngine("local[2]")


def _doc(result):
    return [f.as_dict() for f in result.findings], result.coverage, result.reasons


def _prefixed(table, prefix, columns):
    import pyarrow as pa
    import pyarrow.compute as pc

    for name in columns:
        i = table.column_names.index(name)
        col = table.column(name)
        if pa.types.is_dictionary(col.type):
            col = col.cast(pa.string())
        table = table.set_column(i, name, pc.binary_join_element_wise(prefix, col, ""))
    return table


def test_golden_fixtures_identical_on_spark(spark_engine):
    """All fixtures in one run (line ids and units prefixed by fixture), so Spark starts its jobs once."""
    import pyarrow as pa

    parts, units, fleets = [], [], []
    for d in sorted(p for p in GOLDEN.iterdir() if p.is_dir()):
        lines, u, f = load_dir(d)
        parts.append(_prefixed(lines, d.name + ":", ["line_id", "org_code"]))
        if u is not None:
            units.append(_prefixed(u, d.name + ":", ["org_code"]))
        if f is not None:
            fleets.append(_prefixed(f, d.name + ":", ["org_code"]))
    lines, u, f = pa.concat_tables(parts), pa.concat_tables(units), pa.concat_tables(fleets)
    std = standards.load("central", dt.date(2026, 1, 1))
    a = run_audit(lines, std, DuckDBEngine(), units=u, fleet=f)
    b = run_audit(lines, std, spark_engine, units=u, fleet=f)
    assert len(a.findings) > 60
    assert _doc(b) == _doc(a)


def test_generated_100k_identical_on_spark(spark_engine, tmp_path):
    from benchmarks.generate import generate

    path, units_p, fleet_p = tmp_path / "g.parquet", tmp_path / "u.csv", tmp_path / "f.csv"
    generate(100_000, path, units_p, fleet_p)
    # each engine's command-line path: the lines stored inside DuckDB; read and checked by Spark itself
    from voucher_audit.io import sparkread

    con = connect()
    lines = io.load_tables(con, [path], schema.LINES, into="_lines").table
    units = io.load_tables(con, [units_p], schema.UNITS).table
    fleet = io.load_tables(con, [fleet_p], schema.FLEET).table
    std = standards.load("central", dt.date(2026, 1, 1))
    a = run_audit(lines, std, DuckDBEngine(con), units=units, fleet=fleet)
    spark_lines = sparkread.load_lines(spark_engine.spark, [str(path)]).table
    assert spark_lines.num_rows == lines.num_rows
    b = run_audit(spark_lines, std, spark_engine, units=units, fleet=fleet)
    assert len(a.findings) > 1000  # the planted anomalies are found
    assert _doc(b) == _doc(a)
