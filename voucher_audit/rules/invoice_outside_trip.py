"""Travel invoice dated more than one day outside the trip (docs/regulations.md F05)."""

from voucher_audit.rules._base import TRAVEL, WARN, LineRule, Msg, in_list

MESSAGE = Msg(
    "开票日期 {invoice_date} 不在出差期间 {trip_start} 至 {trip_end}（前后各 1 天）内",
    "Invoice date {invoice_date} is outside the trip {trip_start} to {trip_end} (±1 day)",
)


RULE = LineRule(
    id="invoice_outside_trip", severity=WARN, title="Invoice dated outside the trip",
    applies=lambda ctx: in_list("category", TRAVEL),
    requires=lambda ctx: [
        ("missing invoice_date", "invoice_date IS NOT NULL"),
        ("missing trip_start or trip_end", "trip_start IS NOT NULL AND trip_end IS NOT NULL"),
    ],
    flag=lambda ctx: "date_diff('day', invoice_date, trip_start) > 1 OR date_diff('day', trip_end, invoice_date) > 1",
    message=MESSAGE,
    source=lambda ctx: "docs/regulations.md F05 (invoice_date ∉ [trip_start − 1, trip_end + 1])",
)
