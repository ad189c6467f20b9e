"""Findings list and dashboards at volume: 1,000,000 voucher lines and 50,000 findings.

    # SQLite (a scratch data directory: the script migrates it and fills it)
    CLEANGOV_DATA_DIR=$(mktemp -d) .venv/bin/python -m benchmarks.finance_pages
    # PostgreSQL (a scratch database; created when missing)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dash CLEANGOV_DATA_DIR=$(mktemp -d) \\
        .venv/bin/python -m benchmarks.finance_pages

Generates a synthetic county (1 county, 12 townships of 13 villages, 16 departments: 185 units) with
bulk SQL (``INSERT … SELECT`` over a generated series, one statement per unit; never the ORM row by
row): ``--lines`` voucher lines in one immutable batch per unit over two years, ``--findings`` findings
with one line and two subject people each, and 2,000 people. Then it builds the dashboards' summaries
(timed: this is the work an audit run's refresh does once per new batch) and requests each page
``--runs`` times through Django's test client after one warm-up, printing the median, the 90th
percentile and the number of queries. Target: median < 300 ms with a fixed number of queries.

The viewers are a county commission member and a township discipline secretary who are both named
on some findings, so the conflict-of-interest clause is part of every query, as in production.
A second run on the same database reuses the data (``--regenerate`` rebuilds it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import date

RULES = [("iou_receipt", "block"), ("missing_signature", "warn"), ("cash_over_limit", "block"),
         ("lodging_over_cap", "warn"), ("reception_without_letter", "block"), ("duplicate_invoice", "block"),
         ("split_payment", "warn"), ("round_amounts", "info"), ("late_booking", "info"),
         ("vehicle_not_in_fleet", "warn"), ("festival_benefit", "block"), ("self_approval", "block")]
STATUSES = ["open"] * 14 + ["escalated"] * 2 + ["confirmed"] * 3 + ["dismissed"]
CATEGORIES = ["travel_lodging", "travel_meal", "vehicle_fuel", "vehicle_repair", "reception", "office", "office",
              "meeting", "project", "other"]
BENCH_CODE = "BENCH"
PEOPLE = 2000


def _ensure_pg_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    try:
        psycopg.connect(dbname=cfg["NAME"], user=cfg["USER"], host=cfg["HOST"], port=cfg["PORT"] or 5432,
                        password=cfg["PASSWORD"] or None).close()
    except psycopg.OperationalError:
        with psycopg.connect(dbname="postgres", user=cfg["USER"], host=cfg["HOST"], port=cfg["PORT"] or 5432,
                             password=cfg["PASSWORD"] or None, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
        print(f"created database {cfg['NAME']}")


def _case(expr: str, values: list[str]) -> str:
    whens = " ".join(f"WHEN {i} THEN '{v}'" for i, v in enumerate(values))
    return f"CASE ({expr}) % {len(values)} {whens} END"


def _series(vendor: str, n: int) -> str:
    if vendor == "postgresql":
        return f"generate_series(0, {n - 1}) AS s(i)"
    return f"(WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < {n - 1}) SELECT i FROM c) AS s"


def _date_expr(vendor: str, days: str) -> str:
    if vendor == "postgresql":
        return f"(DATE '2024-01-01' + ({days}))"
    return f"date('2024-01-01', '+' || ({days}) || ' days')"


def _line_columns(vendor: str, batch_id: int, unit_id: int, code: str) -> tuple[list[str], list[str]]:
    from cleangov.finance.models import VoucherLine

    explicit = {
        "batch_id": str(batch_id), "unit_id": str(unit_id), "row_no": "i + 2", "line_id": "'B' || i",
        "org_code": f"'{code}'", "voucher_no": "'记-' || i", "voucher_date": _date_expr(vendor, "i % 730"),
        "category": _case("i * 7", CATEGORIES), "amount": "((i * 7919) % 99000 + 1000) / 100.0",
        "summary": "'办公用品'", "payee": "'清河商店'", "invoice_no": "'' || (100000 + i)", "handler": "'张经办'",
        "witness": "'王证明'", "approver": "'李审批'", "payment_method": "'transfer'",
    }
    cols, exprs = [], []
    for f in VoucherLine._meta.concrete_fields:
        if f.primary_key:
            continue
        cols.append(f.column)
        if f.column in explicit:
            exprs.append(explicit[f.column])
        elif f.null:
            exprs.append("NULL")
        else:
            exprs.append("''")
    return cols, exprs


def generate(n_lines: int, n_findings: int) -> None:
    from cleangov.accounts.actions import do_assign_role, do_create_user
    from cleangov.finance.models import AuditRun, ImportBatch
    from cleangov.orgs.actions import do_create_person, do_create_unit
    from cleangov.orgs.models import Person
    from django.db import connection, transaction
    from django.utils import timezone

    vendor = connection.vendor
    t0 = time.perf_counter()
    county = do_create_unit(acting_user=None, code=BENCH_CODE, name="基准县", level="county", city="基准市")
    units = []
    for t in range(1, 13):
        town = do_create_unit(acting_user=None, code=f"B{t:02d}", name=f"基准第{t}镇", level="township",
                              parent=county, city="基准市")
        units.append(town)
        units += [do_create_unit(acting_user=None, code=f"B{t:02d}V{v:02d}", name=f"基准{t}镇{v}村", level="village",
                                 parent=town, city="基准市") for v in range(1, 14)]
    units += [do_create_unit(acting_user=None, code=f"BD{d:02d}", name=f"基准第{d}局", level="department",
                             parent=county, city="基准市") for d in range(1, 17)]
    now = timezone.now()
    Person.objects.bulk_create([Person(code=f"BP{i:05d}", name=f"基准人{i}", home_unit=units[i % len(units)],
                                       created_at=now, updated_at=now) for i in range(PEOPLE)], batch_size=1000)
    people = list(Person.objects.filter(code__startswith="BP").order_by("pk").values_list("pk", flat=True))
    viewers = {}
    for role, unit in (("county_commission", county), ("township_discipline", units[0])):
        person = do_create_person(acting_user=None, code=f"BV-{role}", name=f"基准{role}", home_unit=unit)
        user = do_create_user(acting_user=None, username=f"bench_{role}", password=None, person=person)
        do_assign_role(acting_user=None, user=user, role=role, unit=unit, include_subtree=True)
        viewers[role] = person.pk
    print(f"  tree: {len(units) + 1} units, {PEOPLE} people, 2 viewers in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    per_unit = -(-n_lines // len(units))
    with transaction.atomic():
        # Created as queued and marked finished with update(): a saved, succeeded run would refresh the
        # summaries on commit, and that refresh is timed separately below.
        run = AuditRun.objects.create(scope_unit=county, trigger="manual", created_at=now, status="queued",
                                      standards_version="bench")
        batches = ImportBatch.objects.bulk_create([
            ImportBatch(sha256=f"bench{u.pk:059d}", file_name=f"{u.code}.xlsx", source="cli", scope_unit=u,
                        uploaded_at=now, period_start=date(2024, 1, 1), period_end=date(2025, 12, 31),
                        rows_read=per_unit, rows_imported=per_unit) for u in units])
        batches = {b.scope_unit_id: b.pk for b in ImportBatch.objects.filter(sha256__startswith="bench")}
        with connection.cursor() as cur:
            for u in units:
                cols, exprs = _line_columns(vendor, batches[u.pk], u.pk, u.code)
                cur.execute(f"INSERT INTO finance_voucherline ({', '.join(cols)}) "
                            f"SELECT {', '.join(exprs)} FROM {_series(vendor, per_unit)}")
    print(f"  lines: {per_unit * len(units):,} in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    per_unit_f = -(-n_findings // len(units))
    step = max(1, per_unit // per_unit_f)
    ts = "'" + now.isoformat() + "'" if vendor == "sqlite" else "NOW()"
    rule_expr = _case("i", [r for r, _ in RULES])
    sev_expr = _case("i", [s for _, s in RULES])
    status_expr = _case("i * 3", STATUSES)
    with transaction.atomic(), connection.cursor() as cur:
        for u in units:
            cur.execute(
                "INSERT INTO finance_finding (created_at, updated_at, fingerprint, rule, severity, unit_id, year, "
                "amount_at_stake, message_zh, message_en, source, standards_version, first_run_id, last_run_id, "
                "current, status) "
                f"SELECT {ts}, {ts}, 'bench-{u.pk}-' || (i * {step} + 2), {rule_expr}, {sev_expr}, {u.pk}, "
                f"2024 + (i % 2), ((i * 131) % 5000 + 10) * 1.0, '基准问题说明', 'benchmark finding', 'bench', "
                f"'bench', {run.pk}, {run.pk}, TRUE, {status_expr} FROM {_series(vendor, per_unit_f)}")
        cur.execute(
            "INSERT INTO finance_findingline (finding_id, line_id) "
            "SELECT f.id, l.id FROM finance_voucherline l JOIN finance_finding f "
            "ON f.fingerprint = 'bench-' || l.unit_id || '-' || l.row_no "
            f"WHERE l.row_no % {step} = 2 % {step}")
        # Two subject people per finding, drawn from the 2,000; every 97th names a viewer.
        lo, hi = people[0], people[-1]
        span = hi - lo + 1
        cur.execute("INSERT INTO finance_findingperson (finding_id, person_id, role) "
                    f"SELECT id, {lo} + (id * 7) % {span}, 'claimant' FROM finance_finding WHERE fingerprint LIKE 'bench-%'")
        cur.execute("INSERT INTO finance_findingperson (finding_id, person_id, role) "
                    f"SELECT id, {lo} + (id * 13 + 1) % {span}, 'approver' FROM finance_finding "
                    "WHERE fingerprint LIKE 'bench-%'")
        for pid in viewers.values():
            cur.execute("INSERT INTO finance_findingperson (finding_id, person_id, role) "
                        f"SELECT id, {pid}, 'handler' FROM finance_finding WHERE id % 97 = 0")
        AuditRun.objects.filter(pk=run.pk).update(status="succeeded", finished_at=now)
        cur.execute("SELECT COUNT(*) FROM finance_finding")
        found = cur.fetchone()[0]
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"  findings: {found:,} with lines and subject people in {time.perf_counter() - t0:.1f} s")


def _time(client, url: str, runs: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.9) - 1)], len(ctx.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--findings", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--regenerate", action="store_true", help="drop nothing, but refuse to reuse: use a new DB")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleangov.settings")
    _ensure_pg_database()
    import django

    django.setup()
    from cleangov.accounts.models import User
    from cleangov.finance.dashboards.summaries import refresh_summaries
    from cleangov.finance.models import Finding, VoucherLine
    from cleangov.orgs.models import Unit
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if not Unit.objects.filter(code=BENCH_CODE).exists():
        print(f"generating {args.lines:,} lines and {args.findings:,} findings …")
        generate(args.lines, args.findings)
    elif args.regenerate:
        raise SystemExit("the benchmark data already exists here: point at a new data dir or database")
    started = time.perf_counter()
    added = refresh_summaries()
    print(f"summaries: {added} in {time.perf_counter() - started:.1f} s")
    county = Unit.objects.get(code=BENCH_CODE)
    township = Unit.objects.get(code="B01")
    print(f"stored: {VoucherLine.objects.count():,} lines, {Finding.objects.count():,} findings")
    pages = []
    for username, unit in (("bench_county_commission", county), ("bench_township_discipline", township)):
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        pages += [
            (f"{username[6:]}: findings list", client, reverse("finance:finding_list")),
            (f"{username[6:]}: findings list p.20", client, reverse("finance:finding_list") + "?page=20"),
            (f"{username[6:]}: dashboard {unit.code}", client, reverse("finance:dash_unit", args=[unit.pk])),
            (f"{username[6:]}: dashboard {unit.code} 2025", client,
             reverse("finance:dash_unit", args=[unit.pk]) + "?year=2025"),
            (f"{username[6:]}: drill-down rule", client,
             reverse("finance:dash_findings", args=[unit.pk]) + "?rule=iou_receipt"),
        ]
    print(f"{'page':48} {'median':>9} {'p90':>9} queries   ({args.runs} runs each, after one warm-up)")
    worst = 0.0
    for label, client, url in pages:
        median, p90, queries = _time(client, url, args.runs)
        worst = max(worst, median)
        print(f"{label:48} {median:7.1f}ms {p90:7.1f}ms {queries:5d}")
    print(f"worst median {worst:.1f} ms: target < 300 ms {'MET' if worst < 300 else 'NOT MET'}")


if __name__ == "__main__":
    main()
