"""Invoice booked more than 90 days after it was issued (docs/regulations.md T13)."""

from voucher_audit.rules._base import WARN, LineRule, Msg, const, text

MESSAGE = Msg(
    "开票日期 {invoice_date}，{days} 天后才入账（超过 {limit} 天）",
    "Invoice dated {invoice_date} booked {days} days later (limit {limit} days)",
    lambda ctx: {"days": text("date_diff('day', invoice_date, voucher_date)"),
                 "limit": const(str(ctx.std.get("booking.late_days")))},
)


RULE = LineRule(
    id="late_booking", severity=WARN, title="Late booking",
    applies=lambda ctx: "TRUE",
    requires=lambda ctx: [("missing invoice_date", "invoice_date IS NOT NULL")],
    flag=lambda ctx: f"date_diff('day', invoice_date, voucher_date) > {ctx.p('booking.late_days')}",
    message=MESSAGE,
    source=lambda ctx: ctx.src("booking.late_days"),
)
