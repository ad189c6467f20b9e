"""白条: an IOU instead of an invoice (docs/regulations.md F01)."""

from voucher_audit.rules._base import BLOCK, LineRule, Msg, money_text

MESSAGE = Msg("以白条入账 {amount} 元", "{amount} yuan booked on an IOU instead of an invoice",
              lambda ctx: {"amount": money_text("amount")})


RULE = LineRule(
    id="iou_receipt", severity=BLOCK, title="IOU instead of an invoice",
    applies=lambda ctx: "TRUE",
    requires=lambda ctx: [("missing invoice_type", "invoice_type IS NOT NULL")],
    flag=lambda ctx: "invoice_type = 'iou'",
    stake=lambda ctx: "amount",
    message=MESSAGE,
    source=lambda ctx: "会计法 第十四条; 发票管理办法 (不得以白条抵库); docs/regulations.md F01",
)
