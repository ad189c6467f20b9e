"""The audit through a real Spark standalone cluster: a master and two workers, each a separate JVM process with
its own work and scratch directories (marker: spark).

Spark reads the input from a directory the driver never copies; the driver's temporary directory (its
``TMPDIR`` and ``spark.local.dir``) is mode 0700 and, when the tests run as root, the workers and their executors
run as ``nobody``: anything handed to them through it fails the run. Findings, coverage, not-evaluable reasons
and skipped rows must equal the DuckDB path's, on the golden fixtures (37 CSV files in one directory, with one
invalid row) and on 100,000 generated lines (two Parquet files).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from tests.engine.conftest import GOLDEN, REPO

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def cluster():
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("no java")
    from benchmarks.spark_cluster import StandaloneCluster

    c = StandaloneCluster(workers=2, cores=1, memory="1g").start()
    try:
        yield c
    finally:
        c.stop()
        c.cleanup()


@pytest.fixture(scope="module")
def driver_tmp():
    from benchmarks.spark_cluster import private_driver_dir

    d = private_driver_dir()
    yield d
    shutil.rmtree(d, ignore_errors=True)


def _cli(args: list[str], driver_tmp=None, timeout: int = 900) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO), SPARK_LOCAL_IP="127.0.0.1")
    if driver_tmp is not None:
        env["TMPDIR"] = str(driver_tmp)
    return subprocess.run([sys.executable, "-m", "voucher_audit.cli", "audit", "run", *args], capture_output=True,
                          text=True, timeout=timeout, env=env)


def _spark_args(cluster, driver_tmp) -> list[str]:
    return ["--engine", "spark", "--spark-master", cluster.url, "--spark-conf", f"spark.local.dir={driver_tmp}",
            "--spark-conf", "spark.executor.memory=640m", "--spark-conf", "spark.executor.cores=1"]


def _doc(r: subprocess.CompletedProcess) -> dict:
    assert r.returncode in (0, 1), r.stderr[-3000:]
    return json.loads(r.stdout)


def _same(a: dict, b: dict) -> None:
    assert a["findings"] == b["findings"]
    assert a["coverage"] == b["coverage"]
    assert a["summary"]["not_evaluable_reasons"] == b["summary"]["not_evaluable_reasons"]
    assert a["summary"]["skipped_rows"] == b["summary"]["skipped_rows"]
    assert a["summary"]["lines"] == b["summary"]["lines"]


def _prefixed_csv(src, dst, prefix: str, columns=("line_id", "org_code")) -> None:
    with src.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    idx = [rows[0].index(c) for c in columns if c in rows[0]]
    for row in rows[1:]:
        for i in idx:
            if row[i]:
                row[i] = prefix + row[i]
    with dst.open("a" if dst.exists() else "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerows(rows if f.tell() == 0 else rows[1:])


def test_golden_and_generated_lines_through_two_workers(cluster, driver_tmp, tmp_path):
    """One Spark application (its start and planning dominate at this size): three input locations — the
    golden fixtures as 37 CSV files in one directory, a CSV file with two invalid rows, and 100,000 generated
    lines as two Parquet files in another directory — against the DuckDB path over the same 40 files."""
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq
    from benchmarks.generate import generate

    golden = cluster.shared_dir("golden")
    units, fleet = tmp_path / "units.csv", tmp_path / "fleet.csv"
    files = []
    for d in sorted(p for p in GOLDEN.iterdir() if p.is_dir()):
        target = golden / f"{d.name}.csv"
        _prefixed_csv(d / "lines.csv", target, d.name + ":")
        files.append(target)
        if (d / "units.csv").exists():
            _prefixed_csv(d / "units.csv", units, d.name + ":", ("org_code",))
        if (d / "fleet.csv").exists():
            _prefixed_csv(d / "fleet.csv", fleet, d.name + ":", ("org_code",))
    # one invalid row, reported by file, row, column and reason from the cluster (and skipped); another
    # location, since the files of one directory share one header
    bad = cluster.shared_dir("more") / "zz_bad.csv"
    bad.write_text("line_id,org_code,voucher_no,voucher_date,category,amount\n"
                   "ZZ1,U1,V1,2025-03-10,office,10.00\nZZ2,U1,V2,2025-02-30,office,10.00\n"
                   "ZZ3,U1,V3,2025-03-11,nonsense,10.00\n", encoding="utf-8")
    files.append(bad)
    whole, gen_units, gen_fleet = tmp_path / "g.parquet", tmp_path / "gu.csv", tmp_path / "gf.csv"
    generate(100_000, whole, gen_units, gen_fleet)
    _prefixed_csv(gen_units, units, "")
    _prefixed_csv(gen_fleet, fleet, "")
    gen = cluster.shared_dir("gen")
    table = pq.read_table(whole)
    half = table.num_rows // 2
    parts = [gen / "part-0.parquet", gen / "part-1.parquet"]
    pq.write_table(table.slice(0, half), parts[0], row_group_size=20_000)
    pq.write_table(table.slice(half), parts[1], row_group_size=20_000)
    files += parts

    common = ["--units", str(units), "--fleet", str(fleet), "--as-of", "2026-01-01", "--skip-invalid"]
    expected = _doc(_cli([*map(str, files), *common]))
    out = cluster.shared_dir("out") / "findings"
    started = time.perf_counter()
    got = _doc(_cli([str(golden), str(bad), f"file://{gen}", *common, *_spark_args(cluster, driver_tmp),
                     "--findings-out", str(out)], driver_tmp))
    print(f"golden + 100k lines through the cluster: {time.perf_counter() - started:.1f} s")
    assert len(expected["findings"]) > 1000 and expected["summary"]["lines"] > 100_000
    assert {"duplicate_invoice", "consecutive_invoice_numbers", "split_payment"} <= \
        {f["rule"] for f in expected["findings"]}
    assert [(e["file"], e["row"], e["column"]) for e in got["summary"]["skipped_rows"]] == \
        [("zz_bad.csv", 3, "voucher_date"), ("zz_bad.csv", 4, "category")]
    _same(got, expected)
    assert got["summary"]["engine"] == "spark"
    # the findings written by rule, as many as reported
    written = ds.dataset(out, format="parquet", partitioning="hive").to_table()
    assert written.num_rows == len(got["findings"])
    assert sorted(set(written.column("rule").to_pylist())) == sorted({f["rule"] for f in got["findings"]})
    # the work really ran on the two workers' executors, none of which could open the driver's directory
    logs = cluster.executor_logs()
    assert logs.count("Running task") > 10
    assert str(driver_tmp) not in logs
    for i in range(2):
        assert list((cluster.root / f"worker{i}" / "work").glob("app-*/*/stderr")), f"worker {i} ran no executor"


def test_unreachable_master_is_one_line_and_exit_4(tmp_path):
    from benchmarks.spark_cluster import free_port

    r = _cli([str(GOLDEN / "iou_receipt" / "lines.csv"), "--engine", "spark",
              "--spark-master", f"spark://127.0.0.1:{free_port()}"], timeout=120)
    assert r.returncode == 4
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines()[-1].startswith("error: Spark: cannot reach the Spark master")
