"""Set rules narrow their work with hashed keys first and then decide exactly: forcing every key to collide
must not change a single finding or coverage count, only the time taken."""

from __future__ import annotations

import datetime as dt

import pytest
from voucher_audit import io, schema, standards
from voucher_audit.engines import DuckDBEngine, connect
from voucher_audit.rules import consecutive_invoice_numbers, split_payment
from voucher_audit.runner import run_audit

from tests.engine.conftest import GOLDEN, audit_dir

CASES = [(split_payment, "GROUP_HASH", ["split_payment"]),
         (consecutive_invoice_numbers, "GROUP_HASH", ["consecutive_invoice_numbers"])]


def _doc(result, rules):
    return ([f.as_dict() for f in result.findings if f.rule in rules],
            [c for c in result.coverage if c["rule"] in rules])


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    from benchmarks.generate import generate

    d = tmp_path_factory.mktemp("gen")
    generate(30_000, d / "lines.parquet", d / "units.csv", d / "fleet.csv")
    return d


def _audit_generated(d, rules):
    con = connect()
    lines = io.load_tables(con, [d / "lines.parquet"], schema.LINES, into="_lines").table
    units = io.load_tables(con, [d / "units.csv"], schema.UNITS).table
    fleet = io.load_tables(con, [d / "fleet.csv"], schema.FLEET).table
    std = standards.load("central", dt.date(2026, 1, 1))
    return run_audit(lines, std, DuckDBEngine(con), units=units, fleet=fleet, rules=rules)


@pytest.mark.parametrize(("module", "name", "rules"), CASES, ids=[c[2][0] for c in CASES])
@pytest.mark.parametrize("collide", ["0", "hash(payee)"])
def test_colliding_hashes_change_nothing(module, name, rules, collide, generated, monkeypatch):
    golden = GOLDEN / rules[0]
    want_golden = _doc(audit_dir(golden, rules=rules), rules)
    want_generated = _doc(_audit_generated(generated, rules), rules)
    assert want_generated[0], "the generated set should exercise the rule"
    monkeypatch.setattr(module, name, collide)
    assert _doc(audit_dir(golden, rules=rules), rules) == want_golden
    assert _doc(_audit_generated(generated, rules), rules) == want_generated
