"""The CLI contract, through a subprocess of the real console script."""

from __future__ import annotations

import json
import subprocess

from tests.engine.conftest import GOLDEN, cleangov_script


def run(args, env, **kw):
    return subprocess.run([*cleangov_script(), *args], capture_output=True, text=True, timeout=300, env=env, **kw)


def test_json_contract_and_exit_1_on_findings(env):
    d = GOLDEN / "reception_annual_budget_exceeded"
    r = run(["audit", "run", str(d / "lines.csv"), "--units", str(d / "units.csv"), "--as-of", "2026-01-01"], env)
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)
    assert set(doc) == {"findings", "coverage", "summary"}
    f = next(f for f in doc["findings"] if f["rule"] == "reception_annual_budget_exceeded" and f["line_ids"] == ["F1"])
    assert set(f) == {"rule", "severity", "line_ids", "org_code", "amount_at_stake", "message", "source"}
    assert f["amount_at_stake"] == "100.00" and f["severity"] == "block" and f["org_code"] == "U2"
    assert set(f["message"]) == {"zh", "en"}
    cov = {c["rule"]: c for c in doc["coverage"]}
    assert len(cov) == 37
    assert set(cov["village_reception"]) == {"rule", "applicable", "evaluated", "flagged", "not_evaluable"}


def test_exit_0_without_findings(tmp_path, env):
    p = tmp_path / "clean.csv"
    p.write_text("line_id,org_code,voucher_no,voucher_date,category,amount,handler,witness,approver,invoice_type,"
                 "payment_method,invoice_no,invoice_date,approval_date,payee\n"
                 "A1,U1,记-2025-0001,2025-03-10,office,100.00,张三,李四,王五,vat_normal,bank,1,2025-03-10,2025-03-10,甲\n",
                 encoding="utf-8")
    out = tmp_path / "out.json"
    r = run(["audit", "run", str(p), "--output", str(out)], env)
    assert r.returncode == 0, r.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["findings"] == [] and doc["summary"]["lines"] == 1


def test_exit_3_on_bad_input_names_row_and_column(tmp_path, env):
    p = tmp_path / "bad.csv"
    p.write_text("line_id,org_code,voucher_no,voucher_date,category,amount\nA1,U1,V1,2025-02-30,office,1\n",
                 encoding="utf-8")
    r = run(["audit", "run", str(p)], env)
    assert r.returncode == 3
    assert "row 2" in r.stderr and "voucher_date" in r.stderr
    assert json.loads(r.stdout)["errors"][0]["column"] == "voucher_date"


def test_skip_invalid_reports_skipped_rows(tmp_path, env):
    p = tmp_path / "bad.csv"
    p.write_text("line_id,org_code,voucher_no,voucher_date,category,amount,handler\n"
                 "A1,U1,V1,2025-03-10,office,1,\nA2,U1,V2,2025-03-10,nonsense,1,\n", encoding="utf-8")
    r = run(["audit", "run", str(p), "--skip-invalid"], env)
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    assert doc["summary"]["skipped_rows"][0]["row"] == 3
    assert {f["rule"] for f in doc["findings"]} >= {"missing_signature"}


def test_table_and_xlsx_formats(tmp_path, env):
    d = GOLDEN / "missing_signature"
    r = run(["audit", "run", str(d / "lines.csv"), "--format", "table"], env)
    assert r.returncode == 1 and "missing_signature" in r.stdout and "coverage" in r.stdout
    out = tmp_path / "r.xlsx"
    r = run(["audit", "run", str(d / "lines.csv"), "--format", "xlsx", "--output", str(out)], env)
    assert r.returncode == 1, r.stderr
    from openpyxl import load_workbook

    ws = load_workbook(out).worksheets[0]
    assert [c.value for c in ws[1]][:4] == ["规则", "严重程度", "明细行号", "单位代码"]


def test_standards_show_marks_local_examples(env):
    r = run(["standards", "show", "--county", "county-example", "--date", "2025-06-01"], env)
    assert r.returncode == 0, r.stderr
    line = next(ln for ln in r.stdout.splitlines() if ln.startswith("reception.meal_cap_per_person"))
    assert "100.00" in line and "LOCAL EXAMPLE" in line
    assert "meeting.cap_per_person_day" in r.stdout and "财行〔2016〕214号" in r.stdout


def test_unreadable_memory_limit_is_a_usage_error(tmp_path, env):
    r = run(["audit", "run", str(GOLDEN / "iou_receipt" / "lines.csv"), "--memory-limit", "lots"], env)
    assert r.returncode == 2
    assert "--memory-limit" in r.stderr


def test_report_json_is_the_same_document_one_entry_per_line():
    import datetime as dt

    from voucher_audit import report

    doc = {"findings": [{"rule": "a", "message": {"zh": "第一行\n第二行", "en": "x"}, "line_ids": ["L1", "L2"]},
                        {"rule": "b", "message": {"zh": "", "en": ""}, "line_ids": []}],
           "coverage": [], "summary": {"as_of": dt.date(2026, 1, 1), "by_rule": {"a": 1}, "inputs": ["f.csv"]}}
    text = report.dumps(doc)
    assert json.loads(text) == json.loads(json.dumps(doc, ensure_ascii=False, default=str))
    lines = text.splitlines()
    assert lines[2].startswith('    {"rule": "a"') and lines[3].startswith('    {"rule": "b"')
    assert "第一行" in text  # not escaped


def test_findings_out_writes_parquet_by_rule(tmp_path, env):
    import pyarrow.dataset as ds

    d = GOLDEN / "duplicate_invoice"
    out = tmp_path / "findings"
    r = run(["audit", "run", str(d / "lines.csv"), "--as-of", "2026-01-01", "--findings-out", str(out)], env)
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)
    table = ds.dataset(out, format="parquet", partitioning="hive").to_table()
    assert (out / "_SUCCESS").exists()
    assert table.num_rows == len(doc["findings"])
    got = sorted((row["rule"], tuple(row["line_ids"]), row["message_en"]) for row in table.to_pylist())
    assert got == sorted((f["rule"], tuple(f["line_ids"]), f["message"]["en"]) for f in doc["findings"])


def test_spark_dialect_rewrites_duckdb_only_functions():
    from voucher_audit.sql import to_dialect

    sql = to_dialect("SELECT strlen(x), regexp_full_match(x, '[0-9]{8}'), try_strptime(x, '%Y%m%d'), "
                     "try_strptime(x, '%Y-%m-%d'), prefix(x, ' '), suffix(x, ' ') FROM t", "spark")
    assert "OCTET_LENGTH(x)" in sql and "x RLIKE '^(?:[0-9]{8})$'" in sql
    assert "TRY_CAST(CONCAT(SUBSTRING(x, 1, 4), '-', SUBSTRING(x, 5, 2), '-', SUBSTRING(x, 7, 2)) AS DATE)" in sql
    assert "TRY_CAST(x AS DATE)" in sql and "STARTSWITH(x, ' ')" in sql and "ENDSWITH(x, ' ')" in sql
