"""Reading the canonical table: encodings, Chinese headers, XLSX quirks, and whole-file rejection."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from voucher_audit import io, schema

HEADER_ZH = ("行号,单位代码,凭证号,凭证日期,费用类别,金额,摘要,收款人,发票代码,发票号码,开票日期,"
             "经办人,证明人,审批人,审批日期\n")
ROW_ZH = ("A1,U1,记-2025-0001,2025年3月10日,住宿费,\"1,280.50\",出差北京,北京饭店,1100,0001,2025/03/05,"
          "张三,李四,王五,2025.03.01\n")


MODE = "arrow"


@pytest.fixture(autouse=True, params=["arrow", "stored"])
def _mode(request):
    """Every reading test runs twice: into Arrow (the web workspace) and stored inside DuckDB (the CLI)."""
    global MODE
    MODE = request.param


def load(paths, skip=False, table=schema.LINES, limits=None):
    if MODE == "arrow":
        return io.load_tables(duckdb.connect(), [str(p) for p in paths], table, skip, limits=limits)
    con = duckdb.connect()
    loaded = io.load_tables(con, [str(p) for p in paths], table, skip, into="_t", limits=limits)
    stored = loaded.table
    assert isinstance(stored, io.Stored)
    ordered = "SELECT * FROM _t ORDER BY _file, _row" if len(paths) > 1 else "SELECT * FROM _t ORDER BY _row"
    rows = con.sql(ordered).arrow()
    loaded.table = (rows.read_all() if hasattr(rows, "read_all") else rows).select(stored.column_names)
    assert loaded.table.num_rows == stored.num_rows
    return loaded


def test_chinese_headers_and_formats_utf8(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text(HEADER_ZH + ROW_ZH, encoding="utf-8")
    row = load([p]).table.to_pylist()[0]
    assert row["category"] == "travel_lodging"
    assert row["amount"] == Decimal("1280.50")
    assert row["voucher_date"] == dt.date(2025, 3, 10)
    assert row["invoice_date"] == dt.date(2025, 3, 5)
    assert row["approval_date"] == dt.date(2025, 3, 1)
    assert row["handler"] == "张三"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_bom_and_gbk(tmp_path, encoding):
    p = tmp_path / "a.csv"
    p.write_bytes((HEADER_ZH + ROW_ZH).encode(encoding))
    row = load([p]).table.to_pylist()[0]
    assert row["line_id"] == "A1" and row["summary"] == "出差北京" and row["payee"] == "北京饭店"


def test_full_width_digits_and_excel_serial_dates(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("line_id,org_code,voucher_no,voucher_date,category,amount,nights\n"
                 "A1,U1,记-2025-０００１,45726,office,１２３.４５,２\n", encoding="utf-8")
    row = load([p]).table.to_pylist()[0]
    assert row["voucher_date"] == dt.date(2025, 3, 10)   # Excel serial 45726
    assert row["amount"] == Decimal("123.45")
    assert row["nights"] == 2
    assert row["voucher_no"] == "记-2025-0001"


def test_invalid_rows_reject_the_file_naming_row_column_value_reason(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("line_id,org_code,voucher_no,voucher_date,category,amount\n"
                 "A1,U1,V1,2025-03-10,office,100\n"
                 "A2,U1,V2,2025-13-40,office,100\n"
                 "A3,U1,V3,2025-03-10,飞船,100\n"
                 "A4,U1,V4,2025-03-10,office,abc\n"
                 "A1,U1,V5,2025-03-10,office,100\n", encoding="utf-8")
    with pytest.raises(io.InputError) as exc:
        load([p])
    got = {(e.row, e.column, e.reason) for e in exc.value.errors}
    assert (3, "voucher_date", "not a date") in got
    assert (4, "category", "unknown category") in got
    assert (5, "amount", "not a number") in got
    values = {(e.row, e.column): e.value for e in exc.value.errors}
    assert values[(3, "voucher_date")] == "2025-13-40"


def test_duplicate_line_id_is_an_error(tmp_path):
    p = tmp_path / "dup.csv"
    p.write_text("line_id,org_code,voucher_no,voucher_date,category,amount\nA1,U1,V1,2025-03-10,office,1\n"
                 "A1,U1,V2,2025-03-10,office,2\n", encoding="utf-8")
    with pytest.raises(io.InputError) as exc:
        load([p])
    assert exc.value.errors[0].row == 3 and "duplicate line_id" in exc.value.errors[0].reason


def test_skip_invalid_keeps_good_rows_and_reports_skipped(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("line_id,org_code,voucher_no,voucher_date,category,amount\nA1,U1,V1,2025-03-10,office,100\n"
                 "A2,U1,V2,2025-03-10,office,-5\nA1,U1,V3,2025-03-10,office,7\n", encoding="utf-8")
    loaded = load([p], skip=True)
    assert loaded.table.column("line_id").to_pylist() == ["A1"]
    assert {(e.row, e.column) for e in loaded.skipped} == {(3, "amount"), (4, "line_id")}


def test_missing_required_column(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("line_id,org_code,voucher_no,voucher_date,category\nA1,U1,V1,2025-03-10,office\n", encoding="utf-8")
    with pytest.raises(io.InputError) as exc:
        load([p])
    assert [(e.column, e.reason) for e in exc.value.errors] == [("amount", "required column missing")]


def test_empty_file(tmp_path):
    p = tmp_path / "empty.csv"
    p.write_bytes(b"")
    with pytest.raises(io.InputError) as exc:
        load([p])
    assert "empty file" in exc.value.errors[0].reason


def test_header_only_file_is_valid_and_empty(tmp_path):
    p = tmp_path / "h.csv"
    p.write_text("line_id,org_code,voucher_no,voucher_date,category,amount\n", encoding="utf-8")
    assert load([p]).table.num_rows == 0


def test_fifty_megabyte_cell(tmp_path):
    # the reader itself has no built-in bound on a cell: limits raised past the defaults let one through
    # (the defaults refuse it: tests/engine/test_limits.py)
    p = tmp_path / "big.csv"
    big = "摘" * (50 * 1024 * 1024 // 3)
    p.write_text("line_id,org_code,voucher_no,voucher_date,category,amount,summary\n"
                 f"A1,U1,V1,2025-03-10,office,1,\"{big}\"\n", encoding="utf-8")
    wide = io.ReadLimits(max_file_bytes=60 * 1024 * 1024, max_cell_chars=len(big))
    row = load([p], limits=wide).table.to_pylist()[0]
    assert len(row["summary"]) == len(big)


def test_xlsx_dates_formulas_and_chinese_headers(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["行号", "单位代码", "凭证号", "凭证日期", "费用类别", "金额", "人数"])
    ws.append(["A1", "U1", "记-2025-0001", dt.datetime(2025, 3, 10), "会议费", "=100*2+0.5", 3])
    ws.append(["A2", "U1", "记-2025-0002", 45726, "办公费", "=F2+1", None])
    ws.append(["A3", "U1", "记-2025-0003", "=DATE(2025,3,12)", "other", 12.5, None])
    p = tmp_path / "a.xlsx"
    wb.save(p)
    rows = load([p]).table.to_pylist()
    assert rows[0]["voucher_date"] == dt.date(2025, 3, 10) and rows[0]["category"] == "meeting"
    assert rows[0]["amount"] == Decimal("200.50") and rows[0]["attendees"] == 3
    assert rows[1]["voucher_date"] == dt.date(2025, 3, 10) and rows[1]["amount"] == Decimal("201.50")
    assert rows[2]["voucher_date"] == dt.date(2025, 3, 12) and rows[2]["amount"] == Decimal("12.50")


def test_parquet_typed_columns(tmp_path):
    t = pa.table({"line_id": ["A1"], "org_code": ["U1"], "voucher_no": ["V1"],
                  "voucher_date": pa.array([dt.date(2025, 3, 10)], pa.date32()), "category": ["office"],
                  "amount": pa.array([Decimal("12.30")], pa.decimal128(18, 2)), "nights": pa.array([2], pa.int32())})
    p = tmp_path / "a.parquet"
    pq.write_table(t, p)
    row = load([p]).table.to_pylist()[0]
    assert row["amount"] == Decimal("12.30") and row["nights"] == 2 and row["voucher_date"] == dt.date(2025, 3, 10)


HEAD = "line_id,org_code,voucher_no,voucher_date,category,amount\n"


def test_duplicates_across_files_name_the_later_file(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(HEAD + "A1,U1,V1,2025-03-10,office,1\nA2,U1,V2,2025-03-10,office,2\n", encoding="utf-8")
    b.write_text(HEAD + "B1,U1,V3,2025-03-10,office,3\nA2,U1,V4,2025-03-11,office,4\n", encoding="utf-8")
    with pytest.raises(io.InputError) as exc:
        load([a, b])
    (err,) = exc.value.errors
    assert (err.file, err.row, err.column, err.value) == ("b.csv", 3, "line_id", "A2")
    assert "first at row 3" in err.reason
    loaded = load([a, b], skip=True)
    assert sorted(loaded.table.column("line_id").to_pylist()) == ["A1", "A2", "B1"]
    assert [r["amount"] for r in loaded.table.to_pylist() if r["line_id"] == "A2"] == [Decimal("2.00")]


@pytest.mark.parametrize("body", ["A1,U1,V1,2025-03-10,office,abc\n",
                                  "A1,U1,V1,2025-03-10,office,1\nA1,U1,V2,2025-03-10,office,2\n"])
def test_a_rejected_input_leaves_no_table_behind(tmp_path, body):
    p = tmp_path / "bad.csv"
    p.write_text(HEAD + body, encoding="utf-8")
    con = duckdb.connect()
    with pytest.raises(io.InputError):
        io.load_tables(con, [str(p)], schema.LINES, into="_t")
    assert con.sql("SELECT table_name FROM duckdb_tables()").fetchall() == []
    assert con.sql("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall() == []
