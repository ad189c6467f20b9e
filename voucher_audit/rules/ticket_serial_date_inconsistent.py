"""A ticket dated earlier than a ticket of the same issuer with a smaller serial number (docs/regulations.md §8,
auditors' practice)."""

from voucher_audit.rules._base import WARN, SetRule, blank, finding

BASE = f"""
WITH b AS (
  SELECT line_id, org_code, payee AS pk, invoice_no AS nt, invoice_date,
         CASE WHEN {blank('payee')} THEN 10
              WHEN {blank('invoice_no')} OR NOT regexp_matches(invoice_no, '^[0-9]{{1,38}}$') THEN 11
              WHEN invoice_date IS NULL THEN 12 ELSE 1 END AS s0
  FROM lines WHERE invoice_type IN ('train_ticket', 'bus_ticket')
), e AS (
  SELECT line_id, pk, TRY_CAST(nt AS DECIMAL(38,0)) AS n, invoice_date FROM b WHERE s0 = 1
), pm AS (
  SELECT pk, n, MAX(maxd) OVER (PARTITION BY pk ORDER BY n ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_max
  FROM (SELECT pk, n, MAX(invoice_date) AS maxd FROM e GROUP BY pk, n) AS g
)
SELECT b.line_id, b.org_code, b.pk, b.nt, b.invoice_date, pm.prev_max,
       CASE WHEN b.s0 > 1 THEN b.s0 WHEN b.invoice_date < pm.prev_max THEN 2 ELSE 1 END AS s
FROM b LEFT JOIN e ON e.line_id = b.line_id LEFT JOIN pm ON pm.pk = e.pk AND pm.n = e.n
"""


def _build(rows, ctx):
    out = []
    for r in rows:
        zh = (f"{r['pk']} 票号 {r['nt']} 的车票日期 {r['invoice_date']} 早于更小票号车票的日期 {r['prev_max']}，"
              f"票号与日期顺序不符")
        en = (f"Ticket {r['nt']} from {r['pk']} is dated {r['invoice_date']}, earlier than a ticket with a smaller "
              f"serial number dated {r['prev_max']}")
        out.append(finding(RULE, r, ctx, zh=zh, en=en))
    return out


RULE = SetRule(
    id="ticket_serial_date_inconsistent", severity=WARN, title="Ticket serial and date out of order",
    base=lambda ctx: BASE,
    reasons=lambda ctx: ["missing payee (issuer)", "invoice_no missing or not numeric", "missing invoice_date"],
    build=_build,
    source=lambda ctx: "docs/regulations.md §8 (ticket serial numbers must follow their dates; audit practice)",
)
