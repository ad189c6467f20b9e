"""The same invoice (code + number) on two or more lines, across units and years (regs §8.3 F09)."""

from decimal import Decimal

from voucher_audit.rules._base import BLOCK, SetRule, blank, finding

BASE = f"""
SELECT d.line_id, d.org_code, d.amount, d.voucher_date, d.invoice_code, d.invoice_no,
       CASE WHEN {blank('d.invoice_no')} THEN 10 WHEN g.ck IS NOT NULL THEN 2 ELSE 1 END AS s,
       CASE WHEN g.ck IS NOT NULL THEN d.ck || '|' || d.nk END AS ik
FROM (
  SELECT line_id, org_code, amount, voucher_date, invoice_code, invoice_no,
         COALESCE(invoice_code, '') AS ck, invoice_no AS nk
  FROM lines
) AS d
LEFT JOIN (
  -- the (code, number) pairs seen more than once: a hash aggregate, then a join with a small build side
  SELECT COALESCE(invoice_code, '') AS ck, invoice_no AS nk
  FROM lines GROUP BY COALESCE(invoice_code, ''), invoice_no HAVING COUNT(*) > 1
) AS g ON g.ck = d.ck AND g.nk = d.nk
"""


def _build(rows, ctx):
    groups: dict[str, list] = {}
    for r in rows:
        groups.setdefault(r["ik"], []).append(r)
    out = []
    for members in groups.values():
        members.sort(key=lambda r: (r["voucher_date"], r["line_id"]))
        first = members[0]
        stake = sum((Decimal(r["amount"]) for r in members[1:]), Decimal(0))
        code = first["invoice_code"] or "（无代码）"
        ids = [r["line_id"] for r in members]
        orgs = sorted({r["org_code"] for r in members})
        zh = f"发票 {code} {first['invoice_no']} 重复报销 {len(members)} 次（{'、'.join(sorted(ids))}）"
        en = (f"Invoice {first['invoice_code'] or '(no code)'} {first['invoice_no']} claimed {len(members)} times "
              f"({', '.join(sorted(ids))}) in unit(s) {', '.join(orgs)}")
        out.append(finding(RULE, {"org_code": orgs[0]}, ctx, line_ids=ids, stake=stake, zh=zh, en=en))
    return out


RULE = SetRule(
    id="duplicate_invoice", severity=BLOCK, title="Duplicate invoice",
    base=lambda ctx: BASE,
    reasons=lambda ctx: ["missing invoice_no"],
    build=_build,
    source=lambda ctx: "发票管理办法; regulations.md §8.3 F09 (same code + number across vouchers and years)",
)
