"""Public money lent to a person and not repaid within the calendar year (前账不清，后账不借;
docs/regulations.md T13)."""

from decimal import Decimal

from voucher_audit.rules._base import WARN, SetRule, blank, finding, money

BASE = f"""
SELECT v.line_id, v.org_code, v.amount, v.person_code AS pk, EXTRACT(YEAR FROM v.voucher_date) AS yr,
       y.out_amt, y.rep_amt,
       CASE WHEN {blank('v.person_code')} THEN 10 WHEN y.out_amt > y.rep_amt THEN 2 ELSE 1 END AS s
FROM lines AS v
LEFT JOIN (
  SELECT org_code, person_code AS pk, EXTRACT(YEAR FROM voucher_date) AS yr,
         SUM(CASE WHEN category = 'loan_out' THEN amount ELSE CAST(0 AS DECIMAL(18,2)) END) AS out_amt,
         SUM(CASE WHEN category = 'loan_repay' THEN amount ELSE CAST(0 AS DECIMAL(18,2)) END) AS rep_amt
  FROM lines WHERE category IN ('loan_out', 'loan_repay') AND NOT {blank('person_code')}
  GROUP BY org_code, person_code, EXTRACT(YEAR FROM voucher_date)
) AS y ON y.org_code = v.org_code AND y.pk = v.person_code AND y.yr = EXTRACT(YEAR FROM v.voucher_date)
WHERE v.category = 'loan_out'
"""


def _build(rows, ctx):
    groups: dict[tuple, list] = {}
    for r in rows:
        groups.setdefault((r["org_code"], r["pk"], r["yr"]), []).append(r)
    out = []
    for (org, person, yr), members in sorted(groups.items()):
        r0 = members[0]
        gap = Decimal(r0["out_amt"]) - Decimal(r0["rep_amt"])
        zh = (f"{person} 在 {yr} 年借款 {money(r0['out_amt'])} 元，当年仅归还 {money(r0['rep_amt'])} 元，"
              f"未还 {money(gap)} 元")
        en = (f"{person} borrowed {money(r0['out_amt'])} yuan in {yr} and repaid only {money(r0['rep_amt'])} yuan "
              f"that year ({money(gap)} yuan outstanding)")
        out.append(finding(RULE, {"org_code": org}, ctx, line_ids=[r["line_id"] for r in members], stake=gap,
                           zh=zh, en=en))
    return out


RULE = SetRule(
    id="loan_not_repaid", severity=WARN, title="Loan not repaid within the year",
    base=lambda ctx: BASE,
    reasons=lambda ctx: ["missing person_code"],
    build=_build,
    source=lambda ctx: "前账不清，后账不借; 个人借款应于当年归还 (unit rules, docs/regulations.md T13)",
)
