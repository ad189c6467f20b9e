"""Benchmark: the whole rule suite on DuckDB vs a bare scan, vs vectorised pandas for eight reference rules,
peak memory of each (measured in a child process), and optionally Spark local mode.

    python -m benchmarks.run N [--runs 3] [--spark-n 1000000] [--skip-pandas]
    python -m benchmarks.run --spark-only N [N ...] [--cluster]   # Spark scaling table (local[2] or 2 workers)

Each measurement runs in its own subprocess so ru_maxrss is that measurement's peak, and starts with the file
in the OS page cache (read through first). Every DuckDB and pandas measurement is repeated ``--runs`` times,
interleaved (scan, suite, reference rules, pandas, then again), and the medians are reported with the range:
the 2 cores are shared and a single run can be off by 20 %.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _peak_mb() -> float:
    """This process's own peak RSS (VmHWM starts afresh at exec; ru_maxrss would carry the parent's peak)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _children_cpu() -> float:
    """CPU seconds of this process's live child processes: the Spark driver's JVM (with local[2], the executors
    run inside it too). On shared cores its CPU time says more than its wall time."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _child(kind: str, path: str, units: str, fleet: str) -> dict:
    import datetime as dt


    t0, c0 = time.perf_counter(), _cpu()
    if kind == "scan":
        import pyarrow.parquet as pq
        from voucher_audit import schema

        # every canonical column in the file: each one is read by some rule (tests/engine/test_bench_floor.py)
        present = set(pq.read_schema(path).names)
        cols = ", ".join(c.name for c in schema.LINES.columns if c.name in present)
        from voucher_audit.engines import connect

        t0, c0 = time.perf_counter(), _cpu()
        con = connect()  # the suite's own settings (threads, memory limit)
        # hash() touches every value (COUNT(col) alone can be answered from the Parquet metadata)
        con.sql(f"SELECT COUNT(*), SUM(hash({cols})) FROM read_parquet('{path}')").fetchall()
        n = None
    elif kind.startswith("spark"):
        return _spark_child(path, units, fleet, kind.partition(":")[2] or "local[2]")
    elif kind in ("duckdb", "duckdb_reference"):
        from voucher_audit import io, schema, standards
        from voucher_audit.engines import connect, make_engine
        from voucher_audit.runner import run_audit

        con = connect()
        lines = io.load_tables(con, [path], schema.LINES, into="_lines").table
        u = io.load_tables(con, [units], schema.UNITS).table
        f = io.load_tables(con, [fleet], schema.FLEET).table
        t_load = time.perf_counter() - t0
        std = standards.load("central", dt.date(2026, 1, 1))
        rules = None
        if kind == "duckdb_reference":
            from benchmarks.pandas_reference import RULES as rules
        eng = make_engine("duckdb", con=con)
        t1 = time.perf_counter()
        res = run_audit(lines, std, eng, units=u, fleet=f, rules=rules)
        n = len(res.findings)
        if kind == "duckdb_reference":  # flagged lines, per rule added up: what the pandas baseline counts
            n = sum(c["flagged"] for c in res.coverage)
        return {"seconds": time.perf_counter() - t0, "load_seconds": t_load, "rules_seconds": time.perf_counter() - t1,
                "cpu_seconds": _cpu() - c0, "findings": n, "peak_mb": _peak_mb(), "stages": stages(res.timings)}
    elif kind == "pandas":
        from benchmarks.pandas_reference import run

        n = run(path)
    return {"seconds": time.perf_counter() - t0, "cpu_seconds": _cpu() - c0, "findings": n, "peak_mb": _peak_mb()}


def check_reference(path: Path, units: Path, fleet: Path) -> dict[str, int]:
    """Before anything is timed: the pandas baseline flags exactly the lines the engine flags, rule by rule."""
    import datetime as dt

    from voucher_audit import io, schema, standards
    from voucher_audit.engines import DuckDBEngine, connect
    from voucher_audit.runner import run_audit

    from benchmarks.pandas_reference import RULES, flagged_sets

    con = connect()
    lines = io.load_tables(con, [path], schema.LINES, into="_lines").table
    u = io.load_tables(con, [units], schema.UNITS).table
    f = io.load_tables(con, [fleet], schema.FLEET).table
    res = run_audit(lines, standards.load("central", dt.date(2026, 1, 1)), DuckDBEngine(con), units=u, fleet=f,
                    rules=RULES)
    engine: dict[str, set[str]] = {r: set() for r in RULES}
    for finding in res.findings:
        engine[finding.rule].update(finding.line_ids)
    baseline = flagged_sets(str(path))
    for r in RULES:
        if engine[r] != baseline[r]:
            raise SystemExit(f"pandas baseline differs from the engine on {r}: {len(engine[r] - baseline[r])} lines "
                             f"only flagged by the engine, {len(baseline[r] - engine[r])} only by pandas")
    return {r: len(engine[r]) for r in RULES}


def stages(timings: dict[str, float]) -> dict[str, float]:
    """The runner's timings in the table's stages: line rules (the fused pass and its findings), set rules,
    and waiting for the findings still being built on the second thread."""
    line = timings.get("fused_coverage", 0) + timings.get("fused_findings", 0)
    other = {"register", "fused_coverage", "fused_findings", "findings_wait"}
    return {"register": round(timings.get("register", 0), 2), "line_rules": round(line, 2),
            "set_rules": round(sum(v for k, v in timings.items() if k not in other), 2),
            "findings": round(timings.get("findings_wait", 0), 2)}


def _spark_child(path: str, units: str, fleet: str, master: str) -> dict:
    """The command line's Spark path: Spark reads and checks the Parquet file on its executors."""
    import datetime as dt

    from voucher_audit import io, schema, standards
    from voucher_audit.engines import SparkEngine, connect
    from voucher_audit.io import sparkread
    from voucher_audit.runner import run_audit

    t0 = time.perf_counter()
    con = connect()
    u = io.load_tables(con, [units], schema.UNITS).table
    f = io.load_tables(con, [fleet], schema.FLEET).table
    conf = {"spark.executor.memory": os.environ.get("BENCH_EXECUTOR_MEMORY", "1g")} \
        if master.startswith("spark://") else {}
    eng = SparkEngine(master, conf)
    t_session = time.perf_counter() - t0
    t1 = time.perf_counter()
    lines = sparkread.load_lines(eng.spark, [path]).table
    t_load = time.perf_counter() - t1
    t2 = time.perf_counter()
    res = run_audit(lines, standards.load("central", dt.date(2026, 1, 1)), eng, units=u, fleet=f)
    return {"seconds": time.perf_counter() - t1, "session_seconds": t_session, "load_seconds": t_load,
            "rules_seconds": time.perf_counter() - t2, "cpu_seconds": _cpu(), "jvm_cpu_seconds": _children_cpu(),
            "findings": len(res.findings),
            "peak_mb": _peak_mb(), "stages": stages(res.timings), "master": master}


def _warm(path: Path) -> None:
    """Read the file through once so that every measurement starts from the OS page cache: the pandas run
    takes 8.8 GB at 10 M lines and may evict the file (the scans after it were 25–30 % slower)."""
    with path.open("rb") as f:
        while f.read(1 << 24):
            pass


def measure(kind: str, path: Path, units: Path, fleet: Path) -> dict:
    _warm(path)
    out = subprocess.run([sys.executable, "-m", "benchmarks.run", "--child", kind, str(path), str(units), str(fleet)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def median_of(runs: list[dict]) -> dict:
    """The median of every figure over the runs (the peak: the highest), with each run's wall seconds as ``runs``."""
    out = {k: statistics.median(r[k] for r in runs) for k in runs[0] if isinstance(runs[0][k], (int, float))}
    out["peak_mb"] = max(r["peak_mb"] for r in runs)
    out["runs"] = [round(r["seconds"], 2) for r in runs]
    return out


def _spread(m: dict) -> str:
    return f"runs {', '.join(f'{x:.2f}' for x in m['runs'])}" if len(m["runs"]) > 1 else "1 run"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(_child(*sys.argv[2:6])))
        return
    p = argparse.ArgumentParser()
    p.add_argument("n", type=int, nargs="+")
    p.add_argument("--spark-n", type=int, default=0)
    p.add_argument("--spark-only", action="store_true",
                   help="only the Spark scaling table over the sizes given (DuckDB side by side, one run each)")
    p.add_argument("--cluster", action="store_true", help="Spark on a standalone master with two workers")
    p.add_argument("--skip-pandas", action="store_true")
    p.add_argument("--runs", type=int, default=3, help="repeat each measurement, report medians (default 3)")
    a = p.parse_args()
    from benchmarks.generate import generate

    if a.spark_only:
        return scaling(a.n, a.cluster)
    a.n = a.n[0]

    tmp = Path(tempfile.mkdtemp(prefix="va_bench_"))
    path, units, fleet = tmp / "lines.parquet", tmp / "units.csv", tmp / "fleet.csv"
    generate(a.n, path, units, fleet)
    kinds = ["scan", "duckdb", "duckdb_reference"] + ([] if a.skip_pandas else ["pandas"])
    if not a.skip_pandas:
        same = check_reference(path, units, fleet)
        print(f"pandas baseline = engine, rule by rule (flagged lines): {same}", flush=True)
    runs: dict[str, list[dict]] = {k: [] for k in kinds}
    for _ in range(max(1, a.runs)):
        for k in kinds:
            runs[k].append(measure(k, path, units, fleet))
    res = {"n": a.n, "runs": max(1, a.runs), **{k: median_of(v) for k, v in runs.items()}}
    if a.spark_n:
        sp = tmp / "spark.parquet"
        generate(a.spark_n, sp)
        res["spark"] = measure("spark", sp, units, fleet)
        res["spark"]["n"] = a.spark_n
    d, s = res["duckdb"], res["scan"]
    load = os.getloadavg()
    print(f"N = {a.n:,} lines; medians of {res['runs']} interleaved runs; load average at the end "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores)")
    print(f"whole suite (37 rules, DuckDB): {d['seconds']:.1f} s total ({d['load_seconds']:.1f} s load+validate, "
          f"{d['rules_seconds']:.1f} s rules; CPU {d['cpu_seconds']:.1f} s; {_spread(d)}), "
          f"{a.n / d['seconds']:,.0f} rows/s, peak {d['peak_mb']:.0f} MB, {d['findings']:,.0f} findings")
    print(f"bare DuckDB scan of the used columns: {s['seconds']:.2f} s (CPU {s['cpu_seconds']:.2f} s; {_spread(s)}) → "
          f"suite / scan = {d['seconds'] / s['seconds']:.1f}× (rules only {d['rules_seconds'] / s['seconds']:.1f}×)")
    r = res["duckdb_reference"]
    print(f"eight reference rules (DuckDB): {r['seconds']:.1f} s ({r['load_seconds']:.1f} s load+validate; "
          f"CPU {r['cpu_seconds']:.1f} s; {_spread(r)}), peak {r['peak_mb']:.0f} MB")
    if "pandas" in res:
        pd_ = res["pandas"]
        print(f"eight reference rules (pandas): {pd_['seconds']:.1f} s (CPU {pd_['cpu_seconds']:.1f} s; {_spread(pd_)}), "
              f"peak {pd_['peak_mb']:.0f} MB → DuckDB is {pd_['seconds'] / r['seconds']:.2f}× faster "
              f"(CPU {pd_['cpu_seconds'] / r['cpu_seconds']:.2f}×) with {r['peak_mb'] / pd_['peak_mb']:.2f} of its memory")
    if "spark" in res:
        sp = res["spark"]
        print(f"Spark local[2] at {a.spark_n:,} lines: {sp['seconds']:.1f} s ({sp['load_seconds']:.1f} s load+validate, "
              f"{sp['rules_seconds']:.1f} s rules; driver JVM CPU {sp['jvm_cpu_seconds']:.1f} s), "
              f"{sp['findings']:,} findings → Spark / DuckDB = {sp['seconds'] / d['seconds']:.1f}×"
              + ("" if a.spark_n == a.n else " (different sizes)"))
    print(json.dumps(res))


def scaling(sizes: list[int], cluster: bool) -> None:
    """Spark (local[2], or a master and two workers of one core each) against DuckDB, one run each per size,
    with the stages: session start, read + validate, line rules, set rules, findings."""
    from benchmarks.generate import generate

    tmp = Path(tempfile.mkdtemp(prefix="va_scale_", dir="/tmp"))
    tmp.chmod(0o755)
    c = None
    if cluster:
        from benchmarks.spark_cluster import StandaloneCluster

        c = StandaloneCluster(workers=2, cores=1, memory=os.environ.get("BENCH_WORKER_MEMORY", "2g")).start()
    try:
        for n in sizes:
            path, units, fleet = tmp / f"lines_{n}.parquet", tmp / "units.csv", tmp / "fleet.csv"
            generate(n, path, units, fleet)
            path.chmod(0o644)
            d = measure("duckdb", path, units, fleet)
            sp = measure(f"spark:{c.url}" if c else "spark", path, units, fleet)
            row = {"n": n, "duckdb": d, "spark": sp, "ratio": sp["seconds"] / d["seconds"]}
            print(f"{n:>11,} lines  DuckDB {d['seconds']:7.1f} s {d['stages']}  |  Spark {sp['master']} "
                  f"{sp['seconds']:7.1f} s (+{sp['session_seconds']:.1f} s session; JVM CPU {sp['jvm_cpu_seconds']:.1f} s; "
                  f"read+validate "
                  f"{sp['load_seconds']:.1f} s, {sp['stages']})  = {row['ratio']:.1f}x; findings "
                  f"{d['findings']:,} / {sp['findings']:,}", flush=True)
            print(json.dumps(row), flush=True)
            path.unlink()
    finally:
        if c is not None:
            c.stop()
            c.cleanup()


if __name__ == "__main__":
    main()
