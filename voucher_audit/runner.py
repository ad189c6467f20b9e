"""Run the rule suite on one engine: register the tables, one fused pass, then the set rules."""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as dt
import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import repeat
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from voucher_audit import compile as C
from voucher_audit import standards as stds
from voucher_audit.io import Stored, _empty
from voucher_audit.rules import ORDER
from voucher_audit.rules._base import Ctx, Finding, LineRule
from voucher_audit.schema import UNITS

FAR_FUTURE = dt.date(9999, 12, 31)
FAR_PAST = dt.date(1900, 1, 1)


@dataclass
class AuditResult:
    findings: list[Finding]
    coverage: list[dict[str, Any]]
    reasons: dict[str, dict[str, int]]
    lines: int
    engine: str
    timings: dict[str, float] = field(default_factory=dict)


def lookup_tables(std: stds.Standards, units: pa.Table | None, fleet: pa.Table | None) -> dict[str, pa.Table]:
    seen: set[tuple] = set()
    rows = []
    for dest, rank, month, cap, label, f, t in stds.lodging_lookup_rows(std):
        if (dest, rank, month, f) in seen:
            continue
        seen.add((dest, rank, month, f))
        rows.append((dest, rank, month, cap, label, f or FAR_PAST, t or FAR_FUTURE))
    lodging = pa.table({
        "dest": pa.array([r[0] for r in rows], pa.string()), "rank": pa.array([r[1] for r in rows], pa.string()),
        "month": pa.array([r[2] for r in rows], pa.int64()),
        "cap": pa.array([r[3] for r in rows], pa.decimal128(18, 2)),
        "label": pa.array([r[4] for r in rows], pa.string()),
        "eff_from": pa.array([r[5] for r in rows], pa.date32()), "eff_to": pa.array([r[6] for r in rows], pa.date32()),
    })
    dests = sorted(stds.lodging_destinations(std))
    levels = [r for r in std.class_matrix if not r["rank"]]
    maxes = [r for r in std.class_matrix if r["rank"]]
    cal = stds.calendar_days(std)
    window = int(std.get("festival.window_days"))
    firsts = stds.festival_first_days(std)
    fest: dict[dt.date, tuple[dt.date, str]] = {}
    for first, name in firsts:
        for k in range(-window, window + 1):
            day = first + dt.timedelta(days=k)
            cur = fest.get(day)
            # nearest festival wins; ties go to the earlier festival, deterministically
            if cur is None or abs((day - first).days) < abs((day - cur[0]).days):
                fest[day] = (first, name)
    fest_days = sorted(fest)
    if units is None:
        units = _empty(UNITS).drop_columns(["_row"])
    else:
        units = units.drop_columns([c for c in ("_row",) if c in units.column_names])
    if fleet is None:
        fleet = pa.table({"org_code": pa.array([], pa.string()), "plate_key": pa.array([], pa.string())})
    else:
        con = duckdb.connect()
        con.register("f", fleet)
        fleet = con.sql(f"SELECT DISTINCT org_code, {C.plate_key('plate')} AS plate_key FROM f").arrow()
        if hasattr(fleet, "read_all"):
            fleet = fleet.read_all()
    return {
        "units": units,
        "fleet": fleet,
        "lodging_lookup": lodging,
        "lodging_dest": pa.table({"dest": pa.array(dests, pa.string())}),
        "class_level": pa.table({"mode": [r["mode"] for r in levels], "cls": [r["class"] for r in levels],
                                 "level": pa.array([int(r["level"]) for r in levels], pa.int64())}),
        "class_max": pa.table({"mode": [r["mode"] for r in maxes], "rank": [r["rank"] for r in maxes],
                               "level": pa.array([int(r["level"]) for r in maxes], pa.int64())}),
        "calendar": pa.table({"d": pa.array([c[0] for c in cal], pa.date32()),
                              "is_rest": pa.array([c[1] for c in cal], pa.bool_()),
                              "holiday": pa.array([c[2] for c in cal], pa.string())}),
        "festival_window": pa.table({"d": pa.array(fest_days, pa.date32()),
                                     "first_day": pa.array([fest[d][0] for d in fest_days], pa.date32()),
                                     "name": pa.array([fest[d][1] for d in fest_days], pa.string())}),
    }


def _int(v: Any) -> int:
    return int(v or 0)


def run_audit(lines: pa.Table | Stored | Any, std: stds.Standards, engine, units: pa.Table | None = None,
              fleet: pa.Table | None = None, rules: list[str] | None = None,
              progress: Callable[[str], None] | None = None) -> AuditResult:
    ctx = Ctx(std=std, has_units=units is not None, has_fleet=fleet is not None)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    if isinstance(lines, pa.Table):
        engine.register("lines", lines.drop_columns([c for c in ("_row",) if c in lines.column_names]))
    else:  # stored in DuckDB, or read by Spark's executors (voucher_audit.io.sparkread.SparkLines)
        engine.register("lines", lines)
    for name, table in lookup_tables(std, units, fleet).items():
        engine.register(name, table)
    engine.view("l", C.enriched_view_sql())
    timings["register"] = time.perf_counter() - t0

    pool = cf.ThreadPoolExecutor(max_workers=1, thread_name_prefix="findings")
    try:
        with _gc_paused():
            return _run(engine, ctx, rules, lines.num_rows, timings, pool, progress)
    finally:
        pool.shutdown(wait=True)


@contextlib.contextmanager
def _gc_paused():
    """Findings are up to millions of small tuples and strings, none in a reference cycle. While they are made,
    Python's cyclic collector would walk every one of them again on each full pass: 1.5 s of the 2.6 s that
    815 k line findings took at 10 M lines. It runs again as soon as the audit is done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _run(engine, ctx: Ctx, rules: list[str] | None, n_lines: int, timings: dict[str, float],
         pool: cf.ThreadPoolExecutor, progress: Callable[[str], None] | None) -> AuditResult:
    coverage: dict[str, dict[str, Any]] = {}
    reasons: dict[str, dict[str, int]] = {}
    by_rule: dict[str, list[Finding]] = {}
    lrules = C.line_rules(rules)
    line_findings: cf.Future | None = None
    builds: dict[str, cf.Future] = {}
    if lrules:
        t = time.perf_counter()
        engine.materialize("_line_groups", C.fused_status_sql(lrules, ctx))
        counts = C.coverage_counts(lrules, ctx, engine.query(C.fused_coverage_sql(lrules, "_line_groups")))
        for r in lrules:
            c = counts[r.id]
            coverage[r.id] = {"rule": r.id, "applicable": c["applicable"], "evaluated": c["evaluated"],
                              "flagged": c["flagged"]}
            reasons[r.id] = {reason: c["ne"][i] for i, reason in enumerate(r.reasons(ctx))}
        timings["fused_coverage"] = time.perf_counter() - t
        if progress:
            progress("line rules: coverage")
        t = time.perf_counter()
        flagged = [r for r in lrules if coverage[r.id]["flagged"]]
        if flagged:
            engine.materialize("_line_flagged_keys", C.flagged_keys_sql(lrules, "_line_groups"))
            engine.materialize("_line_flagged", C.flagged_lines_sql(flagged, ctx, "_line_flagged_keys"))
            table = engine.query_arrow(C.fused_findings_sql(flagged, ctx, "_line_flagged"))
            for name in ("_line_flagged_keys", "_line_flagged"):
                engine.drop(name)
            # the engine rendered the messages; turning the rows into Findings is Python work, done on a second
            # thread while the engine (which releases the GIL) runs the set rules below
            line_findings = pool.submit(_line_findings, flagged, table, ctx)
        engine.drop("_line_groups")
        timings["fused_findings"] = time.perf_counter() - t
    for r in C.set_rules(rules):
        t = time.perf_counter()
        prepared = r.prepare(ctx)
        for name, sql in prepared:
            engine.materialize(name, sql)
        base = None
        if r.base is not None and (r.coverage is None or r.findings is None):
            # the base query feeds both coverage and findings: evaluate it once
            base = f"_base_{r.id}"
            engine.materialize(base, r.base(ctx))
        agg = engine.query(r.coverage_sql(ctx, base))[0]
        coverage[r.id] = {"rule": r.id, "applicable": _int(agg["applicable"]), "evaluated": _int(agg["evaluated"]),
                          "flagged": _int(agg["flagged"])}
        reasons[r.id] = {reason: _int(agg.get(f"ne_{i}")) for i, reason in enumerate(r.reasons(ctx))}
        if coverage[r.id]["flagged"] or r.id == "benford_nonconformity":
            # the rows are fetched now (the tables below are dropped); their findings are built on the thread
            rows = engine.query_arrow(r.findings_sql(ctx, base))
            builds[r.id] = pool.submit(lambda r=r, rows=rows: _sorted(r.build(rows.to_pylist(), ctx)))
        for name in [base, *(n for n, _ in prepared)]:
            if name:
                engine.drop(name)
        timings[r.id] = time.perf_counter() - t
        if progress:
            progress(r.id)
    t = time.perf_counter()
    if line_findings is not None:
        by_rule.update(line_findings.result())
    by_rule.update({rid: f.result() for rid, f in builds.items()})
    timings["findings_wait"] = time.perf_counter() - t
    if lrules and progress:
        progress("line rules: findings")
    for rid, c in coverage.items():
        c["not_evaluable"] = c["applicable"] - c["evaluated"]
        reasons[rid] = {k: v for k, v in reasons[rid].items() if v}
    # findings in rule order, each rule's sorted by unit, lines and message (line rules sorted on the thread)
    findings = [f for rid in sorted(by_rule, key=ORDER.__getitem__) for f in by_rule[rid]]
    cov = [coverage[rid] for rid in sorted(coverage, key=ORDER.__getitem__)]
    return AuditResult(findings=findings, coverage=cov, reasons={k: v for k, v in reasons.items() if v},
                       lines=n_lines, engine=engine.name, timings=timings)


def _sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=Finding.sort_key)


def _cents(stakes: pa.ChunkedArray | pa.Array) -> list[Decimal | None]:
    """Amounts at stake rounded to the cent half to even (as ``Decimal.quantize``), as Decimals. Rounded by
    Arrow and built from text: three times faster than Arrow's own conversion to Decimal and quantizing."""
    rounded = pc.round(stakes, ndigits=2, round_mode="half_to_even").cast(pa.decimal128(38, 2))
    return [None if v is None else Decimal(v) for v in rounded.cast(pa.string()).to_pylist()]


def _line_findings(rules: list[LineRule], table: pa.Table, ctx: Ctx) -> dict[str, list[Finding]]:
    """Each line rule's findings from the rendered rows (:func:`compile.fused_findings_sql`), column-wise, in
    :meth:`Finding.sort_key` order (unit, line, message: Arrow sorts strings by code point, as Python does).

    The tuples are made by ``tuple.__new__`` over zipped columns, all in C: a named tuple's own ``__new__`` is
    Python code and took a second per 800 k findings."""
    out = {}
    for i, rule in enumerate(rules):
        sub = table.filter(pc.equal(table.column("r"), i))
        sub = sub.sort_by([("org_code", "ascending"), ("line_id", "ascending"), ("zh", "ascending")])
        orgs, ids, zhs, ens = (sub.column(c).to_pylist() for c in ("org_code", "line_id", "zh", "en"))
        rows = zip(repeat(rule.id), repeat(rule.severity), zip(ids), orgs, _cents(sub.column("stake")), zhs, ens,
                   repeat(ctx.source_of(rule)))
        out[rule.id] = list(map(tuple.__new__, repeat(Finding), rows))
    return out
