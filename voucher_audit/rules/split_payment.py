"""Payments split to stay under the approval limit: same unit and payee, each below the threshold, together at or
above it within a 7-day window (regs §2 R9, §8.3 F11)."""

from decimal import Decimal

from voucher_audit.rules._base import WARN, SetRule, blank, finding, money


def _base(ctx):
    t, w = ctx.p("approval.threshold"), int(ctx.std.get("split.window_days")) - 1
    eligible = f"amount < {t} AND NOT {blank('payee')}"
    # lines under the threshold with a payee go through the windows; the others are passed (or not evaluable:
    # no payee) directly, so no join over all lines is needed
    return f"""
SELECT line_id, org_code, amount, pk, d, CASE WHEN qstart IS NOT NULL THEN 2 ELSE 1 END AS s
FROM (
  SELECT line_id, org_code, amount, pk, d,
         MAX(CASE WHEN wcnt >= 2 AND wsum >= {t} THEN dn END) OVER (
             PARTITION BY org_code, pk ORDER BY dn RANGE BETWEEN {w} PRECEDING AND CURRENT ROW) AS qstart
  FROM (
    SELECT line_id, org_code, amount, pk, d, dn,
           SUM(amount) OVER (PARTITION BY org_code, pk ORDER BY dn RANGE BETWEEN CURRENT ROW AND {w} FOLLOWING) AS wsum,
           COUNT(*) OVER (PARTITION BY org_code, pk ORDER BY dn RANGE BETWEEN CURRENT ROW AND {w} FOLLOWING) AS wcnt
    FROM (SELECT line_id, org_code, payee AS pk, amount, COALESCE(invoice_date, voucher_date) AS d,
                 date_diff('day', DATE '1970-01-01', COALESCE(invoice_date, voucher_date)) AS dn
          FROM lines WHERE {eligible}) AS c
  ) AS w
) AS q
UNION ALL
SELECT line_id, org_code, amount, payee AS pk, COALESCE(invoice_date, voucher_date) AS d,
       CASE WHEN {blank('payee')} THEN 10 ELSE 1 END AS s
FROM lines WHERE NOT ({eligible})
"""


def _build(rows, ctx):
    window = int(ctx.std.get("split.window_days"))
    t = ctx.std.dec("approval.threshold")
    groups: dict[tuple, list] = {}
    for r in rows:
        groups.setdefault((r["org_code"], r["pk"]), []).append(r)
    out = []
    for (org, payee), members in sorted(groups.items()):
        members.sort(key=lambda r: (r["d"], r["line_id"]))
        clusters, cur = [], [members[0]]
        for r in members[1:]:
            if (r["d"] - cur[-1]["d"]).days >= window:
                clusters.append(cur)
                cur = []
            cur.append(r)
        clusters.append(cur)
        for c in clusters:
            total = sum((Decimal(r["amount"]) for r in c), Decimal(0))
            zh = (f"同一收款人 {payee} 在 {c[0]['d']} 至 {c[-1]['d']} 间 {len(c)} 笔均低于审批限额 {t:.2f} 元的支付，"
                  f"合计 {money(total)} 元，疑似拆分支付")
            en = (f"{len(c)} payments to {payee} between {c[0]['d']} and {c[-1]['d']}, each below the approval limit "
                  f"of {t:.2f} yuan, total {money(total)} yuan (possible split payment)")
            out.append(finding(RULE, {"org_code": org}, ctx, line_ids=[r["line_id"] for r in c], stake=total,
                               zh=zh, en=en))
    return out


RULE = SetRule(
    id="split_payment", severity=WARN, title="Split payment",
    base=_base,
    reasons=lambda ctx: ["missing payee"],
    build=_build,
    source=lambda ctx: ctx.src("approval.threshold", "split.window_days"),
)
