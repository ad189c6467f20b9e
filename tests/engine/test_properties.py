"""Hypothesis properties: row order never matters; a clean unrelated line never removes a finding."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from voucher_audit import standards
from voucher_audit.engines import DuckDBEngine
from voucher_audit.runner import run_audit

from tests.engine.conftest import GOLDEN, load_dir

STD = standards.load("central", dt.date(2026, 1, 1))
FIXTURES = ["split_payment", "duplicate_invoice", "consecutive_invoice_numbers", "reception_annual_budget_exceeded",
            "vehicle_use_on_rest_day", "lodging_over_cap", "loan_not_repaid", "voucher_number_gap"]


def _findings(lines, units, fleet):
    res = run_audit(lines, STD, DuckDBEngine(), units=units, fleet=fleet)
    return {(f.rule, f.line_ids, f.amount_at_stake, f.zh) for f in res.findings}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(FIXTURES), seed=st.randoms(use_true_random=False))
def test_permuting_rows_never_changes_findings(name, seed):
    lines, units, fleet = load_dir(GOLDEN / name)
    order = list(range(lines.num_rows))
    seed.shuffle(order)
    assert _findings(lines.take(pa.array(order)), units, fleet) == _findings(lines, units, fleet)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(FIXTURES), amount=st.integers(min_value=1, max_value=99))
def test_appending_a_clean_unrelated_line_never_removes_a_finding(name, amount):
    lines, units, fleet = load_dir(GOLDEN / name)
    before = _findings(lines, units, fleet)
    row = {c: None for c in lines.column_names}
    row.update(line_id="ZZ-clean", org_code="UNRELATED", voucher_no="记-2025-0001", voucher_date=dt.date(2025, 3, 11),
               category="office", amount=pa.scalar(amount, pa.decimal128(18, 2)).as_py(), payee="无关供应商",
               invoice_code="7700", invoice_no="55501", invoice_date=dt.date(2025, 3, 11), invoice_type="vat_normal",
               handler="甲", witness="乙", approver="丙", approval_date=dt.date(2025, 3, 11), payment_method="bank")
    if "_row" in row:
        row["_row"] = 10**6
    extra = pa.Table.from_pylist([row], schema=lines.schema)
    after = _findings(pa.concat_tables([lines, extra]), units, fleet)
    assert before <= after
