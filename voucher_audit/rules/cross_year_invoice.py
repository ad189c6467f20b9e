"""跨年: an invoice from an earlier year booked this year (docs/regulations.md T13, F04)."""

from voucher_audit.rules._base import WARN, LineRule, Msg

MESSAGE = Msg(
    "开票日期 {invoice_date} 属于以前年度，于 {voucher_date} 入账（跨年度发票）",
    "Invoice dated {invoice_date} (an earlier year) booked on {voucher_date}",
)


RULE = LineRule(
    id="cross_year_invoice", severity=WARN, title="Invoice from an earlier year",
    applies=lambda ctx: "TRUE",
    requires=lambda ctx: [("missing invoice_date", "invoice_date IS NOT NULL")],
    flag=lambda ctx: "EXTRACT(YEAR FROM invoice_date) < EXTRACT(YEAR FROM voucher_date)",
    message=MESSAGE,
    source=lambda ctx: "跨年度发票一般不予报销 (unit rules, docs/regulations.md T13; docs/regulations.md F04)",
)
