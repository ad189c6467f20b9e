"""伙食补助费 above allowance × calendar days (财行〔2013〕531号; docs/regulations.md T3–T4)."""

from voucher_audit.rules._base import WARN, LineRule, Msg, blank, money_text, text
from voucher_audit.sql import literal


def _high(ctx):
    names = ctx.std.get("travel.meal_allowance_high_regions")
    return "(" + " OR ".join(f"destination LIKE {literal('%' + n + '%')}" for n in names) + ")"


def _rate(ctx):
    return (f"(CASE WHEN {_high(ctx)} THEN {ctx.p('travel.meal_allowance_high_per_day')} "
            f"ELSE {ctx.p('travel.meal_allowance_per_day')} END)")


def _days():
    return "(date_diff('day', trip_start, trip_end) + 1)"


MESSAGE = Msg(
    "伙食补助费 {amount} 元，超过 {rate} 元/天 × {days} 天 = {limit} 元（目的地 {destination}）",
    "Meal allowance {amount} yuan exceeds {rate} yuan/day × {days} days = {limit} yuan (destination {destination})",
    lambda ctx: {"amount": money_text("amount"), "rate": money_text(_rate(ctx)), "days": text(_days()),
                 "limit": money_text(f"{_rate(ctx)} * {_days()}")},
)


RULE = LineRule(
    id="meal_allowance_over_standard", severity=WARN, title="Meal allowance over the standard",
    applies=lambda ctx: "category = 'travel_meal'",
    requires=lambda ctx: [
        ("missing trip_start or trip_end", "trip_start IS NOT NULL AND trip_end IS NOT NULL"),
        ("trip_end before trip_start", "trip_end >= trip_start"),
        ("missing destination", f"NOT {blank('destination')}"),
    ],
    flag=lambda ctx: f"amount > {_rate(ctx)} * {_days()}",
    stake=lambda ctx: f"amount - {_rate(ctx)} * {_days()}",
    message=MESSAGE,
    source=lambda ctx: ctx.src("travel.meal_allowance_per_day", "travel.meal_allowance_high_per_day"),
)
