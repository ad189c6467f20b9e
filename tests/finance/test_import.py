"""Import: bad input is refused as a whole with row-level reasons, batches are immutable and hashed,
the same file is refused politely, periods never overlap, corrections supersede, and an interrupted
import leaves nothing behind."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings

from cleangov.core.models import AuditEvent
from cleangov.finance import lines_sql
from cleangov.finance.imports import ImportRefused
from cleangov.finance.models import BatchUnit, FinanceProfile, ImportBatch, VoucherLine
from tests.support.finance import HEADER_ZH, sample_rows

from .helpers import import_rows, write_csv

pytestmark = pytest.mark.django_db


def _refusal(county, tmp_path, rows, **kw) -> ImportRefused:
    with pytest.raises(ImportRefused) as info:
        import_rows(county, tmp_path, rows, **kw)
    assert not ImportBatch.objects.exists() and not VoucherLine.objects.exists()
    return info.value


def test_clean_file_becomes_an_immutable_hashed_batch(county, tmp_path):
    rows = sample_rows(county.villages["a"].code)
    batch = import_rows(county, tmp_path, rows)
    assert len(batch.sha256) == 64 and batch.rows_read == 6 and batch.rows_imported == 6
    assert batch.uploaded_by == county.persona("accountant")
    assert (batch.period_start.isoformat(), batch.period_end.isoformat()) == ("2025-03-10", "2025-03-15")
    unit = BatchUnit.objects.get(batch=batch)
    assert unit.unit == county.villages["a"] and unit.lines == 6
    line = VoucherLine.objects.get(batch=batch, line_id="L5")
    assert line.invoice_type == "iou" and str(line.amount) == "320.00" and line.category == "office"
    assert AuditEvent.objects.filter(event_code="finance.batch_imported", subject_id=str(batch.pk)).exists()


@pytest.mark.parametrize(("column", "value", "reason"), [
    (4, "旅游费", "unknown category"),
    (3, "2025-02-30", "not a date"),
    (5, "12,3a", "not a number"),
    (5, "-5", "amount must be greater than 0"),
    (0, "", "required value missing"),
])
def test_engine_row_errors_refuse_the_file(county, tmp_path, column, value, reason):
    rows = sample_rows(county.villages["a"].code)
    rows[2][column] = value
    exc = _refusal(county, tmp_path, rows)
    assert exc.code == "invalid"
    assert [(e.row, e.reason) for e in exc.errors] == [(4, reason)]


def test_duplicate_line_id_and_missing_column(county, tmp_path):
    rows = sample_rows(county.villages["a"].code)
    rows[3][0] = rows[1][0]
    exc = _refusal(county, tmp_path, rows)
    assert exc.errors[0].row == 5 and "duplicate line_id" in exc.errors[0].reason
    header = [h for h in HEADER_ZH if h != "金额"]
    rows = [r[:5] + r[6:] for r in sample_rows(county.villages["a"].code)]
    path = write_csv(tmp_path, "nocol.csv", rows, header)
    from cleangov.finance import engine as E

    assert E.read_upload(path).missing_columns == ["amount"]


def test_skip_invalid_imports_the_rest_and_reports_the_skipped(county, tmp_path):
    rows = sample_rows(county.villages["a"].code)
    rows[2][4] = "旅游费"
    batch = import_rows(county, tmp_path, rows, skip_invalid=True)
    assert batch.rows_read == 6 and batch.rows_imported == 5 and batch.rows_skipped == 1
    assert batch.skipped_report[0]["row"] == 4 and batch.skipped_report[0]["reason"] == "unknown category"


def test_unit_outside_the_uploaders_scope_or_unknown(county, tmp_path):
    rows = sample_rows(county.villages["a"].code)
    rows[0][1] = county.villages["b"].code  # the other township's village
    rows[1][1] = "NO-SUCH-UNIT"
    exc = _refusal(county, tmp_path, rows)
    assert [(e.row, e.value, e.reason) for e in exc.errors] == [
        (2, county.villages["b"].code, "unit outside the units you import for"),
        (3, "NO-SUCH-UNIT", "unknown unit code")]


def test_the_accountant_imports_for_every_village_of_the_township(county, tmp_path):
    rows = sample_rows(county.townships["a"].code) + sample_rows(county.villages["a"].code, start_no=10)
    batch = import_rows(county, tmp_path, rows)
    assert set(batch.units.values_list("unit__code", flat=True)) == {"T1", "T1V1"}


def test_same_file_again_is_refused_politely(county, tmp_path):
    rows = sample_rows(county.villages["a"].code)
    first = import_rows(county, tmp_path, rows)
    with pytest.raises(ImportRefused) as info:
        import_rows(county, tmp_path, rows, name="copy.csv")
    assert info.value.code == "duplicate_file"
    assert f"#{first.pk}" in str(info.value.message) and "already been imported" in str(info.value.message)
    assert ImportBatch.objects.count() == 1


def test_period_already_covered_by_another_batch(county, tmp_path):
    code = county.villages["a"].code
    first = import_rows(county, tmp_path, sample_rows(code), name="a.csv")
    later = sample_rows(code, start_no=100)  # same dates, other line ids
    with pytest.raises(ImportRefused) as info:
        import_rows(county, tmp_path, later, name="b.csv")
    assert info.value.code == "period_overlap" and f"#{first.pk}" in str(info.value.message)
    # another month is fine
    import_rows(county, tmp_path, sample_rows(code, start_no=100, month=5), name="c.csv")
    assert ImportBatch.objects.count() == 2


def test_a_corrected_file_supersedes_never_edits(county, tmp_path):
    code = county.villages["a"].code
    first = import_rows(county, tmp_path, sample_rows(code), name="a.csv")
    corrected = sample_rows(code)
    corrected[4][11] = "增值税普通发票"
    second = import_rows(county, tmp_path, corrected, name="a-fixed.csv", supersedes=first)
    first.refresh_from_db()
    assert first.status == "superseded" and second.supersedes == first and second.status == "active"
    assert VoucherLine.objects.filter(batch=first).count() == 6  # kept for the record
    with pytest.raises(ImportRefused):
        import_rows(county, tmp_path, sample_rows(code, start_no=50), name="again.csv", supersedes=first)


def test_not_a_spreadsheet(county, tmp_path):
    from cleangov.finance import engine as E

    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.4 binary")
    assert "unsupported file type" in E.read_upload(pdf).errors[0].reason
    fake = tmp_path / "vouchers.xlsx"
    fake.write_bytes(b"this is not a workbook")
    assert "not an XLSX workbook" in E.read_upload(fake).errors[0].reason
    binary = tmp_path / "vouchers.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(ImportRefused):
        from cleangov.finance.imports import import_file

        import_file(binary, file_name="vouchers.csv", scope_unit=county.townships["a"], acting_user=None,
                    source="cli")


def test_interrupted_import_leaves_nothing_and_can_run_again(county, tmp_path, monkeypatch):
    rows = sample_rows(county.villages["a"].code)
    monkeypatch.setattr(lines_sql, "INSERT_CHUNK", 2)
    calls = {"n": 0}

    def crash(n):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("power cut")

    with pytest.raises(KeyboardInterrupt):
        import_rows(county, tmp_path, rows, on_rows=crash)
    assert not ImportBatch.objects.exists() and not VoucherLine.objects.exists()
    assert not AuditEvent.objects.filter(event_code="finance.batch_imported").exists()
    batch = import_rows(county, tmp_path, rows)
    assert batch.rows_imported == 6


# The preview is computed by a background task: run it inside the request, as a worker would.
IMMEDIATE_TASKS = override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}})


@IMMEDIATE_TASKS
def test_xlsx_and_column_mapping_remembered_per_unit(county, tmp_path, login):
    from tests.support.finance import write_xlsx

    header = ["序号", "单位", "单据号", "日期", "用途", "金额", "摘要", "收款人", "发票代码", "发票号码",
              "开票日期", "票据类型", "人员编号", "经办人", "证明人", "审批人", "审批日期", "支付方式"]
    path = write_xlsx(tmp_path / "other-layout.xlsx", sample_rows(county.villages["a"].code), header)
    client = login(county.persona("accountant"))
    with path.open("rb") as f:
        response = client.post("/finance/import/", {"unit": county.villages["a"].pk, "file": f})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert "line_id" in preview.content.decode() and "Which column is which" in preview.content.decode()
    mapping = {"序号": "line_id", "单位": "org_code", "单据号": "voucher_no", "日期": "voucher_date",
               "用途": "category"}
    form = {"step": "map"}
    for i, h in enumerate(header):
        form[f"col_{i}"] = mapping.get(h, "")
    for i, h in enumerate(header):  # the rest keep the engine's own recognition
        if h not in mapping:
            form[f"col_{i}"] = {"金额": "amount", "摘要": "summary", "收款人": "payee", "发票代码": "invoice_code",
                                "发票号码": "invoice_no", "开票日期": "invoice_date", "票据类型": "invoice_type",
                                "人员编号": "person_code", "经办人": "handler", "证明人": "witness",
                                "审批人": "approver",
                                "审批日期": "approval_date", "支付方式": "payment_method"}[h]
    response = client.post(response["Location"], form)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'id="rows-to-import">6<' in page
    assert FinanceProfile.objects.get(unit=county.villages["a"]).column_mapping["单据号"] == "voucher_no"


@IMMEDIATE_TASKS
def test_preview_lists_every_invalid_row(county, tmp_path, login):
    rows = sample_rows(county.villages["a"].code)
    rows[1][4], rows[3][3] = "旅游费", "昨天"
    path = write_csv(tmp_path, "bad.csv", rows)
    client = login(county.persona("accountant"))
    with path.open("rb") as f:
        response = client.post("/finance/import/", {"unit": county.townships["a"].pk, "file": f})
    page = client.get(response["Location"]).content.decode()
    assert "unknown category" in page and "not a date" in page and 'id="invalid-rows">2<' in page
    assert not ImportBatch.objects.exists()


def test_cli_import_vouchers(county, tmp_path, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = write_csv(tmp_path, "cli.csv", sample_rows(county.villages["a"].code))
    call_command("import_vouchers", str(path), "--unit", "T1", "--quiet")
    out = capsys.readouterr().out
    assert "imported batch" in out and "audit run" in out and "2 findings" in out
    with pytest.raises(CommandError) as info:
        call_command("import_vouchers", str(path), "--unit", "T1", "--quiet")
    # the CLI speaks the site language (zh-hans by default): check the batch it names
    assert f"#{ImportBatch.objects.get().pk}" in str(info.value) and "nothing imported" in str(info.value)
    with pytest.raises(CommandError):
        call_command("import_vouchers", str(path), "--unit", "T2", "--user", "accountant_a", "--quiet")
    assert connection.vendor in ("sqlite", "postgresql")


def test_gbk_and_trailing_blank_rows_read_like_the_engine(county, tmp_path):
    """Large UTF-8 CSVs take Arrow's reader; GBK and odd files fall back to the engine's reader.
    Both give the same rows."""
    from cleangov.finance import engine as E
    from tests.support.finance import csv_bytes

    rows = sample_rows(county.villages["a"].code)
    utf8 = tmp_path / "utf8.csv"
    utf8.write_bytes(csv_bytes(rows) + b",,,,,,,,,,,,,,,,,\r\n,,,,,,,,,,,,,,,,,\r\n")
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(csv_bytes(rows).decode("utf-8").encode("gbk"))
    a, b = E.read_upload(utf8), E.read_upload(gbk)
    assert a.rows_read == b.rows_read == 6 and not a.errors and not b.errors
    assert a.table.drop_columns(["_row"]).to_pylist() == b.table.drop_columns(["_row"]).to_pylist()


def test_fast_xlsx_reader_reads_like_the_engine(county, tmp_path):
    """Large workbooks take Calamine; workbooks with formulas take the engine's openpyxl reader
    (which evaluates formulas without cached values). Typed cells (numbers, dates) read the same."""
    import datetime as dt

    import openpyxl

    from cleangov.finance import engine as E
    from tests.support.finance import HEADER_ZH

    rows = sample_rows(county.villages["a"].code)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER_ZH)
    for r in rows:
        typed = list(r)
        typed[3] = dt.date.fromisoformat(r[3])  # a real date cell
        typed[5] = float(r[5])  # a number cell
        typed[9] = int(r[9])
        ws.append(typed)
    plain = tmp_path / "typed.xlsx"
    wb.save(plain)
    ws["F2"] = "=300+20"  # a formula without a cached value
    with_formula = tmp_path / "formula.xlsx"
    wb.save(with_formula)
    assert E._read_xlsx_calamine(plain) is not None and E._read_xlsx_calamine(with_formula) is None
    fast, slow = E.read_upload(plain), E.read_upload(with_formula)
    assert not fast.errors and not slow.errors
    assert fast.table.drop_columns(["_row"]).to_pylist() == slow.table.drop_columns(["_row"]).to_pylist()
    assert str(fast.table.column("amount")[0].as_py()) == "320.00"


@IMMEDIATE_TASKS
def test_preview_is_computed_once_and_every_problem_downloads_as_csv(county, tmp_path, login, monkeypatch):
    from cleangov.finance.imports import preview as preview_module
    from cleangov.finance.models import StagedUpload

    rows = sample_rows(county.villages["a"].code)
    for r in rows:
        r[4] = "旅游费"  # every row: unknown category
    path = write_csv(tmp_path, "bad.csv", rows)
    monkeypatch.setattr(preview_module, "PROBLEMS_SHOWN", 4)
    client = login(county.persona("accountant"))
    with path.open("rb") as f:
        response = client.post("/finance/import/", {"unit": county.townships["a"].pk, "file": f})
    staged = StagedUpload.objects.get()
    assert staged.preview["problems_total"] == 6 and len(staged.preview["problems"]) == 4

    def no_second_read(*args, **kwargs):
        raise AssertionError("the preview page read the file again")

    monkeypatch.setattr(preview_module, "plan_file", no_second_read)
    page = client.get(response["Location"]).content.decode()
    assert "6 problems; the first 4 are shown." in page and page.count("unknown category") == 4
    download = client.get(f"/finance/import/{staged.pk}/problems.csv")
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    lines = b"".join(download.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "row,column,value,reason" and len(lines) == 7
    assert all("unknown category" in line for line in lines[1:])


def test_upload_form_refuses_a_file_over_the_size_limit(county, login, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cleangov.finance.models import StagedUpload

    settings.CLEANGOV_UPLOAD_MAX_BYTES = 1 << 20
    client = login(county.persona("accountant"))
    big = SimpleUploadedFile("big.csv", b"x" * (3 << 19), content_type="text/csv")
    response = client.post("/finance/import/", {"unit": county.townships["a"].pk, "file": big})
    assert response.status_code == 200 and not StagedUpload.objects.exists()
    assert "The file is 1.5 MB; files of at most 1 MB can be imported." in response.content.decode()


def test_a_zip_bomb_workbook_is_refused_before_it_is_read(county, tmp_path):
    import zipfile

    from cleangov.finance.imports import read_file

    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "<c>" + "0" * (30 << 20) + "</c>")
    assert bomb.stat().st_size < 1 << 20
    parsed = read_file(bomb, file_name="bomb.xlsx")
    assert parsed.table is None and "compressed" in parsed.errors[0].reason and "not read" in parsed.errors[0].reason


@IMMEDIATE_TASKS
def test_uploads_never_imported_are_removed_with_their_problem_lists_after_a_day(county, tmp_path, login):
    from datetime import timedelta
    from pathlib import Path

    from django.utils import timezone

    from cleangov.finance.imports.preview import problems_path
    from cleangov.finance.models import StagedUpload
    from cleangov.finance.tasks import expire_staged_uploads

    client = login(county.persona("accountant"))
    rows = sample_rows(county.villages["a"].code)
    rows[0][4] = "旅游费"  # one problem, so a problem list is written next to the upload
    for name, start in (("old.csv", 1), ("new.csv", 101)):
        for r in rows:
            r[0] = f"L{start}"
            start += 1
        with write_csv(tmp_path, name, rows).open("rb") as f:
            client.post("/finance/import/", {"unit": county.townships["a"].pk, "file": f})
    old, new = StagedUpload.objects.get(file_name="old.csv"), StagedUpload.objects.get(file_name="new.csv")
    assert Path(old.path).exists() and problems_path(old).exists()
    StagedUpload.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))

    assert expire_staged_uploads() == 1
    assert not Path(old.path).exists() and not problems_path(old).exists()
    assert list(StagedUpload.objects.all()) == [new] and Path(new.path).exists()
    assert client.get(f"/finance/import/{old.pk}/").status_code == 404
    assert client.get(f"/finance/import/{new.pk}/").status_code == 200
    assert expire_staged_uploads() == 0
