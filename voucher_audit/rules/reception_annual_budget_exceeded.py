"""A unit's reception spending in a calendar year beyond its budget (中办发〔2013〕22号 第十二条;
docs/regulations.md R6)."""

from voucher_audit.rules._base import BLOCK, SetRule, finding, money

BASE = """
SELECT line_id, org_code, amount, yr, budget, run,
       CASE WHEN NOT known THEN 10 WHEN budget IS NULL THEN 11 WHEN run > budget THEN 2 ELSE 1 END AS s,
       LEAST(amount, run - budget) AS stake
FROM (
  SELECT v.line_id, v.org_code, v.amount, EXTRACT(YEAR FROM v.voucher_date) AS yr, u.reception_budget AS budget,
         u.org_code IS NOT NULL AS known,
         SUM(v.amount) OVER (PARTITION BY v.org_code, EXTRACT(YEAR FROM v.voucher_date)
                             ORDER BY v.voucher_date, v.line_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run
  FROM lines AS v LEFT JOIN units AS u ON u.org_code = v.org_code
  WHERE v.category = 'reception'
) AS r
"""


def _build(rows, ctx):
    out = []
    for r in rows:
        zh = (f"{r['yr']} 年公务接待费累计 {money(r['run'])} 元，超过预算 {money(r['budget'])} 元"
              f"（本笔 {money(r['amount'])} 元）")
        en = (f"Reception spending in {r['yr']} reached {money(r['run'])} yuan, over the budget of "
              f"{money(r['budget'])} yuan (this line {money(r['amount'])} yuan)")
        out.append(finding(RULE, r, ctx, stake=r["stake"], zh=zh, en=en))
    return out


RULE = SetRule(
    id="reception_annual_budget_exceeded", severity=BLOCK, title="Reception budget exceeded",
    base=lambda ctx: BASE,
    reasons=lambda ctx: ["unit not in the units table", "unit has no reception_budget"],
    build=_build,
    source=lambda ctx: "中办发〔2013〕22号 第十二条 (合理限定接待费预算总额, 不得超预算)",
)
