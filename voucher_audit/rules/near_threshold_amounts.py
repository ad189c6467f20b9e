"""Three or more amounts just below the approval threshold in a unit-year (docs/regulations.md F12)."""

from voucher_audit.rules._base import INFO, SetRule, finding, money

YEAR = "CAST(EXTRACT(YEAR FROM voucher_date) AS INTEGER)"
# per unit-year: lines and amounts in the band, counted in one pass; only the band's lines of the unit-years
# that qualify are read again for the findings
GROUPS = "_near_threshold_amounts_g"


def _near(ctx):
    t, lo = ctx.p("approval.threshold"), ctx.p("near_threshold.band_low")
    return f"(amount >= {lo} * {t} AND amount < {t})"


def _prepare(ctx):
    return [(GROUPS, f"""
SELECT org_code, {YEAR} AS yr, COUNT(*) AS n, SUM(CASE WHEN {_near(ctx)} THEN 1 ELSE 0 END) AS k
FROM lines GROUP BY org_code, {YEAR}
""")]


def _coverage(ctx):
    k = ctx.p("near_threshold.min_count")
    return f"""
SELECT SUM(n) AS applicable, SUM(n) AS evaluated, SUM(CASE WHEN k >= {k} THEN k ELSE 0 END) AS flagged
FROM {GROUPS}
"""


def _findings(ctx):
    k = ctx.p("near_threshold.min_count")
    return f"""
SELECT b.line_id, b.org_code, b.yr, b.amount, g.k
FROM (SELECT line_id, org_code, {YEAR} AS yr, amount FROM lines WHERE {_near(ctx)}) AS b
JOIN (SELECT * FROM {GROUPS} WHERE k >= {k}) AS g ON g.org_code = b.org_code AND g.yr = b.yr
"""


def _build(rows, ctx):
    t = ctx.std.dec("approval.threshold")
    lo = (ctx.std.dec("near_threshold.band_low") * t).quantize(t)
    groups: dict[tuple, list] = {}
    for r in rows:
        groups.setdefault((r["org_code"], r["yr"]), []).append(r)
    out = []
    for (org, yr), members in sorted(groups.items()):
        amounts = "、".join(money(r["amount"]) for r in sorted(members, key=lambda r: r["line_id"])[:10])
        zh = f"{org} {yr} 年有 {len(members)} 笔金额在 [{lo:.2f}, {t:.2f}) 之间，接近审批限额：{amounts}"
        en = f"{org} {yr}: {len(members)} amounts in [{lo:.2f}, {t:.2f}), just below the approval threshold"
        out.append(finding(RULE, {"org_code": org}, ctx, line_ids=[r["line_id"] for r in members], zh=zh, en=en))
    return out


RULE = SetRule(
    id="near_threshold_amounts", severity=INFO, title="Amounts just below the threshold",
    coverage=_coverage, findings=_findings, prepare=_prepare,
    reasons=lambda ctx: [], build=_build,
    source=lambda ctx: ctx.src("approval.threshold", "near_threshold.band_low"),
)
