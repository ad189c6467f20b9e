"""Engine tests: pure Python, no Django (run alone by scripts/test_engine_alone.sh with -p no:django)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import duckdb
import pytest
from voucher_audit import io, schema, standards
from voucher_audit.engines import DuckDBEngine, connect
from voucher_audit.runner import run_audit

GOLDEN = Path(__file__).resolve().parent / "golden"
REPO = Path(__file__).resolve().parents[2]


def load_dir(d: Path):
    con = duckdb.connect()
    lines = io.load_tables(con, [d / "lines.csv"], schema.LINES).table
    units = io.load_tables(con, [d / "units.csv"], schema.UNITS).table if (d / "units.csv").exists() else None
    fleet = io.load_tables(con, [d / "fleet.csv"], schema.FLEET).table if (d / "fleet.csv").exists() else None
    return lines, units, fleet


def audit_dir(d: Path, engine=None, as_of="2026-01-01", rules=None):
    """The fixture through the CLI's path: on DuckDB the lines stay stored in the engine's connection."""
    import datetime as dt

    std = standards.load("central", dt.date.fromisoformat(as_of))
    if engine is None:
        con = connect()
        lines = io.load_tables(con, [d / "lines.csv"], schema.LINES, into="_lines").table
        _, units, fleet = load_dir(d)
        return run_audit(lines, std, DuckDBEngine(con), units=units, fleet=fleet, rules=rules)
    lines, units, fleet = load_dir(d)
    return run_audit(lines, std, engine, units=units, fleet=fleet, rules=rules)


def expected(d: Path) -> dict:
    return json.loads((d / "expected.json").read_text(encoding="utf-8"))


def cleangov_script() -> list[str]:
    """The real console script when installed, else the module (the engine-alone venv has no cleangov)."""
    script = Path(sys.executable).parent / "cleangov"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "voucher_audit.cli"]


@pytest.fixture
def env():
    e = dict(os.environ)
    e["PYTHONPATH"] = str(REPO) + os.pathsep + e.get("PYTHONPATH", "")
    return e
