"""Lines stored inside DuckDB (the CLI's path): a typed Parquet file is read through a normalising view, not
copied; skipped rows and duplicates turn it into a table; the findings equal those of the Arrow path."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from voucher_audit import io, schema, standards
from voucher_audit.engines import DuckDBEngine, connect
from voucher_audit.runner import run_audit


def _parquet(path, rows):
    cols = ["line_id", "org_code", "voucher_no", "voucher_date", "category", "amount", "payee"]
    t = pa.table({
        "line_id": [r[0] for r in rows], "org_code": ["U1"] * len(rows),
        "voucher_no": [f"记-2025-{i + 1:04d}" for i in range(len(rows))],
        "voucher_date": pa.array([dt.date(2025, 3, 10)] * len(rows), pa.date32()),
        "category": [r[1] for r in rows],
        "amount": pa.array([r[2] for r in rows], pa.decimal128(18, 2)), "payee": ["甲"] * len(rows),
    })
    pq.write_table(t.select(cols), path)
    return path


def _objects(con):
    tables = con.sql("SELECT table_name FROM duckdb_tables()").fetchall()
    views = con.sql("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
    return sorted(t[0] for t in tables + views)


def test_typed_parquet_is_a_view_and_leaves_nothing_after_drop(tmp_path):
    from decimal import Decimal

    p = _parquet(tmp_path / "a.parquet", [("A1", "office", Decimal("10.00")), ("A2", "住宿费", Decimal("5.50"))])
    con = duckdb.connect()
    stored = io.load_tables(con, [p], schema.LINES, into="_t").table
    assert stored.view and stored.num_rows == 2
    rows = {r["line_id"]: r for r in stored.to_arrow().to_pylist()}
    assert rows["A2"]["category"] == "travel_lodging"  # normalised as it is read
    assert rows["A1"]["amount"] == Decimal("10.00")
    stored.drop()
    assert _objects(con) == []


def test_invalid_parquet_row_is_reported_and_skipped_into_a_table(tmp_path):
    from decimal import Decimal

    p = _parquet(tmp_path / "a.parquet", [("A1", "office", Decimal("10.00")), ("A2", "飞船", Decimal("1.00"))])
    con = duckdb.connect()
    with pytest.raises(io.InputError) as exc:
        io.load_tables(con, [p], schema.LINES, into="_t")
    assert [(e.row, e.column, e.value) for e in exc.value.errors] == [(2, "category", "飞船")]
    assert _objects(con) == []
    loaded = io.load_tables(con, [p], schema.LINES, skip_invalid=True, into="_t")
    assert not loaded.table.view
    assert loaded.table.to_arrow().column("line_id").to_pylist() == ["A1"]
    assert [e.row for e in loaded.skipped] == [2]


def test_duplicates_across_parquet_files(tmp_path):
    from decimal import Decimal

    a = _parquet(tmp_path / "a.parquet", [("A1", "office", Decimal("1.00")), ("A2", "office", Decimal("2.00"))])
    b = _parquet(tmp_path / "b.parquet", [("B1", "office", Decimal("3.00")), ("A2", "office", Decimal("4.00"))])
    con = duckdb.connect()
    with pytest.raises(io.InputError) as exc:
        io.load_tables(con, [a, b], schema.LINES, into="_t")
    assert [(e.file, e.row, e.value) for e in exc.value.errors] == [("b.parquet", 2, "A2")]
    assert _objects(con) == []
    loaded = io.load_tables(con, [a, b], schema.LINES, skip_invalid=True, into="_t")
    rows = loaded.table.to_arrow().to_pylist()
    assert sorted(r["line_id"] for r in rows) == ["A1", "A2", "B1"]
    assert next(r["amount"] for r in rows if r["line_id"] == "A2") == Decimal("2.00")


def test_two_clean_parquet_files_are_one_view(tmp_path):
    from decimal import Decimal

    a = _parquet(tmp_path / "a.parquet", [("A1", "office", Decimal("1.00"))])
    b = _parquet(tmp_path / "b.parquet", [("B1", "office", Decimal("3.00"))])
    con = duckdb.connect()
    stored = io.load_tables(con, [a, b], schema.LINES, into="_t").table
    assert stored.view and stored.num_rows == 2
    stored.drop()
    assert _objects(con) == []


def test_stored_view_and_arrow_paths_give_the_same_audit(tmp_path):
    from benchmarks.generate import generate

    path, units_p, fleet_p = tmp_path / "g.parquet", tmp_path / "u.csv", tmp_path / "f.csv"
    generate(30_000, path, units_p, fleet_p)
    std = standards.load("central", dt.date(2026, 1, 1))
    con = duckdb.connect()
    units = io.load_tables(con, [units_p], schema.UNITS).table
    fleet = io.load_tables(con, [fleet_p], schema.FLEET).table
    arrow = run_audit(io.load_tables(con, [path], schema.LINES).table, std, DuckDBEngine(), units=units, fleet=fleet)
    scon = connect("1GB")
    stored = io.load_tables(scon, [path], schema.LINES, into="_lines").table
    assert stored.view
    viewed = run_audit(stored, std, DuckDBEngine(scon), units=units, fleet=fleet)
    assert len(arrow.findings) > 500
    assert [f.as_dict() for f in viewed.findings] == [f.as_dict() for f in arrow.findings]
    assert viewed.coverage == arrow.coverage


def test_view_still_trims_blanks_and_maps_aliases_where_a_file_needs_it(tmp_path):
    from decimal import Decimal

    p = tmp_path / "a.parquet"
    pq.write_table(pa.table({
        "line_id": ["A1", "A2", "A3"], "org_code": ["U1", "U1", "U1"], "voucher_no": ["V1", "V2", "V3"],
        "voucher_date": pa.array([dt.date(2025, 3, 10)] * 3, pa.date32()),
        "category": ["office ", "住宿费", "reception"], "amount": pa.array([Decimal("1.00")] * 3, pa.decimal128(18, 2)),
        "payee": [" 甲 ", "", "乙"], "handler": ["张三", "张三", "张三"],
    }), p)
    con = duckdb.connect()
    stored = io.load_tables(con, [p], schema.LINES, into="_t").table
    assert stored.view
    rows = {r["line_id"]: r for r in stored.to_arrow().to_pylist()}
    assert [rows[k]["payee"] for k in ("A1", "A2", "A3")] == ["甲", None, "乙"]
    assert [rows[k]["category"] for k in ("A1", "A2", "A3")] == ["office", "travel_lodging", "reception"]
    assert rows["A1"]["handler"] == "张三"
