"""The same invoice (code + number) on two or more lines, across units and years (docs/regulations.md F09)."""

from decimal import Decimal

from voucher_audit.rules._base import BLOCK, INVOICE_KEY, SetRule, finding

HITS = "_duplicate_invoice_hit"
# The lines sharing (invoice_code, invoice_no), blank code as a value. A 64-bit hash of the pair is counted
# first (an integer key: no strings in the hash table); the pairs under a hash seen twice are then checked
# exactly, so a hash collision can only cost time, never a finding. The number is compared as
# ``INVOICE_KEY`` (leading zeros of an all-digit number dropped), as consecutive_invoice_numbers reads it.
KEY = "COALESCE(invoice_code, '')"
PREPARE_HITS = f"""
WITH k AS (
  SELECT line_id, org_code, amount, voucher_date, invoice_code, invoice_no, {INVOICE_KEY} AS ino
  FROM lines WHERE invoice_no IS NOT NULL
), h AS (
  SELECT hash({KEY}, ino) AS h FROM k GROUP BY 1 HAVING COUNT(*) > 1
), c AS (
  SELECT line_id, org_code, amount, voucher_date, invoice_code, invoice_no, ino, {KEY} AS ck
  FROM k WHERE hash({KEY}, ino) IN (SELECT h FROM h)
)
SELECT c.line_id, c.org_code, c.amount, c.voucher_date, c.invoice_code, c.invoice_no, c.ck || '|' || c.ino AS ik
FROM c JOIN (SELECT ck, ino FROM c GROUP BY ck, ino HAVING COUNT(*) > 1) AS g
  ON g.ck = c.ck AND g.ino = c.ino
"""


def _coverage(ctx):
    return f"""
SELECT COUNT(*) AS applicable, COUNT(invoice_no) AS evaluated, (SELECT COUNT(*) FROM {HITS}) AS flagged,
       COUNT(*) - COUNT(invoice_no) AS ne_0
FROM lines
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
    coverage=_coverage, findings=lambda ctx: f"SELECT * FROM {HITS}",
    prepare=lambda ctx: [(HITS, PREPARE_HITS)],
    reasons=lambda ctx: ["missing invoice_no"],
    build=_build,
    source=lambda ctx: "发票管理办法; docs/regulations.md F09 (same code + number across vouchers and years)",
)
