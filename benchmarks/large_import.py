"""Memory of the voucher import's preview and import on large valid files (2,000,000 rows).

    .venv/bin/python -m benchmarks.large_import [--rows 2000000] [--code before=/path/to/old/checkout]
        [--cases csv-50mb,csv-2m,xlsx-2m] [--steps preview,import] [--work DIR]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_large .venv/bin/python -m benchmarks.large_import ...

Files (made once in ``--work``, deterministic, valid: every row imports): six short columns (行号, 单位代码,
凭证号, 凭证日期, 费用类别, 金额) for twenty villages of one township.

* ``csv-50mb``: the largest such CSV within the default 50 MB file-size limit (about 1.1 M rows);
* ``csv-2m``: ``--rows`` rows as CSV (about 90 MB: the file-size limit is raised with
  ``CLEANGOV_UPLOAD_MAX_BYTES`` for this case);
* ``xlsx-2m``: ``--rows`` rows as an XLSX workbook written by openpyxl (the limit is raised the same way
  if the workbook is over 50 MB).

Each step runs in its own process, the way the worker runs it, on a fresh copy of a migrated database
that holds the township and its villages: ``preview`` is the upload preview's work
(``cleangov.finance.imports.preview.compute_preview``: read, check, plan, write the problem list) and
``import`` is the import (``cleangov.finance.imports.import_file``: read, check, plan, write the batch in
one transaction). The process reports its own peak resident memory (``VmHWM`` in ``/proc/self/status``)
and time. ``--code NAME=DIR`` (repeatable) runs the same steps with another checkout's code on
``PYTHONPATH`` (for instance ``--code before=/tmp/old --code after=.``, the old code from ``git archive``),
so the figures come out side by side; the default is this checkout alone. Target: every peak under 1 GB.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
HEADER = ["行号", "单位代码", "凭证号", "凭证日期", "费用类别", "金额"]
VILLAGES = 20
COUNTY, TOWN = "LXC", "LXT"


def village_codes() -> list[str]:
    return [f"LXV{j:02d}" for j in range(VILLAGES)]


def rows(n: int, seed: int = 11):
    rng = random.Random(seed)
    codes = village_codes()
    start = dt.date(2025, 1, 1)
    for i in range(n):
        d = start + dt.timedelta(days=rng.randrange(365))
        yield [f"L{i:07d}", codes[i % VILLAGES], f"{i // VILLAGES + 1:06d}", d.isoformat(), "办公费",
               f"{rng.randrange(2000, 300000) / 100:.2f}"]


def write_csv(path: Path, n: int, max_bytes: int | None = None) -> int:
    """``n`` rows, or as many as fit in ``max_bytes``; the number of rows written."""
    written = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        size = f.tell()
        for r in rows(n):
            line = ",".join(r) + "\r\n"
            size += len(line.encode("utf-8"))
            if max_bytes is not None and size > max_bytes:
                break
            w.writerow(r)
            written += 1
    return written


def write_xlsx(path: Path, n: int) -> int:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADER)
    for r in rows(n):
        ws.append(r)
    wb.save(path)
    return n


def make_files(work: Path, n: int, cases: list[str]) -> dict[str, tuple[Path, int]]:
    out = {}
    for case in cases:
        kind = case.split("-")[0]
        path = work / f"{case}-{n}.{kind}"
        meta = path.with_suffix(path.suffix + ".rows")
        if not (path.exists() and meta.exists()):
            t = time.perf_counter()
            if case == "csv-50mb":
                count = write_csv(path, 10 * n, 50 * MB)
            elif kind == "csv":
                count = write_csv(path, n)
            else:
                count = write_xlsx(path, n)
            meta.write_text(str(count))
            print(f"wrote {path.name}: {count:,} rows, {path.stat().st_size / MB:.1f} MB "
                  f"({time.perf_counter() - t:.0f} s)", flush=True)
        out[case] = (path, int(meta.read_text()))
    return out


# ------------------------------------------------------------------ child processes

def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleangov.settings")
    import django

    django.setup()


def child_setup() -> None:
    _django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from cleangov.orgs.actions import do_create_unit

    county = do_create_unit(acting_user=None, code=COUNTY, name="大文件县", level="county", city="南宁市")
    town = do_create_unit(acting_user=None, code=TOWN, name="大文件镇", level="township", parent=county,
                          city="南宁市")
    for j, code in enumerate(village_codes()):
        do_create_unit(acting_user=None, code=code, name=f"大文件村{j}", level="village", parent=town, city="南宁市")


def vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child_step(step: str, path: Path) -> None:
    _django()
    from cleangov.finance import engine as E
    from cleangov.orgs.models import Unit

    town = Unit.objects.get(code=TOWN)
    started = time.perf_counter()
    if step == "preview":
        from cleangov.finance.imports.preview import compute_preview, problems_path
        from cleangov.finance.models import StagedUpload
        from django.contrib.auth import get_user_model

        owner = get_user_model().objects.create(username="large-import-bench")
        staged = StagedUpload.objects.create(owner=owner, unit=town, file_name=path.name, path=str(path),
                                             sha256=E.sha256_of(path), size=path.stat().st_size)
        summary = compute_preview(staged, allowed_units=None)
        problems_path(staged).unlink(missing_ok=True)
        result = {"rows_read": summary["rows_read"], "rows_to_import": summary["rows_to_import"],
                  "problems": summary["problems_total"]}
    else:
        from cleangov.finance.imports import import_file

        batch = import_file(path, file_name=path.name, scope_unit=town, acting_user=None, source="cli")
        result = {"rows_read": batch.rows_read, "rows_to_import": batch.rows_imported, "problems": batch.rows_skipped}
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["vm_hwm_mb"] = round(vm_hwm_mb())
    print("RESULT " + json.dumps(result), flush=True)


# ------------------------------------------------------------------ driver

def _env(code: Path, data_dir: Path, database_url: str | None, extra: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(code), CLEANGOV_DATA_DIR=str(data_dir), **extra)
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    return env


def _pg_clone(url: str, template: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if template:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        else:
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=2_000_000)
    p.add_argument("--cases", default="csv-50mb,csv-2m,xlsx-2m")
    p.add_argument("--steps", default="preview,import")
    p.add_argument("--code", action="append", default=[], help="NAME=DIR: also run with that checkout's code")
    p.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "cleangov-large-import"))
    p.add_argument("--child", choices=["setup", "preview", "import"], help=argparse.SUPPRESS)
    p.add_argument("--file", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child == "setup":
        return child_setup()
    if args.child:
        return child_step(args.child, Path(args.file))

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    cases = args.cases.split(",")
    files = make_files(work, args.rows, cases)
    codes = [tuple(c.split("=", 1)) for c in args.code] or [("this", str(REPO))]
    database_url = os.environ.get("DATABASE_URL", "")
    template_dir = work / "template"
    shutil.rmtree(template_dir, ignore_errors=True)
    template_dir.mkdir()
    template_db = ""
    if database_url.startswith("postgres"):
        template_db = "large_import_template"
        setup_url = _pg_clone(database_url, "", template_db)
    else:
        setup_url = None
    # the script by its path, from the checkout's directory: that checkout's ``cleangov`` is imported
    subprocess.run([sys.executable, __file__, "--child", "setup"], check=True,
                   env=_env(REPO, template_dir, setup_url, {}), cwd=REPO)
    print(f"database: {'PostgreSQL' if template_db else 'SQLite'}", flush=True)
    results = []
    for case in cases:
        path, n = files[case]
        extra = {}
        if path.stat().st_size > 50 * MB:
            extra["CLEANGOV_UPLOAD_MAX_BYTES"] = str(max(path.stat().st_size + MB, 50 * MB))
        for step in args.steps.split(","):
            for name, code in codes:
                run_dir = work / "run"
                shutil.rmtree(run_dir, ignore_errors=True)
                shutil.copytree(template_dir, run_dir)
                url = _pg_clone(database_url, template_db, "large_import_run") if template_db else None
                proc = subprocess.run([sys.executable, __file__, "--child", step, "--file", str(path)],
                                      env=_env(Path(code), run_dir, url, extra), cwd=code, capture_output=True,
                                      text=True)
                line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
                if proc.returncode or line is None:
                    print(proc.stdout[-2000:], proc.stderr[-4000:], file=sys.stderr)
                    res = {"error": f"exit {proc.returncode}"}
                else:
                    res = json.loads(line[7:])
                res.update(case=case, rows=n, mb=round(path.stat().st_size / MB, 1), step=step, code=name,
                           limit="raised" if extra else "default")
                results.append(res)
                print(json.dumps(res, ensure_ascii=False), flush=True)
    print()
    print("| file | rows | MB | size limit | step | code | peak RSS (VmHWM) | time | rows to import |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        peak = f"{r['vm_hwm_mb']:,} MB" if "vm_hwm_mb" in r else r["error"]
        took = f"{r['seconds']} s" if "seconds" in r else "-"
        print(f"| {r['case']} | {r['rows']:,} | {r['mb']} | {r['limit']} | {r['step']} | {r['code']} | {peak} | "
              f"{took} | {r.get('rows_to_import', '-'):,} |" if "rows_to_import" in r else
              f"| {r['case']} | {r['rows']:,} | {r['mb']} | {r['limit']} | {r['step']} | {r['code']} | {peak} | "
              f"{took} | - |")
    over = [r for r in results if r["code"] == codes[-1][0] and r.get("vm_hwm_mb", 1e9) >= 1024]
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    main()
