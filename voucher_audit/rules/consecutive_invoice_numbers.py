"""Runs of ≥ 3 consecutive invoice numbers from one seller spread over ≥ 2 vouchers (regs §8.3 F10)."""

from voucher_audit.rules._base import WARN, SetRule, blank, finding

NUMERIC = "regexp_matches(invoice_no, '^[0-9]{1,38}$')"

BASE = f"""
WITH b AS (
  SELECT line_id, org_code, voucher_no, payee AS pk, COALESCE(invoice_code, '') AS ck,
         invoice_no AS nt,
         CASE WHEN {blank('payee')} THEN 10 WHEN {blank('invoice_no')} OR NOT {NUMERIC} THEN 11 ELSE 1 END AS s0
  FROM lines
), e AS (
  SELECT line_id, org_code, voucher_no, pk, ck, TRY_CAST(nt AS DECIMAL(38,0)) AS n FROM b WHERE s0 = 1
), x AS (
  SELECT pk, ck, n, LAG(n) OVER (PARTITION BY pk, ck ORDER BY n) AS pn,
         LEAD(n) OVER (PARTITION BY pk, ck ORDER BY n) AS nn
  FROM (SELECT DISTINCT pk, ck, n FROM e) AS d
), dn AS (
  -- only numbers with a neighbour (n ± 1) can belong to a run; islands are numbered among those few
  SELECT pk, ck, n, n - dense_rank() OVER (PARTITION BY pk, ck ORDER BY n) AS grp
  FROM x WHERE n - pn = 1 OR nn - n = 1
), isl AS (
  SELECT e.line_id, e.org_code, e.voucher_no, e.pk, e.ck, e.n, dn.grp
  FROM e JOIN dn ON dn.pk = e.pk AND dn.ck = e.ck AND dn.n = e.n
), agg AS (
  SELECT pk, ck, grp, COUNT(DISTINCT n) AS k, COUNT(DISTINCT org_code || '|' || voucher_no) AS nv,
         MIN(n) AS lo, MAX(n) AS hi
  FROM isl GROUP BY pk, ck, grp
)
SELECT b.line_id, b.org_code, b.pk, b.ck, isl.grp, agg.lo, agg.hi, agg.k, agg.nv,
       CASE WHEN b.s0 > 1 THEN b.s0 WHEN agg.k >= 3 AND agg.nv >= 2 THEN 2 ELSE 1 END AS s
FROM b LEFT JOIN isl ON isl.line_id = b.line_id
LEFT JOIN agg ON agg.pk = isl.pk AND agg.ck = isl.ck AND agg.grp = isl.grp
"""


def _build(rows, ctx):
    groups: dict[tuple, list] = {}
    for r in rows:
        groups.setdefault((r["pk"], r["ck"], r["grp"]), []).append(r)
    out = []
    for (payee, code, _grp), members in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1], str(kv[0][2]))):
        r0 = members[0]
        zh = (f"收款人 {payee} 的发票号码 {r0['lo']} 至 {r0['hi']} 连号 {r0['k']} 张，分布在 {r0['nv']} 张凭证"
              f"（发票代码 {code or '无'}）")
        en = (f"{r0['k']} consecutive invoice numbers {r0['lo']}–{r0['hi']} from {payee} (code {code or 'none'}) "
              f"spread over {r0['nv']} vouchers")
        orgs = sorted({r["org_code"] for r in members})
        out.append(finding(RULE, {"org_code": orgs[0]}, ctx, line_ids=[r["line_id"] for r in members], zh=zh, en=en))
    return out


RULE = SetRule(
    id="consecutive_invoice_numbers", severity=WARN, title="Consecutive invoice numbers",
    base=lambda ctx: BASE,
    reasons=lambda ctx: ["missing payee", "invoice_no missing or not numeric"],
    build=_build,
    source=lambda ctx: "regulations.md §8.3 F10 (≥ 3 consecutive numbers from one seller in different claims)",
)
