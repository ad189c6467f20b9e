"""Payments split to stay under the approval limit: same unit and payee, each below the threshold, together at or
above it within a 7-day window (docs/regulations.md R9, F11)."""

from voucher_audit.rules._base import WARN, SetRule, finding, money

# the candidates' grouping key; two groups sharing it only cost time (tests/engine/test_prefilters.py forces that)
GROUP_HASH = "hash(org_code, payee)"
CAND = "_split_payment_cand"
HITS = "_split_payment_hit"


def _lines(ctx):
    t = ctx.p("approval.threshold")
    return f"""(SELECT line_id, org_code, payee AS pk, amount, COALESCE(invoice_date, voucher_date) AS d,
        date_diff('day', DATE '1970-01-01', COALESCE(invoice_date, voucher_date)) AS dn, {GROUP_HASH} AS h
 FROM lines WHERE amount < {t} AND payee IS NOT NULL)"""


def _candidates(ctx):
    """A superset of the flagged lines, cheaply: windows over a 64-bit hash of unit and payee (one sort by two
    integers) give the window starts that reach the threshold; the lines inside such a window are candidates.

    Two units or payees that share a hash only add lines to each other's windows, and a window's sum and count
    only grow with more lines: every truly flagged line is a candidate. :func:`_hits` makes the answer exact."""
    t, w = ctx.p("approval.threshold"), int(ctx.std.get("split.window_days")) - 1
    return f"""
WITH st AS (
  SELECT DISTINCT h, dn AS s FROM (
    SELECT h, dn, SUM(amount) OVER win AS wsum, COUNT(*) OVER win AS wcnt FROM {_lines(ctx)} AS c
    WINDOW win AS (PARTITION BY h ORDER BY dn RANGE BETWEEN CURRENT ROW AND {w} FOLLOWING)
  ) AS x WHERE wcnt >= 2 AND wsum >= {t}
)
-- the lines are read a second time on purpose: the window above keeps only the key, day and amount of its seven
-- million rows, and the few hundred thousand candidates take their other columns from this second read
SELECT c.line_id, c.org_code, c.pk, c.amount, c.d, c.dn
FROM {_lines(ctx)} AS c SEMI JOIN st ON st.h = c.h AND c.dn BETWEEN st.s AND st.s + {w}
"""


def _hits(ctx):
    """The flagged lines: in some window [d, d + 6 days] that starts at a line's date and holds >= 2 lines
    below the threshold adding up to >= the threshold, by unit and payee exactly, among the candidates.

    Evaluating only the candidates is exact: every line of a unit and payee inside a qualifying window is a
    candidate, so each qualifying window is found whole, and a window that qualifies among candidates
    qualifies among all the lines."""
    t, w = ctx.p("approval.threshold"), int(ctx.std.get("split.window_days")) - 1
    return f"""
WITH w AS (
  SELECT line_id, org_code, pk, amount, d, dn,
         SUM(amount) OVER (PARTITION BY org_code, pk ORDER BY dn RANGE BETWEEN CURRENT ROW AND {w} FOLLOWING) AS wsum,
         COUNT(*) OVER (PARTITION BY org_code, pk ORDER BY dn RANGE BETWEEN CURRENT ROW AND {w} FOLLOWING) AS wcnt
  FROM {CAND}
), q AS (
  SELECT line_id, org_code, pk, amount, d, dn,
         MAX(CASE WHEN wcnt >= 2 AND wsum >= {t} THEN dn END) OVER (
             PARTITION BY org_code, pk ORDER BY dn RANGE BETWEEN {w} PRECEDING AND CURRENT ROW) AS qstart
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
    prepare=lambda ctx: [(CAND, _candidates(ctx)), (HITS, _hits(ctx))],
    reasons=lambda ctx: ["missing payee"],
    build=_build,
    source=lambda ctx: ctx.src("approval.threshold", "split.window_days"),
)
