"""Holiday benefits: festival keywords in a payment dated near a festival (八项规定; regs §7, §8.3 F18)."""

from voucher_audit.rules._base import WARN, LineRule, blank, money
from voucher_audit.sql import literal

CATS = "category IN ('allowance', 'bonus', 'welfare', 'condolence', 'other')"


def _kw(ctx):
    return "(" + " OR ".join(f"summary LIKE {literal('%' + k + '%')}" for k in ctx.std.get("festival.keywords")) + ")"


def _covered(ctx):
    years = ctx.std.calendar_years
    if not years:
        return "FALSE"
    w = ctx.p("festival.window_days")
    return (f"(date_diff('day', DATE '{years[0]}-01-01', d_fest_date) >= {w} "
            f"AND date_diff('day', d_fest_date, DATE '{years[-1]}-12-31') >= {w})")


def _message(r, ctx):
    words = [k for k in ctx.std.get("festival.keywords") if k in (r.get("summary") or "")]
    gap = (r["d_fest_date"] - r["d_fest_first"]).days
    rel_zh = f"前 {-gap} 天" if gap < 0 else f"后 {gap} 天"
    rel_en = f"{-gap} days before" if gap < 0 else f"{gap} days after"
    return (f"摘要含“{'、'.join(words)}”，日期 {r['d_fest_date']} 在{r['d_fest_name']}（{r['d_fest_first']}）{rel_zh}，"
            f"金额 {money(r['amount'])} 元，疑似违规发放节日福利",
            f"Summary mentions {', '.join(words)} and the date {r['d_fest_date']} is {rel_en} {r['d_fest_name']} "
            f"({r['d_fest_first']}); {money(r['amount'])} yuan may be an improper holiday benefit")


RULE = LineRule(
    id="festival_benefit", severity=WARN, title="Holiday benefit",
    applies=lambda ctx: CATS,
    requires=lambda ctx: [
        ("missing summary", f"NOT {blank('summary')}"),
        # cheap date tests first: the keyword search only runs where the answer depends on it
        ("date outside the holiday calendar", f"CASE WHEN d_fest_first IS NOT NULL OR {_covered(ctx)} THEN TRUE "
                                               f"ELSE NOT {_kw(ctx)} END"),
    ],
    flag=lambda ctx: f"CASE WHEN d_fest_first IS NULL THEN FALSE ELSE {_kw(ctx)} END",
    stake=lambda ctx: "amount",
    message=_message,
    source=lambda ctx: ctx.src("festival.keywords", "festival.window_days"),
)
