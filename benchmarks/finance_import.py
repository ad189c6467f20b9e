"""Voucher import and audit at volume: N-line CSV and XLSX files through the
real import path, each next to a plain baseline, then one audit run of every stored line end to end.

    # SQLite (a scratch data directory: the script migrates it)
    CLEANGOV_DATA_DIR=$(mktemp -d) .venv/bin/python -m benchmarks.finance_import --lines 1000000
    # PostgreSQL (a scratch database; created when missing)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_fin CLEANGOV_DATA_DIR=$(mktemp -d) \\
        .venv/bin/python -m benchmarks.finance_import --lines 1000000

Measured, each in one run, printed side by side:
* CSV  — ``cleangov.finance.tasks.import_file`` (read, validate every row with the engine's normaliser,
  check units / periods / line ids, insert in one transaction) vs. a baseline: ``csv.reader`` + the
  ORM's ``bulk_create`` (no validation at all);
* XLSX — the same import path vs. ``openpyxl`` (read-only) + ``bulk_create``;
* audit — ``execute_audit_run`` over every stored line: read from the database, run all 37 rules,
  store the findings (targets: CSV < 40 s, XLSX < 120 s, audit of 1 M lines < 60 s).
Files are generated deterministically (``--seed``); each import uses its own unit so periods never clash.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import tempfile
import time
from decimal import Decimal
from pathlib import Path

HEADER = ["行号", "单位代码", "凭证号", "凭证日期", "费用类别", "金额", "摘要", "收款人", "发票代码", "发票号码",
          "开票日期", "票据类型", "经办人", "证明人", "审批人", "审批日期", "支付方式", "人员编号"]
CATS = ["办公费", "其他", "办公费", "办公费", "其他", "办公费", "办公费"]  # no category that needs extra fields


def rows(n: int, org_codes: list[str], seed: int):
    rng = random.Random(seed)
    start = dt.date(2025, 1, 1)
    for i in range(n):
        d = start + dt.timedelta(days=rng.randrange(365))
        amount = f"{rng.uniform(20, 3000):.2f}"
        # one numbering per unit (no voucher-number gaps), many payees (no accidental split payments):
        # about 4 % of lines carry an anomaly (IOUs, cash over the limit)
        seq = i // len(org_codes) + 1
        yield [f"B{i:08d}", org_codes[i % len(org_codes)], f"记-2025-{seq:07d}", d.isoformat(), CATS[i % len(CATS)],
               amount, "购买办公用品", f"供应商{rng.randrange(1_000_000):06d}", f"0450{rng.randrange(10**8):08d}", f"{(i * 7919) % 10**8:08d}",
               d.isoformat(), "增值税普通发票" if i % 50 else "白条", "韦会计", "覃出纳", "蒙主任", d.isoformat(),
               "转账" if i % 40 else "现金", f"P{i % 997:04d}"]


def write_csv(path: Path, n: int, orgs: list[str], seed: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(rows(n, orgs, seed))


def write_xlsx(path: Path, n: int, orgs: list[str], seed: int) -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADER)
    for r in rows(n, orgs, seed):
        ws.append(r)
    wb.save(path)


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleangov.settings")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        from urllib.parse import urlsplit, urlunsplit

        import psycopg

        parts = urlsplit(url)
        name = parts.path.lstrip("/")
        with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def units(prefix: str, villages: int):
    from cleangov.orgs.actions import do_create_unit
    from cleangov.orgs.models import Unit

    county = Unit.objects.filter(code="BF").first() or do_create_unit(
        acting_user=None, code="BF", name="基准县", level="county", city="南宁市")
    town = do_create_unit(acting_user=None, code=prefix, name=f"{prefix}镇", level="township", parent=county,
                          city="南宁市")
    codes = []
    for j in range(villages):
        v = do_create_unit(acting_user=None, code=f"{prefix}V{j:02d}", name=f"{prefix}村{j}", level="village",
                           parent=town, city="南宁市")
        codes.append(v.code)
    return county, town, codes


def baseline(path: Path, unit_ids: dict[str, int]) -> float:
    """What a developer would write today: read the cells, build ORM objects, bulk_create. No checks."""
    from cleangov.finance.models import ImportBatch, VoucherLine
    from django.db import transaction
    from django.utils import timezone

    started = time.perf_counter()
    if path.suffix == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True)
        it = wb.worksheets[0].iter_rows(values_only=True)
    else:
        f = path.open(encoding="utf-8")
        it = csv.reader(f)
    next(it)
    today = dt.date(2025, 1, 1)
    with transaction.atomic():
        batch = ImportBatch.objects.create(sha256=f"baseline-{path.suffix}-{time.time()}"[:64], file_name=path.name,
                                           source="cli", scope_unit_id=next(iter(unit_ids.values())),
                                           uploaded_at=timezone.now(), period_start=today, period_end=today,
                                           rows_read=0, rows_imported=0)
        buf = []
        for r in it:
            buf.append(VoucherLine(batch=batch, unit_id=unit_ids[r[1]], row_no=0, line_id=r[0], org_code=r[1],
                                   voucher_no=r[2], voucher_date=dt.date.fromisoformat(str(r[3])[:10]), category=r[4],
                                   amount=Decimal(str(r[5])), summary=r[6], payee=r[7], invoice_code=r[8],
                                   invoice_no=r[9], invoice_date=dt.date.fromisoformat(str(r[10])[:10]),
                                   invoice_type=r[11], handler=r[12], witness=r[13], approver=r[14],
                                   approval_date=dt.date.fromisoformat(str(r[15])[:10]), payment_method=r[16],
                                   person_code=r[17]))
            if len(buf) >= 5000:
                VoucherLine.objects.bulk_create(buf)
                buf = []
        VoucherLine.objects.bulk_create(buf)
        transaction.set_rollback(True)  # the baseline's lines are not audited
    return time.perf_counter() - started


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--lines", type=int, default=1_000_000)
    p.add_argument("--xlsx-lines", type=int, default=None, help="default: --lines")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--skip-xlsx", action="store_true")
    p.add_argument("--skip-csv", action="store_true")
    p.add_argument("--skip-baseline", action="store_true")
    args = p.parse_args()
    setup_django()
    from cleangov.finance.actions import do_create_audit_run, execute_audit_run
    from cleangov.finance.tasks import import_file
    from cleangov.orgs.models import Unit
    from django.db import connection

    tmp = Path(tempfile.mkdtemp(prefix="finance_bench_"))
    tag = f"{int(time.time()) % 100000:05d}"
    print(f"database: {connection.vendor}; lines: {args.lines:,}")
    results = []
    kinds = ([] if args.skip_csv else [("csv", args.lines)]) + (
        [] if args.skip_xlsx else [("xlsx", args.xlsx_lines or args.lines)])
    county = None
    for kind, n in kinds:
        county, town, orgs = units(f"B{kind[0].upper()}{tag}", 20)
        path = tmp / f"vouchers.{kind}"
        t = time.perf_counter()
        # each file its own seed: the same invoices in both files would be duplicate invoices
        (write_csv if kind == "csv" else write_xlsx)(path, n, orgs, args.seed + (kind == "xlsx"))
        print(f"{kind}: wrote {n:,} lines ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s")
        ids = dict(Unit.objects.filter(code__in=orgs).values_list("code", "pk"))
        base = None if args.skip_baseline else baseline(path, ids)
        t = time.perf_counter()
        batch = import_file(path, file_name=path.name, scope_unit=town, acting_user=None, source="cli")
        ours = time.perf_counter() - t
        if batch.rows_imported != n:
            raise SystemExit(f"imported {batch.rows_imported} of {n}")
        results.append((kind, n, ours, base))
        print(f"{kind}: import {ours:.1f} s" + ("" if base is None else f", baseline {base:.1f} s"))
    run = do_create_audit_run(acting_user=None, scope_unit=county, trigger="manual")
    t = time.perf_counter()
    run = execute_audit_run(run)
    audit_s = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"| measurement ({connection.vendor}) | lines | ours | baseline (openpyxl/csv + bulk_create) | target |")
    print("| --- | --- | --- | --- | --- |")
    for kind, n, ours, base in results:
        target = "< 40 s" if kind == "csv" else "< 120 s"
        print(f"| import {kind.upper()} | {n:,} | {ours:.1f} s | {'-' if base is None else f'{base:.1f} s'} | {target} |")
    print(f"| audit, read + 37 rules + store | {run.lines:,} | {audit_s:.1f} s ({run.findings_total:,} findings) "
          f"| - | < 60 s |")
    print(f"peak RSS {peak:.0f} MB; engine timings {run.seconds}")


if __name__ == "__main__":
    main()
