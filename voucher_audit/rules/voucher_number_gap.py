"""Missing voucher sequence numbers within a unit-year (会计基础工作规范: vouchers numbered consecutively)."""

from voucher_audit.rules._base import WARN, SetRule, finding

# the sequence numbers, extracted once (prepared) for both the coverage and the findings query
PREPARED = "_voucher_number_gap_q"
PREPARE = """
SELECT line_id, org_code, CAST(EXTRACT(YEAR FROM voucher_date) AS INTEGER) AS yr,
       regexp_extract(voucher_no, '([0-9]{1,18})$', 1) AS sq
FROM lines
"""
Q = f"""
WITH q AS (
  SELECT * FROM {PREPARED}
), n AS (
  SELECT line_id, org_code, yr, TRY_CAST(sq AS BIGINT) AS n FROM q WHERE sq <> ''
), d AS (
  SELECT org_code, yr, n, LAG(n) OVER (PARTITION BY org_code, yr ORDER BY n) AS prev
  FROM (SELECT DISTINCT org_code, yr, n FROM n) AS x
), gaps AS (
  SELECT org_code, yr, prev, n AS nxt FROM d WHERE n - prev > 1
), hit AS (
  SELECT n.line_id, n.org_code, n.yr, gaps.prev, gaps.nxt
  FROM gaps JOIN n ON n.org_code = gaps.org_code AND n.yr = gaps.yr AND (n.n = gaps.prev OR n.n = gaps.nxt)
)
"""


def _coverage(ctx):
    return Q + """
SELECT COUNT(*) AS applicable, SUM(CASE WHEN sq <> '' THEN 1 ELSE 0 END) AS evaluated,
       (SELECT COUNT(DISTINCT line_id) FROM hit) AS flagged,
       SUM(CASE WHEN sq = '' THEN 1 ELSE 0 END) AS ne_0
FROM q
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
    coverage=_coverage, findings=lambda ctx: Q + "SELECT * FROM hit",
    prepare=lambda ctx: [(PREPARED, PREPARE)],
    reasons=lambda ctx: ["voucher_no has no trailing sequence number"],
    build=_build,
    source=lambda ctx: "会计基础工作规范 第五十一条 (记账凭证应当连续编号)",
)
