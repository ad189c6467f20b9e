"""Too many round thousands in a unit-year (docs/regulations.md F13; Nigrini number-duplication style)."""

from voucher_audit.rules._base import INFO, SetRule, finding

YEAR = "CAST(EXTRACT(YEAR FROM voucher_date) AS INTEGER)"
ROUND = "(amount >= 1000 AND amount % 1000 = 0)"
# per unit-year: lines, amounts >= 1000 and round thousands among them, counted in one pass; only the round
# lines of the unit-years that qualify are read again for the findings
GROUPS = "_round_amounts_g"
PREPARE_GROUPS = f"""
SELECT org_code, {YEAR} AS yr, COUNT(*) AS n, SUM(CASE WHEN amount >= 1000 THEN 1 ELSE 0 END) AS nb,
       SUM(CASE WHEN {ROUND} THEN 1 ELSE 0 END) AS nr
FROM lines GROUP BY org_code, {YEAR}
"""


def _qualifies(ctx):
    n, share = ctx.p("round_amounts.min_lines"), ctx.p("round_amounts.max_share")
    return f"n >= {n} AND nr > {share} * nb"


def _coverage(ctx):
    n = ctx.p("round_amounts.min_lines")
    return f"""
SELECT SUM(n) AS applicable, SUM(CASE WHEN n >= {n} THEN n ELSE 0 END) AS evaluated,
       SUM(CASE WHEN {_qualifies(ctx)} THEN nr ELSE 0 END) AS flagged,
       SUM(CASE WHEN n < {n} THEN n ELSE 0 END) AS ne_0
FROM {GROUPS}
"""


def _findings(ctx):
    return f"""
SELECT b.line_id, b.org_code, b.yr, g.n, g.nb, g.nr
FROM (SELECT line_id, org_code, {YEAR} AS yr FROM lines WHERE {ROUND}) AS b
JOIN (SELECT * FROM {GROUPS} WHERE {_qualifies(ctx)}) AS g ON g.org_code = b.org_code AND g.yr = b.yr
"""


def _build(rows, ctx):
    groups: dict[tuple, list] = {}
    for r in rows:
        groups.setdefault((r["org_code"], r["yr"]), []).append(r)
    out = []
    for (org, yr), members in sorted(groups.items()):
        r0 = members[0]
        pct = 100 * r0["nr"] / r0["nb"]
        zh = f"{org} {yr} 年 1000 元以上的 {r0['nb']} 笔金额中有 {r0['nr']} 笔为整千元（{pct:.1f}%，超过 20%）"
        en = f"{org} {yr}: {r0['nr']} of {r0['nb']} amounts ≥ 1000 are round thousands ({pct:.1f}%, above 20%)"
        out.append(finding(RULE, {"org_code": org}, ctx, line_ids=[r["line_id"] for r in members], zh=zh, en=en))
    return out


RULE = SetRule(
    id="round_amounts", severity=INFO, title="Round amounts",
    coverage=_coverage, findings=_findings, prepare=lambda ctx: [(GROUPS, PREPARE_GROUPS)],
    reasons=lambda ctx: ["unit-year has fewer than the minimum lines"], build=_build,
    source=lambda ctx: ctx.src("round_amounts.min_lines", "round_amounts.max_share"),
)
