"""Holiday benefits: festival keywords in a payment dated near a festival (八项规定; docs/regulations.md §7, F18)."""

from voucher_audit.rules._base import WARN, LineRule, Msg, blank, money_text, text
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


def _words(ctx, sep):
    """The festival keywords the summary holds, in the pack's order."""
    found = ", ".join(f"CASE WHEN summary LIKE {literal('%' + k + '%')} THEN {literal(k)} END"
                      for k in ctx.std.get("festival.keywords"))
    return f"concat_ws({literal(sep)}, {found})"


GAP = "date_diff('day', d_fest_first, d_fest_date)"
MESSAGE = Msg(
    "摘要含“{words_zh}”，日期 {d_fest_date} 在{d_fest_name}（{d_fest_first}）{rel_zh}，"
    "金额 {amount} 元，疑似违规发放节日福利",
    "Summary mentions {words_en} and the date {d_fest_date} is {rel_en} {d_fest_name} ({d_fest_first}); "
    "{amount} yuan may be an improper holiday benefit",
    lambda ctx: {
        "words_zh": _words(ctx, "、"), "words_en": _words(ctx, ", "), "amount": money_text("amount"),
        "rel_zh": (f"CASE WHEN {GAP} < 0 THEN '前 ' || {text('-' + GAP)} || ' 天' "
                   f"ELSE '后 ' || {text(GAP)} || ' 天' END"),
        "rel_en": (f"CASE WHEN {GAP} < 0 THEN {text('-' + GAP)} || ' days before' "
                   f"ELSE {text(GAP)} || ' days after' END"),
    },
)


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
    message=MESSAGE,
    source=lambda ctx: ctx.src("festival.keywords", "festival.window_days"),
)
