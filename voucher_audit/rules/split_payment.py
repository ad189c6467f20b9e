"""Payments split to stay under the approval limit: same unit and payee, each below the threshold, together at or
above it within a 7-day window (regs §2 R9, §8.3 F11)."""

from voucher_audit.rules._base import WARN, SetRule, finding, money

HITS = "_split_payment_hit"


def _hits(ctx):
    """The flagged lines: in some window [d, d + 6 days] that starts at a line's date and holds >= 2 lines
    below the threshold adding up to >= the threshold. Unit and payee are numbered first, so the windows sort
    by two integers instead of two strings."""
    t, w = ctx.p("approval.threshold"), int(ctx.std.get("split.window_days")) - 1
    return f"""
WITH c AS (
  SELECT line_id, org_code, payee AS pk, amount, COALESCE(invoice_date, voucher_date) AS d,
         date_diff('day', DATE '1970-01-01', COALESCE(invoice_date, voucher_date)) AS dn
  FROM lines WHERE amount < {t} AND payee IS NOT NULL
), g AS (
  SELECT org_code, pk, dense_rank() OVER (ORDER BY org_code, pk) AS gid
  FROM (SELECT DISTINCT org_code, pk FROM c) AS u
), w AS (
  SELECT c.line_id, c.org_code, c.pk, c.amount, c.d, c.dn, g.gid,
         SUM(c.amount) OVER (PARTITION BY g.gid ORDER BY c.dn RANGE BETWEEN CURRENT ROW AND {w} FOLLOWING) AS wsum,
         COUNT(*) OVER (PARTITION BY g.gid ORDER BY c.dn RANGE BETWEEN CURRENT ROW AND {w} FOLLOWING) AS wcnt
  FROM c JOIN g ON g.org_code = c.org_code AND g.pk = c.pk
), q AS (
  SELECT line_id, org_code, pk, amount, d, dn,
         MAX(CASE WHEN wcnt >= 2 AND wsum >= {t} THEN dn END) OVER (
             PARTITION BY gid ORDER BY dn RANGE BETWEEN {w} PRECEDING AND CURRENT ROW) AS qstart
  FROM w
)
SELECT line_id, org_code, pk, amount, d, dn FROM q WHERE qstart IS NOT NULL
"""


def _coverage(ctx):
    return f"""
SELECT COUNT(*) AS applicable, COUNT(payee) AS evaluated, (SELECT COUNT(*) FROM {HITS}) AS flagged,
       COUNT(*) - COUNT(payee) AS ne_0
FROM lines
"""


def _findings(ctx):
    # flagged lines of one unit and payee less than a window apart form one finding
    window = int(ctx.std.get("split.window_days"))
    return f"""
SELECT org_code, pk, MIN(d) AS d0, MAX(d) AS d1, COUNT(*) AS n, SUM(amount) AS total, list(line_id) AS ids
FROM (
  SELECT *, SUM(brk) OVER (PARTITION BY org_code, pk ORDER BY dn, line_id ROWS UNBOUNDED PRECEDING) AS cl
  FROM (SELECT *, CASE WHEN dn - LAG(dn) OVER (PARTITION BY org_code, pk ORDER BY dn, line_id) < {window}
                       THEN 0 ELSE 1 END AS brk
        FROM {HITS}) AS b
) AS c
GROUP BY org_code, pk, cl
"""


def _build(rows, ctx):
    t = ctx.std.dec("approval.threshold")
    out = []
    for r in rows:
        payee, total = r["pk"], r["total"]
        zh = (f"同一收款人 {payee} 在 {r['d0']} 至 {r['d1']} 间 {r['n']} 笔均低于审批限额 {t:.2f} 元的支付，"
              f"合计 {money(total)} 元，疑似拆分支付")
        en = (f"{r['n']} payments to {payee} between {r['d0']} and {r['d1']}, each below the approval limit "
              f"of {t:.2f} yuan, total {money(total)} yuan (possible split payment)")
        out.append(finding(RULE, {"org_code": r["org_code"]}, ctx, line_ids=list(r["ids"]), stake=total,
                           zh=zh, en=en))
    return out


RULE = SetRule(
    id="split_payment", severity=WARN, title="Split payment",
    coverage=_coverage, findings=_findings,
    prepare=lambda ctx: [(HITS, _hits(ctx))],
    reasons=lambda ctx: ["missing payee"],
    build=_build,
    source=lambda ctx: ctx.src("approval.threshold", "split.window_days"),
)
