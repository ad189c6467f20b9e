"""Nights invoiced exceed the trip's calendar days minus one (docs/regulations.md §1, F07)."""

from voucher_audit.rules._base import WARN, LineRule, Msg, text

MESSAGE = Msg(
    "住宿 {nights} 晚，超过出差期间 {trip_start} 至 {trip_end} 可住宿的 {allowed} 晚",
    "{nights} nights invoiced but the trip {trip_start} to {trip_end} allows at most {allowed}",
    lambda ctx: {"allowed": text("date_diff('day', trip_start, trip_end)")},
)


RULE = LineRule(
    id="nights_exceed_trip", severity=WARN, title="More nights than the trip allows",
    applies=lambda ctx: "category = 'travel_lodging'",
    requires=lambda ctx: [
        ("missing nights", "nights IS NOT NULL"),
        ("missing trip_start or trip_end", "trip_start IS NOT NULL AND trip_end IS NOT NULL"),
        ("trip_end before trip_start", "trip_end >= trip_start"),
    ],
    flag=lambda ctx: "nights > date_diff('day', trip_start, trip_end)",
    message=MESSAGE,
    source=lambda ctx: "财行〔2016〕71号; docs/regulations.md §1 (nights ≤ trip days − 1)",
)
