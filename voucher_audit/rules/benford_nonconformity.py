"""First-digit Benford test per unit-year and over all the lines audited, MAD against Nigrini's bands
(docs/regulations.md §8).

Refuses groups with fewer than ``benford.min_n`` amounts ≥ 10 (their lines are reported as not evaluable).
Non-conformity is a reason to look further, never proof of fraud. The test over all the lines names no unit:
what "all" covers is the scope of the audit, which the caller knows and states (the finance app names the unit
whose books were audited).
"""

from voucher_audit.rules._base import INFO, Finding, SetRule

DIGITS = "(VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9)) AS digits(d)"
# first-digit counts per unit-year, read once from the lines; the unit-year tests and the test over all lines are
# computed from these few rows
COUNTS = "_benford_nonconformity_dg"
PREPARE_COUNTS = """
SELECT org_code, yr, fd, COUNT(*) AS c
FROM (SELECT org_code, CAST(EXTRACT(YEAR FROM voucher_date) AS INTEGER) AS yr,
             CAST(SUBSTR(CAST(CAST(FLOOR(amount) AS BIGINT) AS VARCHAR), 1, 1) AS INTEGER) AS fd
      FROM lines WHERE amount >= 10) AS b
GROUP BY org_code, yr, fd
"""


def _mad_sql(by_unit: bool) -> str:
    keys = "org_code, yr" if by_unit else "CAST(NULL AS VARCHAR) AS org_code, CAST(NULL AS INTEGER) AS yr"
    group = "GROUP BY org_code, yr, fd" if by_unit else "GROUP BY fd"
    return f"""
WITH dg AS (
  SELECT {keys}, fd, SUM(c) AS c FROM {COUNTS} {group}
), g AS (
  SELECT org_code, yr, SUM(c) AS n FROM dg GROUP BY org_code, yr
)
SELECT g.org_code, g.yr, g.n,
       SUM(ABS(CAST(COALESCE(dg.c, 0) AS DOUBLE) / g.n - LOG10(1 + 1.0 / digits.d))) / 9 AS mad
FROM g CROSS JOIN {DIGITS}
LEFT JOIN dg ON dg.org_code IS NOT DISTINCT FROM g.org_code AND dg.yr IS NOT DISTINCT FROM g.yr AND dg.fd = digits.d
GROUP BY g.org_code, g.yr, g.n
"""


def _coverage(ctx):
    n, top = ctx.p("benford.min_n"), ctx.std.get("benford.mad_thresholds")[-1]
    return f"""
SELECT SUM(n) AS applicable, SUM(CASE WHEN n >= {n} THEN n ELSE 0 END) AS evaluated,
       SUM(CASE WHEN n >= {n} AND mad > {float(top)} THEN n ELSE 0 END) AS flagged,
       SUM(CASE WHEN n < {n} THEN n ELSE 0 END) AS ne_0
FROM ({_mad_sql(True)}) AS m
"""


def _findings(ctx):
    n, top = ctx.p("benford.min_n"), ctx.std.get("benford.mad_thresholds")[-1]
    return (f"SELECT * FROM ({_mad_sql(True)}) AS m WHERE n >= {n} AND mad > {float(top)} "
            f"UNION ALL SELECT * FROM ({_mad_sql(False)}) AS c WHERE n >= {n} AND mad > {float(top)}")


def label(mad: float, thresholds: list) -> str:
    a, b, c = (float(x) for x in thresholds)
    return ("close conformity" if mad <= a else "acceptable conformity" if mad <= b
            else "marginally acceptable conformity" if mad <= c else "nonconformity")


def _build(rows, ctx):
    out = []
    th = ctx.std.get("benford.mad_thresholds")
    for r in rows:
        mad = round(float(r["mad"]), 4)
        scope_zh = f"{r['org_code']} {r['yr']} 年" if r["org_code"] else "所审全部账目（各单位、各年度合并）"
        scope_en = f"{r['org_code']} in {r['yr']}" if r["org_code"] else "all the books audited (all units and years)"
        zh = (f"{scope_zh}金额首位数字 MAD = {mad:.4f}（N = {r['n']}），超过 {th[-1]}：不符合本福特定律"
              f"（nonconformity），需进一步核查，并非舞弊证据")
        en = (f"First-digit MAD for {scope_en} is {mad:.4f} (N = {r['n']}), above {th[-1]}: "
              f"{label(float(r['mad']), th)}; a reason to look further, not proof of fraud")
        out.append(Finding(RULE.id, RULE.severity, (), r["org_code"], None, zh, en, RULE.source(ctx)))
    return out


RULE = SetRule(
    id="benford_nonconformity", severity=INFO, title="Benford first-digit nonconformity",
    coverage=_coverage, findings=_findings,
    prepare=lambda ctx: [(COUNTS, PREPARE_COUNTS)],
    reasons=lambda ctx: ["fewer than the minimum amounts ≥ 10 in the unit-year"],
    build=_build,
    source=lambda ctx: ctx.src("benford.min_n", "benford.mad_thresholds"),
)
