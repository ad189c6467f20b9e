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


def _cli(args: list[str], driver_tmp=None, timeout: int = 1800) -> subprocess.CompletedProcess:
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


def test_golden_fixtures_through_two_workers(cluster, driver_tmp, tmp_path):
    src = cluster.shared_dir("golden")
    units, fleet = tmp_path / "units.csv", tmp_path / "fleet.csv"
    files = []
    for d in sorted(p for p in GOLDEN.iterdir() if p.is_dir()):
        target = src / f"{d.name}.csv"
        _prefixed_csv(d / "lines.csv", target, d.name + ":")
        files.append(target)
        if (d / "units.csv").exists():
            _prefixed_csv(d / "units.csv", units, d.name + ":", ("org_code",))
        if (d / "fleet.csv").exists():
            _prefixed_csv(d / "fleet.csv", fleet, d.name + ":", ("org_code",))
    # one invalid row, reported by file, row, column and reason from the cluster (and skipped)
    bad = cluster.shared_dir("more") / "zz_bad.csv"  # another location: a directory's files share one header
    bad.write_text("line_id,org_code,voucher_no,voucher_date,category,amount\n"
                   "ZZ1,U1,V1,2025-03-10,office,10.00\nZZ2,U1,V2,2025-02-30,office,10.00\n"
                   "ZZ3,U1,V3,2025-03-11,nonsense,10.00\n", encoding="utf-8")
    files.append(bad)
    common = ["--units", str(units), "--fleet", str(fleet), "--as-of", "2026-01-01", "--skip-invalid"]
    expected = _doc(_cli([*map(str, files), *common]))
    out = cluster.shared_dir("out") / "golden_findings"
    started = time.perf_counter()
    got = _doc(_cli([str(src), str(bad), *common, *_spark_args(cluster, driver_tmp), "--findings-out", str(out)],
                    driver_tmp))
    print(f"golden through the cluster: {time.perf_counter() - started:.1f} s")
    assert len(expected["findings"]) > 60
    assert [(e["file"], e["row"], e["column"]) for e in got["summary"]["skipped_rows"]] == \
        [("zz_bad.csv", 3, "voucher_date"), ("zz_bad.csv", 4, "category")]
    _same(got, expected)
    assert got["summary"]["engine"] == "spark"
    # the findings written by rule, as many as reported
    import pyarrow.dataset as ds

    table = ds.dataset(out, format="parquet", partitioning="hive").to_table()
    assert table.num_rows == len(got["findings"])
    assert sorted(set(table.column("rule").to_pylist())) == sorted({f["rule"] for f in got["findings"]})
    # the work really ran on the two workers' executors, none of which could open the driver's directory
    logs = cluster.executor_logs()
    assert logs.count("Running task") > 10
    assert str(driver_tmp) not in logs
    assert any((cluster.root / f"worker{i}" / "work").glob("app-*/*/stderr") for i in range(2))


def test_generated_100k_through_two_workers(cluster, driver_tmp, tmp_path):
    import pyarrow.parquet as pq
    from benchmarks.generate import generate

    whole, units, fleet = tmp_path / "g.parquet", tmp_path / "u.csv", tmp_path / "f.csv"
    generate(100_000, whole, units, fleet)
    src = cluster.shared_dir("gen")
    table = pq.read_table(whole)
    half = table.num_rows // 2
    parts = [src / "part-0.parquet", src / "part-1.parquet"]
    pq.write_table(table.slice(0, half), parts[0], row_group_size=20_000)
    pq.write_table(table.slice(half), parts[1], row_group_size=20_000)
    common = ["--units", str(units), "--fleet", str(fleet), "--as-of", "2026-01-01"]
    expected = _doc(_cli([*map(str, parts), *common]))
    started = time.perf_counter()
    got = _doc(_cli([f"file://{src}", *common, *_spark_args(cluster, driver_tmp)], driver_tmp))
    print(f"100k lines through the cluster: {time.perf_counter() - started:.1f} s")
    assert len(expected["findings"]) > 1000
    _same(got, expected)


def test_unreachable_master_is_one_line_and_exit_4(tmp_path):
    from benchmarks.spark_cluster import free_port

    r = _cli([str(GOLDEN / "iou_receipt" / "lines.csv"), "--engine", "spark",
              "--spark-master", f"spark://127.0.0.1:{free_port()}"], timeout=120)
    assert r.returncode == 4
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines()[-1].startswith("error: Spark: cannot reach the Spark master")
