"""市内交通费 above 80 yuan × calendar days (财行〔2013〕531号; docs/regulations.md T5)."""

from voucher_audit.rules._base import WARN, LineRule, Msg, const, money_text, text

DAYS = "(date_diff('day', trip_start, trip_end) + 1)"


MESSAGE = Msg(
    "市内交通费 {amount} 元，超过 {rate} 元/天 × {days} 天 = {limit} 元",
    "Local transport {amount} yuan exceeds {rate} yuan/day × {days} days = {limit} yuan",
    lambda ctx: {"amount": money_text("amount"),
                 "rate": const(f"{ctx.std.dec('travel.local_transport_per_day'):.2f}"), "days": text(DAYS),
                 "limit": money_text(f"{ctx.p('travel.local_transport_per_day')} * {DAYS}")},
)


RULE = LineRule(
    id="local_transport_over_standard", severity=WARN, title="Local transport over the standard",
    applies=lambda ctx: "category = 'travel_local_transport'",
    requires=lambda ctx: [
        ("missing trip_start or trip_end", "trip_start IS NOT NULL AND trip_end IS NOT NULL"),
        ("trip_end before trip_start", "trip_end >= trip_start"),
    ],
    flag=lambda ctx: f"amount > {ctx.p('travel.local_transport_per_day')} * {DAYS}",
    stake=lambda ctx: f"amount - {ctx.p('travel.local_transport_per_day')} * {DAYS}",
    message=MESSAGE,
    source=lambda ctx: ctx.src("travel.local_transport_per_day"),
)
