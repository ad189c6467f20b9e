"""Cash payment above the cash limit (现金管理暂行条例; regs §8.3 F22)."""

from voucher_audit.rules._base import WARN, LineRule, money


def _message(r, ctx):
    limit = ctx.std.dec("payment.cash_limit")
    return (f"现金支付 {money(r['amount'])} 元，超过现金结算限额 {limit:.2f} 元",
            f"Cash payment of {money(r['amount'])} yuan exceeds the cash limit of {limit:.2f} yuan")


RULE = LineRule(
    id="cash_over_limit", severity=WARN, title="Cash over the limit",
    applies=lambda ctx: "TRUE",
    requires=lambda ctx: [("missing payment_method", "payment_method IS NOT NULL")],
    flag=lambda ctx: f"payment_method = 'cash' AND amount > {ctx.p('payment.cash_limit')}",
    stake=lambda ctx: f"amount - {ctx.p('payment.cash_limit')}",
    message=_message,
    source=lambda ctx: ctx.src("payment.cash_limit"),
)
