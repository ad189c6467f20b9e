"""Upload fuzzing: at least 1,000 hostile files through every upload the platform has, web and CLI.

    .venv/bin/python -m benchmarks.fuzz_uploads [--files 1000] [--seed 7] [--template DIR] [--size tiny]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fuzz .venv/bin/python -m benchmarks.fuzz_uploads ...

It builds a scratch CleanGov (a copy of ``--template``, a data directory made by ``cleangov demo``, or a
fresh ``cleangov setup`` + ``cleangov demo --size SIZE``), starts ``cleangov serve --with-worker`` on a free
port, makes the files (benchmarks/fuzz_hostile.py) and sends every one through:

* the web forms, logged in as the role that uses them: the voucher import (accountant; the preview is
  followed until the background work has finished), the assessment framework upload (county commission),
  the record-book kinds and holiday-calendar uploads in the admin (system administrator); and, with no
  login, the public report form's attachment (its proof-of-work solved for every file, as a browser does;
  the server runs with the submission budget raised so that the fuzzing is not slowed by it);
* the command line: ``import-vouchers``, ``audit run``, ``import-orgs``, ``ledger-kinds import`` and
  ``calendar load`` (run by benchmarks/fuzz_cli_driver.py in one long-lived process).

For each upload it prints: files tried, accepted, refused; server errors (HTTP 500, or a traceback from a
command): target 0; partial writes (the upload was refused but a table it writes changed its row count):
target 0; the slowest refusal: target < 10 s; and the highest resident memory (VmHWM) of the server, the
worker and the command-line process: target < 1 GB each. Exit 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.fuzz_hostile import Factory, Hostile

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GB = 1024**3

# The tables each upload writes when it accepts a file (row counts compared before and after every file).
CONTENT_TABLES = {
    "vouchers": ["finance_importbatch", "finance_batchunit", "finance_voucherline", "finance_finding"],
    "orgs": ["orgs_unit", "orgs_person", "orgs_post", "orgs_relation"],
    "framework": ["assessment_framework", "assessment_frameworkversion"],
    "kinds": ["ledgers_ledgerkind", "ledgers_ledgerkindversion"],
    "calendar": ["deadlines_calendaryear", "deadlines_calendarday"],
    "reports": ["whistleblowing_report", "whistleblowing_reportsubject", "whistleblowing_reportattachment",
                "whistleblowing_reportmessage"],
}


@dataclass
class Outcome:
    tried: int = 0
    accepted: int = 0
    refused: int = 0
    server_errors: list[str] = field(default_factory=list)
    partial_writes: list[str] = field(default_factory=list)
    slowest_refusal: tuple[float, str] = (0.0, "")
    hung: list[str] = field(default_factory=list)

    def refusal(self, seconds: float, name: str) -> None:
        self.refused += 1
        if seconds > self.slowest_refusal[0]:
            self.slowest_refusal = (seconds, name)


# --- the database, read directly ------------------------------------------------------------------------
class Counter:
    def __init__(self, data_dir: Path, database_url: str | None):
        self.url = database_url
        self.path = data_dir / "cleangov.sqlite3"

    def _rows(self, sql: str, params=()):
        if self.url:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as con:
                return con.execute(sql, params).fetchall()
        con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def tables(self) -> list[str]:
        if self.url:
            return [r[0] for r in self._rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return [r[0] for r in self._rows("SELECT name FROM sqlite_master WHERE type = 'table'")]

    def counts(self, tables: list[str]) -> dict[str, int]:
        existing = set(self.tables())
        wanted = [t for t in tables if t in existing]
        if not wanted:
            return {}
        sql = " UNION ALL ".join(f"SELECT '{t}', COUNT(*) FROM \"{t}\"" for t in wanted)
        return dict(self._rows(sql))


# --- the web client -----------------------------------------------------------------------------------------
class Web:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None, timeout=120):
        url = path if path.startswith("http") else self.base + path
        # only ever our own local server (self.base is http://127.0.0.1:PORT)
        req = urllib.request.Request(url, data=data, headers={"Referer": self.base + "/", **(headers or {})})  # noqa: S310
        try:
            with self.opener.open(req, timeout=timeout) as resp:
                return resp.status, resp.geturl(), resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, url, exc.read().decode("utf-8", "replace")
        except (TimeoutError, urllib.error.URLError, ConnectionError):
            return 0, url, ""  # no answer in time: counted as hung

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def login(self, username: str, password: str) -> None:
        _, _, html = self.request("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
        _status, url, html = self.request("/accounts/login/", body.encode(),
                                         {"Content-Type": "application/x-www-form-urlencoded"})
        if "/accounts/login/" in url:
            raise SystemExit(f"cannot log in as {username}")

    def form_fields(self, path: str) -> tuple[dict[str, str], str]:
        """The hidden and selected values of the page's upload form, and the form's action."""
        _, url, html = self.request(path)
        form = next((m for m in re.finditer(r"<form[^>]*>(.*?)</form>", html, re.S) if 'type="file"' in m.group(1)),
                    None)
        if form is None:
            raise SystemExit(f"no upload form on {path}")
        fields = dict(re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form.group(1)))
        for select in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form.group(1), re.S):
            options = re.findall(r'<option value="([^"]+)"', select.group(2))
            if options:
                fields[select.group(1)] = options[0]
        action = re.search(r'<form[^>]*action="([^"]*)"', form.group(0))
        file_field = re.search(r'<input[^>]*type="file"[^>]*name="([^"]+)"', form.group(1)).group(1)
        fields["__file__"] = file_field
        return fields, (action.group(1) if action and action.group(1) else url)

    def upload(self, action: str, fields: dict[str, str], hostile: Hostile):
        boundary = uuid.uuid4().hex
        parts = []
        for k, v in fields.items():
            if k == "__file__":
                continue
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
        parts.append((f'--{boundary}\r\nContent-Disposition: form-data; name="{fields["__file__"]}"; '
                      f'filename="{hostile.name}"\r\nContent-Type: application/octet-stream\r\n\r\n').encode())
        parts.append(hostile.path.read_bytes())
        parts.append(f"\r\n--{boundary}--\r\n".encode())
        return self.request(action, b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}",
                                                       "X-CSRFToken": self.csrf()})

    def settle(self, url: str, html: str, deadline: float) -> tuple[int, str]:
        """Follow htmx polling on the page until no part of it is still polling (the background work ended)."""
        status = 200
        while True:
            polls = re.findall(r'hx-get="([^"]+)"[^>]*hx-trigger="(every[^"]*|load)"', html)
            if not any(t.startswith("every") for _, t in polls) and not polls:
                return status, html
            running = False
            for href, _trigger in polls:
                s, _, part = self.request(href.replace("&amp;", "&"))
                if s >= 500:
                    return s, part
                if 'hx-trigger="every' in part:
                    running = True
            if not running:
                s, _, html = self.request(url)
                return s, html
            if time.monotonic() > deadline:
                return 0, html
            time.sleep(0.5)
            status, url, html = self.request(url)


# --- processes and memory -------------------------------------------------------------------------------
def peak_rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


class CliDriver:
    def __init__(self, env: dict[str, str]):
        self.env = env
        self.peak = 0
        self.proc = None
        self._start()

    def _start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "benchmarks.fuzz_cli_driver"], cwd=REPO, env=self.env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def run(self, argv: list[str], timeout: float) -> dict | None:
        import select

        self.proc.stdin.write(json.dumps(argv) + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        self.peak = max(self.peak, peak_rss(self.proc.pid))
        if not ready:
            self.proc.kill()
            self.proc.wait()
            self._start()
            return None
        line = self.proc.stdout.readline()
        if not line:  # the process died (e.g. killed by the kernel for memory)
            self.proc.wait()
            self._start()
            return {"code": -9, "seconds": timeout, "traceback": True, "stderr": "the process died"}
        return json.loads(line)

    def close(self) -> None:
        self.peak = max(self.peak, peak_rss(self.proc.pid))
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def judge(out: Outcome, h: Hostile, status: int, html: str, seconds: float, *, accepted: bool,
          before: dict, after: dict) -> None:
    """Count one web upload: hung (no answer), server error, accepted, or refused (a refusal that changed
    a table the upload writes is a partial write)."""
    if seconds > 10:
        print(f"  slow: {h.name} took {seconds:.1f} s (HTTP {status})", flush=True)
    if status == 0:
        out.hung.append(h.name)
    elif status >= 500 or "Traceback (most recent call last)" in html:
        out.server_errors.append(f"{h.name}: HTTP {status}")
    if accepted:
        out.accepted += 1
    else:
        out.refusal(seconds, h.name)
        if before != after:
            out.partial_writes.append(f"{h.name}: {before} → {after}")


def solve_pow(page: str) -> str:
    """Solve the page's ALTCHA challenge the way the widget's script does, and encode the payload."""
    import base64
    import html

    import altcha

    challenge = json.loads(html.unescape(re.search(r'challengejson="([^"]+)"', page).group(1)))
    solution = altcha.solve_challenge(challenge["challenge"], challenge["salt"], challenge["algorithm"],
                                      challenge.get("maxNumber", challenge.get("maxnumber", 1_000_000)))
    payload = {"algorithm": challenge["algorithm"], "challenge": challenge["challenge"], "number": solution.number,
               "salt": challenge["salt"], "signature": challenge["signature"]}
    return base64.b64encode(json.dumps(payload).encode()).decode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def logins(data_dir: Path) -> tuple[str, dict[str, str]]:
    text = (data_dir / "demo_logins.txt").read_text(encoding="utf-8")
    password = re.search(r"^password: (\S+)", text, re.M).group(1)
    users = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) == 3:
            users.setdefault(parts[1], parts[0])
    return password, users


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=1000, help="how many hostile files (default 1000)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--template", type=Path, help="a data directory made by 'cleangov demo', copied for the run")
    ap.add_argument("--size", default="tiny", help="demo size when no --template is given (default tiny)")
    ap.add_argument("--targets", help="comma-separated subset of the uploads to try")
    ap.add_argument("--timeout", type=float, default=60, help="seconds before a file counts as hung (default 60)")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="cleangov-fuzz-"))
    data_dir = work / "data"
    database_url = os.environ.get("DATABASE_URL")
    env = {**os.environ, "CLEANGOV_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO),
           "CLEANGOV_WB_SUBMIT_PER_MINUTE": "1000000"}
    if args.template and not database_url:
        shutil.copytree(args.template, data_dir)
    else:
        data_dir.mkdir()
    cleangov = str(BIN / "cleangov")
    subprocess.run([cleangov, "setup"], env=env, check=True, stdout=subprocess.DEVNULL)
    if not (data_dir / "demo_logins.txt").exists():
        print(f"building the demo county (size {args.size}) …", flush=True)
        subprocess.run([cleangov, "demo", "--size", args.size, "--quiet"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
    password, users = logins(data_dir)

    org_code = "QH-T01"
    t0 = time.perf_counter()
    files = Factory(work / "files", REPO, seed=args.seed, org_code=org_code).generate(args.files)
    print(f"{len(files)} hostile files made in {time.perf_counter() - t0:.1f} s "
          f"({sum(f.path.stat().st_size for f in files) / 1e6:.0f} MB) in {work / 'files'}", flush=True)

    port = free_port()
    # The server's and the worker's output go to a file: a pipe nobody reads would fill and block them.
    server_log = (work / "server.log").open("w")
    server = subprocess.Popen([cleangov, "serve", "--port", str(port), "--with-worker"], env=env,
                              stdout=server_log, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310 - our own local server
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        raise SystemExit("the server did not start")
    worker_peaks: dict[int, int] = {}

    def sample_worker() -> None:
        for pid in children(server.pid):
            worker_peaks[pid] = max(worker_peaks.get(pid, 0), peak_rss(pid))

    counter = Counter(data_dir, database_url)

    web = {}

    def web_as(role: str) -> Web:
        if role not in web:
            w = Web(base)
            w.login(users[role], password)
            web[role] = w
        return web[role]

    cli = CliDriver(env)

    def web_target(role: str, page: str, tables: str):
        def attempt(h: Hostile, out: Outcome) -> None:
            w = web_as(role)
            fields, action = w.form_fields(page)
            before = counter.counts(CONTENT_TABLES[tables])
            started = time.perf_counter()
            status, url, html = w.upload(action, fields, h)
            if 0 < status < 500:
                status, html = w.settle(url, html, time.monotonic() + args.timeout)
            seconds = time.perf_counter() - started
            after = counter.counts(CONTENT_TABLES[tables])
            sample_worker()
            # The web forms never commit a voucher import here (the preview is the end of the road), and a
            # framework or catalogue upload shows its success as a message: anything else is a refusal.
            accepted = status < 400 and re.search(r'class="[^"]*(success|info)[^"]*"', html) is not None \
                and tables != "vouchers"
            judge(out, h, status, html, seconds, accepted=accepted, before=before, after=after)
        return attempt

    def report_target():
        """The public report form (no login): a short report on the first village with the file attached."""
        def attempt(h: Hostile, out: Outcome) -> None:
            w = Web(base)
            _, _, page = w.request("/public/report/")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            unit = re.search(r'<select[^>]*name="subject_unit"[^>]*>.*?<option value="(\d+)"', page, re.S).group(1)
            fields = {"csrfmiddlewaretoken": token, "category": "corruption", "subject_unit": unit,
                      "subject_name": "", "what": "村会计把集体的钱借给亲戚，没有打借条，也没有公开。",
                      "when": "2026年10月", "amount": "", "real_name": "", "contact": "",
                      "pow": solve_pow(page), "__file__": "files"}
            before = counter.counts(CONTENT_TABLES["reports"])
            started = time.perf_counter()
            status, _url, html = w.upload("/public/report/", fields, h)
            seconds = time.perf_counter() - started
            after = counter.counts(CONTENT_TABLES["reports"])
            accepted = status == 200 and 'class="receipt' in html
            judge(out, h, status, html, seconds, accepted=accepted, before=before, after=after)
        return attempt

    def cli_target(argv_for, tables: str | None):
        def attempt(h: Hostile, out: Outcome) -> None:
            before = counter.counts(CONTENT_TABLES[tables]) if tables else {}
            result = cli.run(argv_for(h), args.timeout)
            after = counter.counts(CONTENT_TABLES[tables]) if tables else {}
            if result is None:
                out.hung.append(h.name)
                print(f"  hung: {h.name} (no answer in {args.timeout:.0f} s; command process restarted)", flush=True)
                return
            if result["seconds"] > 10:
                print(f"  slow: {h.name} took {result['seconds']:.1f} s (exit {result['code']})", flush=True)
            if result["traceback"]:
                out.server_errors.append(f"{h.name}: exit {result['code']}: {result['stderr'][-200:]!r}")
            if result["code"] in (0, 1) and not result["traceback"]:  # audit run: 1 = findings were found
                out.accepted += 1
            else:
                out.refusal(result["seconds"], h.name)
                if before != after:
                    out.partial_writes.append(f"{h.name}: {before} → {after}")
        return attempt

    targets = {
        "web:voucher-import": web_target("accountant", "/finance/import/", "vouchers"),
        "web:framework-upload": web_target("county_commission", "/assessment/frameworks/upload/", "framework"),
        "web:admin-kinds-upload": web_target("sysadmin", "/django-admin/ledgers/ledgerkind/import/", "kinds"),
        "web:admin-calendar-upload": web_target("sysadmin", "/django-admin/deadlines/calendaryear/load/", "calendar"),
        "web:public-report": report_target(),
        "cli:import-vouchers": cli_target(lambda h: ["import-vouchers", str(h.path), "--unit", org_code], "vouchers"),
        "cli:audit-run": cli_target(lambda h: ["audit", "run", str(h.path), "--format", "json"], None),
        "cli:import-orgs": cli_target(lambda h: ["import-orgs", str(h.path), "--quiet"], "orgs"),
        "cli:ledger-kinds-import": cli_target(lambda h: ["ledger-kinds", "import", str(h.path)], "kinds"),
        "cli:calendar-load": cli_target(lambda h: ["calendar", "load", str(h.path)], "calendar"),
    }
    if args.targets:
        targets = {k: v for k, v in targets.items() if k in args.targets.split(",")}

    all_tables = counter.tables()
    totals_before = counter.counts(all_tables)
    results: dict[str, Outcome] = {}
    try:
        for name, attempt in targets.items():
            out = Outcome()
            started = time.perf_counter()
            for h in files:
                out.tried += 1
                attempt(h, out)
                if out.tried % 200 == 0:
                    print(f"  {name}: {out.tried} files, {time.perf_counter() - started:.0f} s", flush=True)
            results[name] = out
            slow, slow_name = out.slowest_refusal
            print(f"{name:28} {out.tried} files in {time.perf_counter() - started:.0f} s: {out.accepted} accepted, "
                  f"{out.refused} refused, {len(out.server_errors)} server errors, {len(out.partial_writes)} partial "
                  f"writes, {len(out.hung)} hung, slowest refusal {slow:.2f} s ({slow_name})", flush=True)
    finally:
        cli.close()
        sample_worker()
        server_peak = peak_rss(server.pid)
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    totals_after = counter.counts(all_tables)

    print()
    print(f"{'upload':28} {'tried':>6} {'accepted':>9} {'refused':>8} {'5xx/tb':>7} {'partial':>8} {'hung':>5} "
          f"{'slowest refusal':>16}")
    ok = True
    for name, out in results.items():
        slow, slow_name = out.slowest_refusal
        print(f"{name:28} {out.tried:6} {out.accepted:9} {out.refused:8} {len(out.server_errors):7} "
              f"{len(out.partial_writes):8} {len(out.hung):5} {slow:10.2f} s  {slow_name}")
        ok &= not out.server_errors and not out.partial_writes and not out.hung and slow < 10
    worker_peak = max(worker_peaks.values(), default=0)
    print()
    print(f"highest resident memory: server {server_peak / 1e6:.0f} MB, worker {worker_peak / 1e6:.0f} MB "
          f"({len(worker_peaks)} worker process(es)), command line {cli.peak / 1e6:.0f} MB (target < 1 GB each)")
    ok &= max(server_peak, worker_peak, cli.peak) < GB
    changed = {t: (totals_before.get(t, 0), n) for t, n in totals_after.items() if totals_before.get(t, 0) != n}
    print(f"tables whose row count changed over the whole run: {changed or 'none'}")
    for name, out in results.items():
        for problem in (out.server_errors + out.partial_writes + out.hung)[:5]:
            print(f"  {name}: {problem}")
    print("all targets met" if ok else "TARGETS MISSED")
    shutil.rmtree(work / "files", ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
