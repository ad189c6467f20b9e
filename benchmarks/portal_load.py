"""Load benchmark of the villagers' portal: a village page against /healthz, on the same server.

    CLEANGOV_DATA_DIR=... python -m benchmarks.portal_load [--village QH-T01-V01] [--seconds 60] [--port 8765]

Needs the demo county in that data directory (`cleangov setup && cleangov demo`). The script starts
`cleangov serve` (Waitress, its default 8 threads) on loopback, then runs locust headless in a second
process, three times for ``--seconds`` each, no think time:

1. /healthz at 32 concurrent users (the platform's own floor on this machine, now);
2. the village page /public/<code>/ at 32 concurrent users: median, 99th percentile, requests/s;
3. the village page at 200 concurrent users: errors.

It prints one line per phase and the checks (median < 50 ms, p99 < 250 ms, village requests/s ≥ 50 % of
/healthz's, no error at 200 users). The 2 cores are shared with other work: the load average is printed.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

LOCUSTFILE = '''
import os
from locust import FastHttpUser, constant, task

PATH = os.environ["BENCH_PATH"]


class Reader(FastHttpUser):
    wait_time = constant(0)

    @task
    def read(self):
        self.client.get(PATH, name=PATH)
'''


def _wait_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback URL we built
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer {url} within {seconds} s")


def run_phase(host: str, path: str, users: int, seconds: int, workdir: Path) -> dict:
    locustfile = workdir / "locustfile.py"
    locustfile.write_text(LOCUSTFILE)
    prefix = workdir / f"phase-{users}-{path.strip('/').replace('/', '_') or 'root'}"
    locust = Path(sys.executable).with_name("locust")
    cmd = [str(locust), "-f", str(locustfile), "--headless", "-u", str(users), "-r", str(users), "-t", f"{seconds}s",
           "-H", host, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"]
    subprocess.run(cmd, env={**os.environ, "BENCH_PATH": path}, check=False, capture_output=True, text=True)
    with open(f"{prefix}_stats.csv", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["Name"] == "Aggregated")
    return {"path": path, "users": users, "requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
            "rps": float(row["Requests/s"]), "median_ms": float(row["50%"]), "p99_ms": float(row["99%"]),
            "max_ms": float(row["Max Response Time"])}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--village", default="QH-T01-V01")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    host = f"http://127.0.0.1:{args.port}"
    log = tempfile.NamedTemporaryFile(prefix="portal-serve-", suffix=".log", delete=False)
    server = subprocess.Popen([sys.executable, "-m", "cleangov.cli", "serve", "--port", str(args.port),
                               "--threads", str(args.threads)], stdout=log, stderr=subprocess.STDOUT)
    print(f"server log: {log.name}")
    try:
        _wait_up(f"{host}/healthz")
        page = f"/public/{args.village}/"
        with urllib.request.urlopen(host + page, timeout=10) as response:  # noqa: S310 - loopback
            size = len(response.read())
        print(f"village page {page}: {size} bytes; load average {os.getloadavg()[0]:.2f}; "
              f"server threads {args.threads}")
        results = []
        with tempfile.TemporaryDirectory() as tmp:
            for path, users in (("/healthz", 32), (page, 32), (page, 200)):
                r = run_phase(host, path, users, args.seconds, Path(tmp))
                results.append(r)
                print(f"{r['path']:<24} {r['users']:>3} users {args.seconds} s: {r['requests']:>7} requests, "
                      f"{r['failures']} errors, {r['rps']:.1f} req/s, median {r['median_ms']:.0f} ms, "
                      f"p99 {r['p99_ms']:.0f} ms, max {r['max_ms']:.0f} ms; load average {os.getloadavg()[0]:.2f}")
        health, village, crowd = results
        share = village["rps"] / health["rps"] if health["rps"] else 0.0
        checks = [
            ("median < 50 ms at 32 users", village["median_ms"] < 50),
            ("p99 < 250 ms at 32 users", village["p99_ms"] < 250),
            (f"requests/s ≥ 50 % of /healthz ({share:.0%})", share >= 0.5),
            ("no error at 200 users", crowd["failures"] == 0 and crowd["requests"] > 0),
            ("page under 100 KB", size < 100_000),
        ]
        for name, ok in checks:
            print(f"{'PASS' if ok else 'FAIL'}  {name}")
        return 0 if all(ok for _n, ok in checks) else 1
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    raise SystemExit(main())
