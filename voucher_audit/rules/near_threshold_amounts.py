"""Three or more amounts just below the approval threshold in a unit-year (regs §8.3 F12)."""

from voucher_audit.rules._base import INFO, SetRule, finding, money


def _base(ctx):
    t, lo, k = ctx.p("approval.threshold"), ctx.p("near_threshold.band_low"), ctx.p("near_threshold.min_count")
    return f"""
SELECT b.line_id, b.org_code, b.yr, b.amount, g.k, CASE WHEN b.near AND g.k >= {k} THEN 2 ELSE 1 END AS s
FROM (SELECT line_id, org_code, CAST(EXTRACT(YEAR FROM voucher_date) AS INTEGER) AS yr, amount,
             (amount >= {lo} * {t} AND amount < {t}) AS near FROM lines) AS b
JOIN (SELECT org_code, CAST(EXTRACT(YEAR FROM voucher_date) AS INTEGER) AS yr,
             SUM(CASE WHEN amount >= {lo} * {t} AND amount < {t} THEN 1 ELSE 0 END) AS k
      FROM lines GROUP BY org_code, CAST(EXTRACT(YEAR FROM voucher_date) AS INTEGER)) AS g
  ON g.org_code = b.org_code AND g.yr = b.yr
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
    base=_base, reasons=lambda ctx: [], build=_build,
    source=lambda ctx: ctx.src("approval.threshold", "near_threshold.band_low"),
)
