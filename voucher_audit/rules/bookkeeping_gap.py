"""More than 60 days between a unit's consecutive voucher dates (books not kept currently)."""

from voucher_audit.rules._base import INFO, SetRule, finding

Q = """
WITH d AS (
  SELECT org_code, vd, LAG(vd) OVER (PARTITION BY org_code ORDER BY vd) AS prev
  FROM (SELECT DISTINCT org_code, voucher_date AS vd FROM lines) AS x
), gaps AS (
  SELECT org_code, prev, vd FROM d WHERE date_diff('day', prev, vd) > {gap}
), hit AS (
  SELECT v.line_id, v.org_code, gaps.prev, gaps.vd AS nxt
  FROM gaps JOIN lines AS v ON v.org_code = gaps.org_code AND (v.voucher_date = gaps.prev OR v.voucher_date = gaps.vd)
)
"""


def _q(ctx):
    return Q.replace("{gap}", ctx.p("bookkeeping.max_gap_days"))


def _build(rows, ctx):
    groups: dict[tuple, list] = {}
    for r in rows:
        groups.setdefault((r["org_code"], r["prev"], r["nxt"]), []).append(r)
    out = []
    for (org, prev, nxt), members in sorted(groups.items()):
        days = (nxt - prev).days
        zh = f"{org} 在 {prev} 至 {nxt} 之间 {days} 天没有记账凭证（超过 {ctx.std.get('bookkeeping.max_gap_days')} 天）"
        en = f"{org} booked nothing for {days} days between {prev} and {nxt}"
        out.append(finding(RULE, {"org_code": org}, ctx, line_ids=[r["line_id"] for r in members], zh=zh, en=en))
    return out


RULE = SetRule(
    id="bookkeeping_gap", severity=INFO, title="Bookkeeping gap",
    coverage=lambda ctx: _q(ctx) + "SELECT COUNT(*) AS applicable, COUNT(*) AS evaluated, "
                                  "(SELECT COUNT(DISTINCT line_id) FROM hit) AS flagged FROM lines",
    findings=lambda ctx: _q(ctx) + "SELECT * FROM hit",
    reasons=lambda ctx: [],
    build=_build,
    source=lambda ctx: ctx.src("bookkeeping.max_gap_days"),
)
