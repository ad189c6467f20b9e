"""``cleangov audit`` and ``cleangov standards``: the engine's command line (no Django).

    cleangov audit run INPUT... [--units F] [--fleet F] [--standards central] [--engine duckdb|spark]
                               [--format json|table|xlsx] [--output PATH] [--skip-invalid] [--as-of DATE]
    cleangov audit standards show [--county PACK] [--date D]
    cleangov standards show [--county PACK] [--date D]

Exit codes: 0 no findings, 1 findings, 2 bad usage, 3 input error (the report names row, column, value, reason),
4 the engine failed (a Spark master out of reach, a job that failed on the cluster): one line on stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INPUT, EXIT_ENGINE = 0, 1, 2, 3, 4


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from None


def _parser(prog: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description="Voucher audit engine: spending rules over voucher lines.")
    sub = p.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run", prog=f"{prog} run", help="audit voucher-line files")
    run.add_argument("inputs", nargs="+", metavar="INPUT",
                     help="CSV (UTF-8/BOM/GBK), XLSX or Parquet files; with --engine spark, locations Spark reads "
                          "(a Parquet or CSV file or directory: a path, file://, hdfs://, s3a://)")
    run.add_argument("--units", help="units table: org_code, name, level, province, city, reception_budget")
    run.add_argument("--fleet", help="official fleet: org_code, plate")
    run.add_argument("--standards", default="central",
                     help="standards pack (name or directory; parents follow), or a comma list, lowest layer last")
    run.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    run.add_argument("--spark-master", default=None, help="Spark master URL (default local[2])")
    run.add_argument("--spark-conf", action="append", default=[], metavar="KEY=VALUE",
                     help="a Spark setting, e.g. spark.executor.memory=4g (repeatable)")
    run.add_argument("--input-format", choices=["parquet", "csv"], default=None,
                     help="with --engine spark: the kind of files at the input locations (default: by their names)")
    run.add_argument("--csv-encoding", default="UTF-8", help="with --engine spark: the encoding of CSV input")
    run.add_argument("--findings-out", default=None, metavar="URI",
                     help="also write the findings as Parquet partitioned by rule (a path, file://, hdfs://, s3a://)")
    run.add_argument("--format", choices=["json", "table", "xlsx"], default="json")
    run.add_argument("--output", help="write the report here instead of stdout (required for xlsx)")
    run.add_argument("--skip-invalid", action="store_true", help="skip invalid rows and report them")
    run.add_argument("--as-of", type=_date, default=None, help="date the standards are resolved for (default today)")
    run.add_argument("--rules", default=None, help="comma list of rule ids (default all)")
    run.add_argument("--memory-limit", default=None,
                     help="DuckDB memory limit, spilling to disk beyond it "
                          "(default 2GB, or VOUCHER_AUDIT_MEMORY_LIMIT)")
    std = sub.add_parser("standards", prog=f"{prog} standards", help="spending standards")
    ssub = std.add_subparsers(dest="std_cmd", required=True)
    show = ssub.add_parser("show", prog=f"{prog} standards show", help="print every effective value and its source")
    show.add_argument("--county", default="central", help="pack name or directory (its parents are layered below)")
    show.add_argument("--date", type=_date, default=None)
    sub.add_parser("rules", prog=f"{prog} rules", help="list the rules")
    return p


def _standards_parser(prog: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description="Spending standards (versioned packs).")
    ssub = p.add_subparsers(dest="std_cmd", required=True)
    show = ssub.add_parser("show", prog=f"{prog} show", help="print every effective value and its source")
    show.add_argument("--county", default="central", help="pack name or directory (its parents are layered below)")
    show.add_argument("--date", type=_date, default=None)
    return p


def _show(args) -> int:
    from voucher_audit import standards

    try:
        std = standards.load(args.county, args.date)
    except standards.StandardsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    print(standards.show(std))
    return EXIT_OK


def _input_error(exc, fmt: str) -> int:
    for e in exc.errors:
        print(f"input error: {e}", file=sys.stderr)
    if exc.total > len(exc.errors):
        print(f"... and {exc.total - len(exc.errors)} more", file=sys.stderr)
    if fmt == "json":
        print(json.dumps({"errors": [e.as_dict() for e in exc.errors], "error_count": exc.total}, ensure_ascii=False,
                         indent=2))
    return EXIT_INPUT


def _run(args) -> int:

    from voucher_audit import io, schema, standards
    from voucher_audit.engines import connect, make_engine
    from voucher_audit.rules import RULES
    from voucher_audit.runner import run_audit

    if args.format == "xlsx" and not args.output:
        print("error: --format xlsx needs --output PATH", file=sys.stderr)
        return EXIT_USAGE
    selected = None
    if args.rules:
        selected = [r.strip() for r in args.rules.split(",") if r.strip()]
        unknown = [r for r in selected if r not in RULES]
        if unknown:
            print(f"error: unknown rule(s): {', '.join(unknown)}", file=sys.stderr)
            return EXIT_USAGE
    started = time.perf_counter()
    try:
        std = standards.load(args.standards, args.as_of)
    except (standards.StandardsError, OSError) as exc:
        print(f"input error: standards: {exc}", file=sys.stderr)
        return EXIT_INPUT
    try:
        con = connect(args.memory_limit)
    except Exception as exc:  # duckdb rejects an unreadable size: "1.5 gigs"
        print(f"error: --memory-limit: {exc}", file=sys.stderr)
        return EXIT_USAGE
    conf, bad = {}, [c for c in args.spark_conf if "=" not in c]
    if bad:
        print(f"error: --spark-conf wants KEY=VALUE, not {bad[0]!r}", file=sys.stderr)
        return EXIT_USAGE
    for item in args.spark_conf:
        key, value = item.split("=", 1)
        conf[key.strip()] = value.strip()
    if args.engine == "spark":
        return _run_spark(args, con, std, selected, started, conf)
    try:
        # the lines stay inside DuckDB (native storage, spilled past the memory limit), not in Arrow memory
        lines = io.load_tables(con, args.inputs, schema.LINES, args.skip_invalid, into="_lines")
        units = io.load_tables(con, [args.units], schema.UNITS, args.skip_invalid) if args.units else None
        fleet = io.load_tables(con, [args.fleet], schema.FLEET, args.skip_invalid) if args.fleet else None
    except io.InputError as exc:
        return _input_error(exc, args.format)
    load_s = time.perf_counter() - started

    bar, progress = _progress(args)
    engine = make_engine(args.engine, args.spark_master, con=con)
    try:
        result = run_audit(lines.table, std, engine, units=units.table if units else None,
                           fleet=fleet.table if fleet else None, rules=selected, progress=progress)
    finally:
        engine.close()
        if bar is not None:
            bar.close()
    if args.findings_out:
        from voucher_audit.findings_out import write_findings

        try:
            write_findings(result.findings, args.findings_out)
        except (OSError, ValueError) as exc:
            print(f"error: --findings-out: {exc}", file=sys.stderr)
            return EXIT_USAGE
    return _report(args, std, result, lines, units, fleet, started, load_s)


def _progress(args):
    if args.format != "table":
        return None, None
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is an engine requirement
        return None, None
    bar = tqdm(total=2 + 11, desc="audit", unit="step", file=sys.stderr, leave=False)
    return bar, (lambda _name: bar.update(1))


def _spark_reachable(master: str | None) -> str | None:
    """A standalone master that does not answer is named at once (Spark itself retries for a minute)."""
    import socket
    from urllib.parse import urlsplit

    if not master or not master.startswith("spark://"):
        return None
    for hostport in master[len("spark://"):].split(","):
        parts = urlsplit("spark://" + hostport)
        try:
            with socket.create_connection((parts.hostname or "", parts.port or 7077), timeout=5):
                return None
        except OSError as exc:
            last = f"cannot reach the Spark master {hostport}: {exc.strerror or exc}"
    return last


def _spark_error(exc: BaseException) -> str:
    """One line for a failure on the cluster: the Java exception's message (the root cause's, where a task
    failed), without the JVM stack."""
    text = str(exc).strip()
    java = getattr(exc, "java_exception", None) or getattr(exc, "_origin", None)
    if java is not None:
        try:
            causes = [java]
            while causes[-1].getCause() is not None and len(causes) < 20:
                causes.append(causes[-1].getCause())
            text = "\n".join(str(c.toString()) for c in (causes[0], causes[-1]))
        except Exception:  # noqa: S110 - the gateway may be gone: the Python-side text is kept
            pass
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith(
        ("at ", "JVM stacktrace", "Traceback", "Driver stacktrace", "..."))]
    return " | ".join(dict.fromkeys(lines))[:2000] if lines else type(exc).__name__


def _run_spark(args, con, std, selected, started: float, conf: dict[str, str]) -> int:
    """``--engine spark``: Spark reads, normalises and checks the lines on its executors; the small units and
    fleet tables are read here and travel inside the queries."""
    from voucher_audit import io, schema
    from voucher_audit.runner import run_audit

    unreachable = _spark_reachable(args.spark_master)
    if unreachable:
        print(f"error: Spark: {unreachable}", file=sys.stderr)
        return EXIT_ENGINE
    try:
        units = io.load_tables(con, [args.units], schema.UNITS, args.skip_invalid) if args.units else None
        fleet = io.load_tables(con, [args.fleet], schema.FLEET, args.skip_invalid) if args.fleet else None
    except io.InputError as exc:
        return _input_error(exc, args.format)
    engine = lines = None
    try:
        from voucher_audit.engines import SparkEngine
        from voucher_audit.io import sparkread

        engine = SparkEngine(args.spark_master, conf)
        try:
            lines = sparkread.load_lines(engine.spark, args.inputs, schema.LINES, args.skip_invalid,
                                         fmt=args.input_format, csv_encoding=args.csv_encoding)
        except io.InputError as exc:
            return _input_error(exc, args.format)
        load_s = time.perf_counter() - started
        bar, progress = _progress(args)
        try:
            result = run_audit(lines.table, std, engine, units=units.table if units else None,
                               fleet=fleet.table if fleet else None, rules=selected, progress=progress)
        finally:
            if bar is not None:
                bar.close()
        if args.findings_out:
            from voucher_audit.findings_out import write_findings

            write_findings(result.findings, args.findings_out, spark=engine.spark)
    except ImportError as exc:
        print(f"error: --engine spark needs pyspark (pip install 'cleangov[spark]'): {exc}", file=sys.stderr)
        return EXIT_ENGINE
    except Exception as exc:
        if not _is_spark_error(exc):
            raise
        print(f"error: Spark: {_spark_error(exc)}", file=sys.stderr)
        return EXIT_ENGINE
    finally:
        if lines is not None:
            _quietly(lines.table.drop)
        if engine is not None:
            _quietly(engine.close)
    return _report(args, std, result, lines, units, fleet, started, load_s)


def _is_spark_error(exc: BaseException) -> bool:
    mod = type(exc).__module__ or ""
    return mod.startswith(("pyspark", "py4j")) or isinstance(exc, (ConnectionError, EOFError))


def _quietly(fn) -> None:
    try:
        fn()
    except Exception:  # noqa: S110 - cleaning up after a failed cluster: nothing more to say
        pass


def _report(args, std, result, lines, units, fleet, started: float, load_s: float) -> int:
    from voucher_audit import report

    skipped = lines.skipped + (units.skipped if units else []) + (fleet.skipped if fleet else [])
    extra = {
        "standards": std.chain,
        "as_of": std.as_of.isoformat(),
        "inputs": lines.files,
        "skipped_rows": [e.as_dict() for e in skipped],
        "ignored_columns": sorted(set(lines.ignored_columns)),
        "seconds": {"load": round(load_s, 3), "rules": round(time.perf_counter() - started - load_s, 3)},
    }
    if args.format == "json":
        text = report.dumps(report.as_json(result, extra))
        if args.output:
            Path(args.output).write_text(text + "\n", encoding="utf-8")
        else:
            print(text)
    elif args.format == "table":
        text = report.as_table(result, extra)
        if args.output:
            Path(args.output).write_text(text + "\n", encoding="utf-8")
        else:
            print(text)
    else:
        report.write_xlsx(result, extra, Path(args.output))
    for e in skipped:
        print(f"skipped: {e}", file=sys.stderr)
    return EXIT_FINDINGS if result.findings else EXIT_OK


def _rules() -> int:
    from voucher_audit.rules import RULES

    for r in RULES.values():
        print(f"{r.id:36} {r.severity:6} {r.kind:5} {r.title}")
    return EXIT_OK


def main(argv: list[str] | None = None, prog: str = "cleangov audit") -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if prog.endswith("standards"):
        parser = _standards_parser(prog)
    else:
        parser = _parser(prog)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_USAGE
    if prog.endswith("standards") or args.cmd == "standards":
        return _show(args)
    if args.cmd == "rules":
        return _rules()
    return _run(args)


def console(argv: list[str] | None = None) -> int:
    """``python -m voucher_audit.cli audit …`` / ``… standards …``: the words of the cleangov console script,
    for an engine-only install without the cleangov package; without a leading word it is ``audit``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("audit", "standards"):
        return main(argv[1:], prog=f"cleangov {argv[0]}")
    return main(argv)


if __name__ == "__main__":
    sys.exit(console())
