"""The benchmark's floor (a bare scan of every canonical column) is honest only if the rules read them all."""

from __future__ import annotations

import datetime as dt
import re

from voucher_audit import compile as C
from voucher_audit import schema, standards
from voucher_audit.rules._base import Ctx


def test_every_canonical_column_is_read_by_some_rule():
    ctx = Ctx(std=standards.load("central", dt.date(2026, 1, 1)), has_units=True, has_fleet=True)
    lrules = C.line_rules()
    sql = [C.enriched_view_sql(), C.fused_status_sql(lrules, ctx), C.flagged_lines_sql(lrules, ctx, "k"),
           C.fused_findings_sql(lrules, ctx, "st")]
    for r in C.set_rules():
        sql += [q for _, q in r.prepare(ctx)]
        sql += [f(ctx) for f in (r.base, r.coverage, r.findings) if f is not None]
    text = "\n".join(sql)
    unread = [c.name for c in schema.LINES.columns if not re.search(rf"\b{c.name}\b", text)]
    assert unread == []
