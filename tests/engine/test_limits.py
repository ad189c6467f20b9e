"""Every file the engine reads is bounded: each limit of ReadLimits, hostile workbooks, encodings, formulas.

Each refusal names the limit, the value found and where (file, sheet, row, column), in Chinese and English.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from voucher_audit import io, schema
from voucher_audit.io.formulas import FormulaError, evaluate_in_grid
from voucher_audit.limits import LimitExceeded, ReadError, ReadLimits, check_row

from tests.engine.conftest import cleangov_script

HEADER = "line_id,org_code,voucher_no,voucher_date,category,amount,summary\n"
MB = 1024 * 1024


def load(path: Path, limits: ReadLimits | None = None, skip: bool = False):
    return io.load_tables(duckdb.connect(), [path], schema.LINES, skip, limits=limits)


def csv_file(tmp_path: Path, body: str, name: str = "v.csv", encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_text(HEADER + body, encoding=encoding)
    return p


def refusal(path: Path, limits: ReadLimits | None = None) -> LimitExceeded:
    with pytest.raises(LimitExceeded) as info:
        load(path, limits)
    return info.value


# ---------------------------------------------------------------- the limits, one by one (CSV)

def test_defaults_are_the_documented_ones():
    assert ReadLimits() == ReadLimits(max_file_bytes=50 * MB, max_rows=2_000_000, max_columns=200,
                                      max_cell_chars=2_000, max_uncompressed_bytes=1024 * MB,
                                      max_compression_ratio=100.0, min_date=dt.date(2000, 1, 1), max_days_ahead=366)


def test_file_over_max_file_bytes_is_refused_before_it_is_read(tmp_path):
    p = csv_file(tmp_path, "A1,U1,V1,2025-03-10,office,1,x\n" * 100)
    exc = refusal(p, ReadLimits(max_file_bytes=1000))
    assert (exc.limit, exc.value, exc.allowed) == ("max_file_bytes", p.stat().st_size, 1000)
    assert "limit max_file_bytes" in exc.message("en") and "v.csv" in exc.message("en")
    assert "文件大小" in exc.message("zh-hans") and "上限 1,000 字节" in exc.message("zh-hans")


def test_rows_past_max_rows_are_refused_at_the_row_where_it_happens(tmp_path):
    p = csv_file(tmp_path, "".join(f"A{i},U1,V{i},2025-03-10,office,1,x\n" for i in range(6)))
    exc = refusal(p, ReadLimits(max_rows=5))
    assert (exc.limit, exc.row) == ("max_rows", 7)  # the header is row 1: the sixth data row is row 7
    assert load(p, ReadLimits(max_rows=6)).table.num_rows == 6


def test_ten_thousand_columns_are_refused(tmp_path):
    p = tmp_path / "wide.csv"
    p.write_text(",".join(f"c{i}" for i in range(10_000)) + "\n" + ",".join("1" for _ in range(10_000)) + "\n",
                 encoding="utf-8")
    exc = refusal(p)
    assert (exc.limit, exc.value, exc.allowed, exc.row) == ("max_columns", 10_000, 200, 1)


def test_twenty_megabyte_summary_cell_is_refused_naming_row_and_column(tmp_path):
    p = tmp_path / "zh.csv"
    big = "摘" * (20 * MB // 3)
    p.write_text("行号,单位代码,凭证号,凭证日期,费用类别,金额,摘要\n"
                 f"A1,U1,V1,2025-03-10,办公费,1,ok\nA2,U1,V2,2025-03-10,办公费,1,\"{big}\"\n", encoding="utf-8")
    started = time.perf_counter()
    exc = refusal(p)
    assert time.perf_counter() - started < 10
    assert (exc.limit, exc.value, exc.allowed, exc.row, exc.column) == ("max_cell_chars", len(big), 2000, 3, "摘要")
    assert exc.message("en") == (f"zh.csv, row 3, column 摘要: the cell holds {len(big):,} characters; at most 2,000 "
                                 "are accepted (limit max_cell_chars)")
    assert exc.message("zh-hans") == (f"zh.csv，第 3 行，“摘要”列：单元格有 {len(big):,} 个字符，超过上限 2,000 个字符"
                                      "（限制 max_cell_chars）")


def test_a_limit_exceeded_is_an_input_error_with_one_row_error(tmp_path):
    p = csv_file(tmp_path, "A1,U1,V1,2025-03-10,office,1," + "x" * 2001 + "\n")
    exc = refusal(p)
    assert isinstance(exc, io.InputError) and exc.total == 1
    err = exc.errors[0]
    assert (err.file, err.row, err.column) == ("v.csv", 2, "summary") and "max_cell_chars" in err.reason


def test_long_text_that_reaches_normalisation_is_an_invalid_value(tmp_path):
    # rows built elsewhere (the web app's fast readers, JSON pushed through the API) meet the same bound
    import pyarrow as pa

    raw = pa.table({"line_id": ["A1", "A2"], "org_code": ["U1", "U1"], "voucher_no": ["V1", "V2"],
                    "voucher_date": ["2025-03-10"] * 2, "category": ["office"] * 2, "amount": ["1", "1"],
                    "summary": ["ok", "y" * 2001], "_row": pa.array([2, 3], pa.int64())})
    typed, errors = io.normalise(duckdb.connect(), raw, schema.LINES, "api", skip_invalid=True)
    assert typed.column("line_id").to_pylist() == ["A1"]
    assert [(e.row, e.column, e.reason) for e in errors] == [
        (3, "summary", "text longer than 2,000 characters (limit max_cell_chars)")]


@settings(max_examples=200, deadline=None)
@given(cells=st.lists(st.integers(0, 60), min_size=1, max_size=12), number=st.integers(1, 40),
       max_cell=st.integers(1, 50), max_cols=st.integers(1, 10), max_rows=st.integers(1, 30))
def test_a_row_is_refused_exactly_when_it_crosses_a_limit(cells, number, max_cell, max_cols, max_rows):
    lim = ReadLimits(max_cell_chars=max_cell, max_columns=max_cols, max_rows=max_rows)
    row = ["x" * n for n in cells]
    expected = ("max_rows" if number - 1 > max_rows else "max_columns" if len(row) > max_cols
                else "max_cell_chars" if max(cells) > max_cell else None)
    try:
        check_row(row, number, None, "f.csv", lim)
    except LimitExceeded as exc:
        assert exc.limit == expected and exc.row == number
    else:
        assert expected is None


# ---------------------------------------------------------------- dates

@pytest.mark.parametrize(("value", "reason_start"), [
    ("2099-01-01", "date after "),
    ("1999-12-31", "date before 2000-01-01 (limit min_date)"),
])
def test_dates_outside_the_window_are_invalid_rows_with_a_named_reason(tmp_path, value, reason_start):
    p = csv_file(tmp_path, f"A1,U1,V1,2025-03-10,office,1,x\nA2,U1,V2,{value},office,1,x\n")
    with pytest.raises(io.InputError) as info:
        load(p)
    (err,) = info.value.errors
    assert (err.row, err.column, err.value) == (3, "voucher_date", value) and err.reason.startswith(reason_start)
    loaded = load(p, skip=True)
    assert loaded.table.column("line_id").to_pylist() == ["A1"]
    assert max(loaded.table.column("voucher_date").to_pylist()) == dt.date(2025, 3, 10)  # the period is not stretched


def test_the_window_ends_max_days_ahead_of_today(tmp_path):
    today = dt.date.today()  # noqa: DTZ011 - the reader's window is in calendar days
    inside, outside = today + dt.timedelta(days=366), today + dt.timedelta(days=367)
    p = csv_file(tmp_path, f"A1,U1,V1,{inside},office,1,x\nA2,U1,V2,{outside},office,1,x\n")
    loaded = load(p, skip=True)
    assert loaded.table.column("line_id").to_pylist() == ["A1"]
    assert loaded.skipped[0].reason == f"date after {inside}, more than 366 days ahead (limit max_days_ahead)"
    assert load(p, ReadLimits(max_days_ahead=400)).table.num_rows == 2


# ---------------------------------------------------------------- encodings

def test_gbk_behind_a_utf8_bom_says_what_is_wrong_and_what_to_do(tmp_path):
    p = tmp_path / "gbk.csv"
    body = HEADER + "A1,U1,V1,2025-03-10,office,1,ok\nA2,U1,V2,2025-03-10,office,1,出差北京\n"
    p.write_bytes(b"\xef\xbb\xbf" + body.encode("gbk"))
    with pytest.raises(ReadError) as info:
        load(p)
    exc = info.value
    assert exc.row == 3
    assert exc.message("en") == ("gbk.csv, row 3: The file says it is UTF-8 (it starts with a UTF-8 byte-order mark) "
                                 "but its bytes are GBK, not UTF-8 (from line 3). Open it in Excel or WPS and save it "
                                 "again as 'CSV UTF-8 (comma delimited)'.")
    assert "内容实际是 GBK 编码" in exc.message("zh-hans") and "CSV UTF-8" in exc.message("zh-hans")


def test_gbk_without_bom_is_read(tmp_path):
    p = csv_file(tmp_path, "A1,U1,V1,2025-03-10,办公费,1,出差北京\n", encoding="gbk")
    assert load(p).table.column("summary").to_pylist() == ["出差北京"]


def test_bytes_neither_utf8_nor_gbk_are_refused_with_a_sentence(tmp_path):
    p = tmp_path / "bin.csv"
    p.write_bytes(HEADER.encode() + b"A1,U1,V1,2025-03-10,office,1,\xff\xff\xff\n")
    with pytest.raises(ReadError) as info:
        load(p)
    assert "neither UTF-8 nor GBK text (line 2)" in info.value.message("en")
    assert "既不是 UTF-8 也不是 GBK" in info.value.message("zh")


# ---------------------------------------------------------------- hostile workbooks

def _workbook(path: Path, sheet_xml: bytes | None = None, rows: int = 1) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["line_id", "org_code", "voucher_no", "voucher_date", "category", "amount"])
    for i in range(rows):
        ws.append([f"A{i}", "U1", f"V{i}", "2025-03-10", "office", 1])
    wb.save(path)
    if sheet_xml is not None:
        _replace_part(path, "xl/worksheets/sheet1.xml", sheet_xml)
    return path


def _replace_part(path: Path, name: str, data: bytes | None = None, chunks=None) -> None:
    src = zipfile.ZipFile(path)
    parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    src.close()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for n, content in parts.items():
            if n != name:
                z.writestr(n, content)
            elif chunks is None:
                z.writestr(n, data)
            else:
                with z.open(n, "w", force_zip64=True) as out:
                    for chunk in chunks:
                        out.write(chunk)


def _bomb_rows(n_rows: int):
    yield (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    row = b'<row><c t="inlineStr"><is><t>A</t></is></c><c><v>1</v></c></row>'
    block = row * 10_000
    for _ in range(n_rows // 10_000):
        yield block
    yield b"</sheetData></worksheet>"


def test_zip_bomb_is_refused_by_its_compression_ratio_in_well_under_ten_seconds(tmp_path):
    p = _workbook(tmp_path / "bomb.xlsx")
    _replace_part(p, "xl/worksheets/sheet1.xml", chunks=_bomb_rows(2_000_000))  # about 130 MB of XML
    assert p.stat().st_size < 2 * MB
    started = time.perf_counter()
    exc = refusal(p)
    elapsed = time.perf_counter() - started
    assert elapsed < 2, elapsed
    assert exc.limit == "max_compression_ratio" and exc.value > 100
    assert "the part xl/worksheets/sheet1.xml" in exc.message("en") and "压缩炸弹" in exc.message("zh")


def test_workbook_unpacking_past_max_uncompressed_bytes_is_refused(tmp_path):
    p = _workbook(tmp_path / "big.xlsx", rows=2000)
    exc = refusal(p, ReadLimits(max_uncompressed_bytes=50_000))
    assert exc.limit == "max_uncompressed_bytes" and exc.allowed == 50_000 and exc.value > 50_000


LOL = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
       + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                  for i in range(1, 10))
       + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
         b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')


def test_billion_laughs_is_refused_not_expanded(tmp_path):
    p = _workbook(tmp_path / "lol.xlsx", sheet_xml=LOL)
    started = time.perf_counter()
    with pytest.raises(ReadError) as info:
        load(p)
    assert time.perf_counter() - started < 5
    assert "declares entities" in info.value.message("en") and "实体" in info.value.message("zh")


def test_calamine_does_not_expand_entities_either(tmp_path):
    # the web app's fast XLSX path (python-calamine, not an engine requirement) meets the same workbook
    calamine = pytest.importorskip("python_calamine")
    p = _workbook(tmp_path / "lol.xlsx", sheet_xml=LOL)
    with pytest.raises(Exception, match="unrecognized entity"):
        calamine.CalamineWorkbook.from_path(str(p)).get_sheet_by_index(0).to_python()


def test_xlsx_rows_columns_and_cells_are_bounded_like_csv(tmp_path):
    p = _workbook(tmp_path / "rows.xlsx", rows=10)
    exc = refusal(p, ReadLimits(max_rows=5))
    assert exc.limit == "max_rows" and exc.sheet == "Sheet"
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append([f"c{i}" for i in range(300)])
    wb.save(tmp_path / "wide.xlsx")
    assert refusal(tmp_path / "wide.xlsx").limit == "max_columns"
    wb = Workbook()
    ws = wb.active
    ws.append(["line_id", "org_code", "voucher_no", "voucher_date", "category", "amount", "摘要"])
    ws.append(["A1", "U1", "V1", "2025-03-10", "office", 1, "z" * 3000])
    wb.save(tmp_path / "cell.xlsx")
    exc = refusal(tmp_path / "cell.xlsx")
    assert (exc.limit, exc.row, exc.column, exc.sheet) == ("max_cell_chars", 2, "摘要", "Sheet")
    assert exc.message("en").startswith("cell.xlsx, sheet 'Sheet', row 2, column 摘要: the cell holds 3,000")


# ---------------------------------------------------------------- formulas

GRID = [["a", "b", "c"], [10, 20, "=A2+B2"], [1.5, "=C2*2", None], ["=SUM(A2:B3)", "=DATE(2025,3,12)", '="x"']]


@pytest.mark.parametrize(("formula", "want"), [
    ("=100*2+0.5", Decimal("200.5")),
    ("=A2+B2", Decimal("30")),
    ("=-A2+(B2-5)/5", Decimal("-7")),
    ("=$A$2*2", Decimal("20")),
    ("=SUM(A2:B3)", Decimal("91.5")),     # 10 + 20 + 1.5 + (=C2*2 = 60)
    ("=sum(a2:a3, 1)", Decimal("12.5")),
    ("=ROUND(10/3, 2)", Decimal("3.33")),
    ("=DATE(2025,3,12)", dt.date(2025, 3, 12)),
    ('="text"', "text"),
    ("=C3+1", Decimal("1")),              # an empty cell counts as 0, as in Excel
])
def test_formulas_are_evaluated(formula, want):
    assert evaluate_in_grid(formula, GRID) == want


@pytest.mark.parametrize("formula", [
    "=9**9**9", "=2^10", "=A2>1", "=__import__('os')", "=A2.real", "=A2[0]", "=LEN(A1)", "=(lambda: 1)()",
    "=1/0", "=" + "+".join(["1"] * 400), "=SUM(A1:Z1000)", "=ROUND(1, 1000)", "=1e999999*1e999999",
])
def test_anything_else_is_not_evaluable_and_fails_fast(formula):
    started = time.perf_counter()
    with pytest.raises(FormulaError):
        evaluate_in_grid(formula, GRID)
    assert time.perf_counter() - started < 1


def test_a_cycle_is_not_evaluable():
    with pytest.raises(FormulaError):
        evaluate_in_grid("=A1", [["=A1"]])


@settings(max_examples=300, deadline=1000)
@given(st.text(alphabet="0123456789ABC+-*/().,:$^ =SUMROUNDDATE\"'", max_size=80))
def test_any_formula_text_is_a_value_or_not_evaluable(text):
    try:
        evaluate_in_grid("=" + text, GRID)
    except FormulaError:
        pass


def test_power_in_a_workbook_is_an_unreadable_cell_not_a_hang(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["line_id", "org_code", "voucher_no", "voucher_date", "category", "amount"])
    ws.append(["A1", "U1", "V1", "2025-03-10", "office", "=9**9**9"])
    ws.append(["A2", "U1", "V2", "2025-03-10", "office", "=ROUND(5.004, 2)"])
    wb.save(tmp_path / "pow.xlsx")
    started = time.perf_counter()
    loaded = load(tmp_path / "pow.xlsx", skip=True)
    assert time.perf_counter() - started < 10
    assert [(e.row, e.column, e.value, e.reason) for e in loaded.skipped] == [
        (2, "amount", "#FORMULA =9**9**9", "not a number")]
    assert loaded.table.column("amount").to_pylist() == [Decimal("5.00")]


# ---------------------------------------------------------------- the CLI contract

def test_cli_exit_3_names_the_limit(tmp_path, env):
    p = csv_file(tmp_path, "A1,U1,V1,2025-03-10,office,1," + "x" * 3000 + "\n")
    r = subprocess.run([*cleangov_script(), "audit", "run", str(p)], capture_output=True, text=True,
                       timeout=300, env=env)
    assert r.returncode == 3
    assert "input error: v.csv, row 2, column summary: the cell holds 3,000 characters" in r.stderr
    doc = json.loads(r.stdout)
    assert doc["error_count"] == 1 and "max_cell_chars" in doc["errors"][0]["reason"]
