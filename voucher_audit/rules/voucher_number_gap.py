"""Missing voucher sequence numbers within a unit-year (会计基础工作规范: vouchers numbered consecutively)."""

from voucher_audit.rules._base import WARN, SetRule, finding

# Prepared once for coverage and findings: the distinct sequence numbers of each unit-year with their line
# counts, then the lines at the edges of each gap. Only unit-years whose numbers do not fill the range from
# the smallest to the largest (max - min + 1 > distinct count) are sorted to find where the gaps are.
NUMBERS = "_voucher_number_gap_n"
HITS = "_voucher_number_gap_hit"
YEAR = "CAST(EXTRACT(YEAR FROM voucher_date) AS INTEGER)"
SEQ = "TRY_CAST(regexp_extract(voucher_no, '([0-9]{1,18})$', 1) AS BIGINT)"
PREPARE_NUMBERS = f"""
SELECT org_code, {YEAR} AS yr, {SEQ} AS n, COUNT(*) AS cnt FROM lines GROUP BY ALL
"""
PREPARE_HITS = f"""
WITH g AS (
  SELECT org_code, yr FROM {NUMBERS} WHERE n IS NOT NULL GROUP BY org_code, yr HAVING MAX(n) - MIN(n) + 1 > COUNT(*)
), d AS (
  SELECT v.org_code, v.yr, v.n, LAG(v.n) OVER (PARTITION BY v.org_code, v.yr ORDER BY v.n) AS prev
  FROM {NUMBERS} AS v SEMI JOIN g ON g.org_code = v.org_code AND g.yr = v.yr
  WHERE v.n IS NOT NULL
), gaps AS (
  SELECT org_code, yr, prev, n AS nxt FROM d WHERE n - prev > 1
), edges AS (
  SELECT org_code, yr, prev AS n, prev, nxt FROM gaps
  UNION ALL
  SELECT org_code, yr, nxt AS n, prev, nxt FROM gaps
)
SELECT x.line_id, x.org_code, x.yr, e.prev, e.nxt
FROM (SELECT line_id, org_code, {YEAR} AS yr, {SEQ} AS n FROM lines
      WHERE org_code IN (SELECT org_code FROM gaps)) AS x
JOIN edges AS e ON e.org_code = x.org_code AND e.yr = x.yr AND e.n = x.n
"""


def _coverage(ctx):
    return f"""
SELECT SUM(cnt) AS applicable, SUM(CASE WHEN n IS NOT NULL THEN cnt ELSE 0 END) AS evaluated,
       (SELECT COUNT(DISTINCT line_id) FROM {HITS}) AS flagged,
       SUM(CASE WHEN n IS NULL THEN cnt ELSE 0 END) AS ne_0
FROM {NUMBERS}
"""


def _build(rows, ctx):
    groups: dict[tuple, list] = {}
    for r in rows:
        groups.setdefault((r["org_code"], r["yr"]), []).append(r)
    out = []
    for (org, yr), members in sorted(groups.items()):
        gaps = sorted({(r["prev"], r["nxt"]) for r in members})
        missing = sum(b - a - 1 for a, b in gaps)
        ranges = [str(a + 1) if b - a == 2 else f"{a + 1}-{b - 1}" for a, b in gaps]
        shown = ", ".join(ranges[:20]) + (" …" if len(ranges) > 20 else "")
        zh = f"{org} {yr} 年凭证号不连续，缺少 {missing} 个号：{shown}"
        en = f"{org} {yr}: {missing} voucher numbers missing: {shown}"
        ids = sorted({r["line_id"] for r in members})
        out.append(finding(RULE, {"org_code": org}, ctx, line_ids=ids, zh=zh, en=en))
    return out


RULE = SetRule(
    id="voucher_number_gap", severity=WARN, title="Voucher number gap",
    coverage=_coverage, findings=lambda ctx: f"SELECT * FROM {HITS}",
    prepare=lambda ctx: [(NUMBERS, PREPARE_NUMBERS), (HITS, PREPARE_HITS)],
    reasons=lambda ctx: ["voucher_no has no trailing sequence number"],
    build=_build,
    source=lambda ctx: "会计基础工作规范 第五十一条 (记账凭证应当连续编号)",
)
