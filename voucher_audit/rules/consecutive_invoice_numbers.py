"""Runs of ≥ 3 consecutive invoice numbers from one seller spread over ≥ 2 vouchers (docs/regulations.md F10)."""

from voucher_audit.rules._base import WARN, SetRule, finding

# Digits only, at most 38 of them after the leading zeros: the numbers compare as numbers, so "01004" and
# "1004" are one number, as INVOICE_KEY makes them for duplicate_invoice (the same test, in one scan).
NUMERIC = "regexp_matches(invoice_no, '^0*[0-9]{1,38}$')"

# Prepared once for coverage and findings. NUMBERS: each seller's invoice numbers in buckets of two (2m and
# 2m + 1, keyed by the even number b = n minus the parity of its last digit: exact for 38 digits), with the
# smallest and largest number and the line count of each bucket, and the lines that cannot be evaluated by
# reason. Any run of three consecutive numbers holds a full bucket (both 2m and 2m + 1), and every number of
# a run lies in a full bucket or next to one; so only those few buckets' numbers are looked up again.
#
# The seller (payee and invoice code) is a 64-bit hash in NUMBERS: ten million buckets grouped by integers
# instead of strings. Sellers sharing a hash only merge buckets, which can add candidates but never lose one;
# HITS then finds the runs among the candidates' lines by the real payee and code, which is exact
# (tests/engine/test_prefilters.py forces every seller to collide).
GROUP_HASH = "hash(payee, COALESCE(invoice_code, ''))"
NUMBERS = "_consecutive_invoice_numbers_n"
HITS = "_consecutive_invoice_numbers_hit"


def _numbers(ctx):
    return f"""
SELECT hk, s0, n - TRY_CAST(right(invoice_no, 1) AS INTEGER) % 2 AS b, MIN(n) AS lo, MAX(n) AS hi, COUNT(*) AS cnt
FROM (SELECT invoice_no, s0, CASE WHEN s0 = 1 THEN {GROUP_HASH} END AS hk,
             CASE WHEN s0 = 1 THEN CAST(invoice_no AS DECIMAL(38,0)) END AS n
      FROM (SELECT payee, invoice_code, invoice_no,
                   CASE WHEN payee IS NULL THEN 10 WHEN invoice_no IS NULL OR NOT {NUMERIC} THEN 11 ELSE 1 END AS s0
            FROM lines) AS a) AS l
GROUP BY hk, s0, b
"""


def _hits(ctx):
    return f"""
WITH full_b AS (
  SELECT hk, b FROM {NUMBERS} WHERE s0 = 1 AND hi - lo = 1
), cand_b AS (
  SELECT hk, b FROM full_b
  UNION SELECT hk, b - 2 FROM full_b
  UNION SELECT hk, b + 2 FROM full_b
), cand AS (
  SELECT DISTINCT v.hk, unnest([v.lo, v.hi]) AS n
  FROM {NUMBERS} AS v SEMI JOIN cand_b AS c ON c.hk = v.hk AND c.b = v.b
  WHERE v.s0 = 1
), e AS (
  -- the candidates' lines, with their real payee and code
  SELECT e0.line_id, e0.org_code, e0.voucher_no, e0.pk, e0.ck, e0.n
  FROM (SELECT line_id, org_code, voucher_no, payee AS pk, COALESCE(invoice_code, '') AS ck,
               CAST(invoice_no AS DECIMAL(38,0)) AS n, {GROUP_HASH} AS hk
        FROM lines WHERE payee IS NOT NULL AND invoice_no IS NOT NULL AND {GROUP_HASH} IN (SELECT hk FROM cand)
              AND {NUMERIC}) AS e0
  SEMI JOIN cand ON cand.hk = e0.hk AND cand.n = e0.n
), x AS (
  SELECT pk, ck, n, LAG(n) OVER (PARTITION BY pk, ck ORDER BY n) AS pn,
         LEAD(n) OVER (PARTITION BY pk, ck ORDER BY n) AS nn
  FROM (SELECT DISTINCT pk, ck, n FROM e) AS d
), dn AS (
  -- only numbers with a neighbour (n ± 1) can belong to a run; islands are numbered among those few
  SELECT pk, ck, n, n - dense_rank() OVER (PARTITION BY pk, ck ORDER BY n) AS grp
  FROM x WHERE n - pn = 1 OR nn - n = 1
), isl AS (
  SELECT e.line_id, e.org_code, e.voucher_no, dn.pk, dn.ck, dn.n, dn.grp
  FROM e JOIN dn ON dn.pk = e.pk AND dn.ck = e.ck AND dn.n = e.n
), agg AS (
  SELECT pk, ck, grp, COUNT(DISTINCT n) AS k, COUNT(DISTINCT org_code || '|' || voucher_no) AS nv,
         MIN(n) AS lo, MAX(n) AS hi
  FROM isl GROUP BY pk, ck, grp
)
SELECT isl.line_id, isl.org_code, isl.pk, isl.ck, isl.grp, agg.lo, agg.hi, agg.k, agg.nv
FROM isl JOIN agg ON agg.pk = isl.pk AND agg.ck = isl.ck AND agg.grp = isl.grp
WHERE agg.k >= 3 AND agg.nv >= 2
"""


def _coverage(ctx):
    return f"""
SELECT SUM(cnt) AS applicable, SUM(CASE WHEN s0 = 1 THEN cnt ELSE 0 END) AS evaluated,
       (SELECT COUNT(*) FROM {HITS}) AS flagged,
       SUM(CASE WHEN s0 = 10 THEN cnt ELSE 0 END) AS ne_0, SUM(CASE WHEN s0 = 11 THEN cnt ELSE 0 END) AS ne_1
FROM {NUMBERS}
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
    coverage=_coverage, findings=lambda ctx: f"SELECT * FROM {HITS}",
    prepare=lambda ctx: [(NUMBERS, _numbers(ctx)), (HITS, _hits(ctx))],
    reasons=lambda ctx: ["missing payee", "invoice_no missing or not numeric"],
    build=_build,
    source=lambda ctx: "docs/regulations.md F10 (≥ 3 consecutive numbers from one seller in different claims)",
)
