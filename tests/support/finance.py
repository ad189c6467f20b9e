"""Test support for finance tests and the permission matrix: small voucher files and a ready finding."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.utils import timezone

HEADER_ZH = ["行号", "单位代码", "凭证号", "凭证日期", "费用类别", "金额", "摘要", "收款人", "发票代码", "发票号码",
             "开票日期", "票据类型", "人员编号", "经办人", "证明人", "审批人", "审批日期", "支付方式"]


def sample_rows(org_code: str, *, claimant_code: str = "", handler: str = "张会计", start_no: int = 1,
                year: int = 2025, month: int = 3) -> list[list[str]]:
    """Six lines for one unit: four clean, one IOU (iou_receipt) and one cash payment over 1000
    (cash_over_limit) claimed by ``claimant_code``."""
    rows = []
    for i in range(6):
        n = start_no + i
        day = f"{year}-{month:02d}-{10 + i:02d}"
        rows.append([f"L{n}", org_code, f"记-{year}-{n:04d}", day, "办公费", "320.00", "购买办公用品",
                     "清河文具店", "045002300111", f"{10000 + n * 7}", day, "增值税普通发票", "",
                     handler, "王证明", "李审批", day, "转账"])
    rows[4][11] = "白条"  # an IOU instead of an invoice
    rows[4][12] = claimant_code
    rows[5][5], rows[5][17], rows[5][12] = "1800.00", "现金", claimant_code
    return rows


def csv_bytes(rows: list[list[str]], header: list[str] | None = None) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header or HEADER_ZH)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def write_xlsx(path: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header or HEADER_ZH)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def make_sample_finding(unit, *, subject_person=None, status: str = "open"):
    """A stored batch, run and one IOU finding for ``unit``, without running the engine."""
    import uuid

    from cleangov.finance.choices import AuditRunTriggerChoices
    from cleangov.finance.engine import fingerprint, line_key
    from cleangov.finance.models import (
        AuditRun,
        BatchUnit,
        Finding,
        FindingLine,
        FindingPerson,
        ImportBatch,
        VoucherLine,
    )

    now = timezone.now()
    day = now.date()
    line_id = f"M-{uuid.uuid4().hex[:12]}"  # each call is a new finding, even for the same unit
    batch = ImportBatch.objects.create(
        sha256=uuid.uuid4().hex * 2, file_name="matrix.csv", source="cli",
        scope_unit=unit, uploaded_at=now, period_start=day, period_end=day, rows_read=1, rows_imported=1)
    BatchUnit.objects.create(batch=batch, unit=unit, period_start=day, period_end=day, lines=1)
    line = VoucherLine.objects.create(batch=batch, unit=unit, row_no=2, line_id=line_id, org_code=unit.code,
                                      voucher_no="记-1", voucher_date=day, category="office", amount="100.00",
                                      invoice_type="iou", handler=getattr(subject_person, "name", ""))
    run = AuditRun.objects.create(scope_unit=unit, trigger=AuditRunTriggerChoices.MANUAL, created_at=now,
                                  status="succeeded")
    finding = Finding.objects.create(
        fingerprint=fingerprint("iou_receipt", unit.code, [line_key(unit.code, line_id)], day.year), rule="iou_receipt",
        severity="block", unit=unit, year=day.year, amount_at_stake=None, message_zh="报销凭证为白条",
        message_en="The voucher is an IOU", source="test source", standards_version="central", first_run=run,
        last_run=run, status=status)
    FindingLine.objects.create(finding=finding, line=line)
    if subject_person is not None:
        FindingPerson.objects.create(finding=finding, person=subject_person, role="handler")
    return finding
