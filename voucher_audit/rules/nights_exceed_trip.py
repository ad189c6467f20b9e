"""Nights invoiced exceed the trip's calendar days minus one (regs §1.3, §8.3 F07)."""

from voucher_audit.rules._base import WARN, LineRule


def _message(r, ctx):
    allowed = (r["trip_end"] - r["trip_start"]).days
    return (f"住宿 {r['nights']} 晚，超过出差期间 {r['trip_start']} 至 {r['trip_end']} 可住宿的 {allowed} 晚",
            f"{r['nights']} nights invoiced but the trip {r['trip_start']} to {r['trip_end']} allows at most {allowed}")


RULE = LineRule(
    id="nights_exceed_trip", severity=WARN, title="More nights than the trip allows",
    applies=lambda ctx: "category = 'travel_lodging'",
    requires=lambda ctx: [
        ("missing nights", "nights IS NOT NULL"),
        ("missing trip_start or trip_end", "trip_start IS NOT NULL AND trip_end IS NOT NULL"),
        ("trip_end before trip_start", "trip_end >= trip_start"),
    ],
    flag=lambda ctx: "nights > date_diff('day', trip_start, trip_end)",
    message=_message,
    source=lambda ctx: "财行〔2016〕71号; regulations.md §1.3 (nights ≤ trip days − 1)",
)
