"""Cash payment above the cash limit (现金管理暂行条例; docs/regulations.md F22)."""

from voucher_audit.rules._base import WARN, LineRule, Msg, const, money_text

MESSAGE = Msg(
    "现金支付 {amount} 元，超过现金结算限额 {limit} 元",
    "Cash payment of {amount} yuan exceeds the cash limit of {limit} yuan",
    lambda ctx: {"amount": money_text("amount"), "limit": const(f"{ctx.std.dec('payment.cash_limit'):.2f}")},
)


RULE = LineRule(
    id="cash_over_limit", severity=WARN, title="Cash over the limit",
    applies=lambda ctx: "TRUE",
    requires=lambda ctx: [("missing payment_method", "payment_method IS NOT NULL")],
    flag=lambda ctx: f"payment_method = 'cash' AND amount > {ctx.p('payment.cash_limit')}",
    stake=lambda ctx: f"amount - {ctx.p('payment.cash_limit')}",
    message=MESSAGE,
    source=lambda ctx: ctx.src("payment.cash_limit"),
)
