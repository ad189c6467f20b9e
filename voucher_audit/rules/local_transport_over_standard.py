"""市内交通费 above 80 yuan × calendar days (财行〔2013〕531号; regs §1.1 T5)."""

from voucher_audit.rules._base import WARN, LineRule, money

DAYS = "(date_diff('day', trip_start, trip_end) + 1)"


def _message(r, ctx):
    days = (r["trip_end"] - r["trip_start"]).days + 1
    rate = ctx.std.dec("travel.local_transport_per_day")
    return (f"市内交通费 {money(r['amount'])} 元，超过 {rate:.2f} 元/天 × {days} 天 = {rate * days:.2f} 元",
            f"Local transport {money(r['amount'])} yuan exceeds {rate:.2f} yuan/day × {days} days = "
            f"{rate * days:.2f} yuan")


RULE = LineRule(
    id="local_transport_over_standard", severity=WARN, title="Local transport over the standard",
    applies=lambda ctx: "category = 'travel_local_transport'",
    requires=lambda ctx: [
        ("missing trip_start or trip_end", "trip_start IS NOT NULL AND trip_end IS NOT NULL"),
        ("trip_end before trip_start", "trip_end >= trip_start"),
    ],
    flag=lambda ctx: f"amount > {ctx.p('travel.local_transport_per_day')} * {DAYS}",
    stake=lambda ctx: f"amount - {ctx.p('travel.local_transport_per_day')} * {DAYS}",
    message=_message,
    source=lambda ctx: ctx.src("travel.local_transport_per_day"),
)
