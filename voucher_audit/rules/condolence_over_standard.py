"""慰问金 per recipient above the local cap (regs §8.3 F19; the cap is a local example)."""

from decimal import ROUND_HALF_UP, Decimal

from voucher_audit.rules._base import WARN, LineRule, money


def _message(r, ctx):
    per = (Decimal(r["amount"]) / r["recipients"]).quantize(Decimal("0.01"), ROUND_HALF_UP)
    cap = ctx.std.dec("condolence.cap_per_recipient")
    return (f"慰问金人均 {per:.2f} 元（{money(r['amount'])} 元 / {r['recipients']} 人），超过标准 {cap:.2f} 元/人",
            f"Condolence {per:.2f} yuan per recipient ({money(r['amount'])} yuan / {r['recipients']}) exceeds "
            f"{cap:.2f} yuan per recipient")


RULE = LineRule(
    id="condolence_over_standard", severity=WARN, title="Condolence payment over the standard",
    applies=lambda ctx: "category = 'condolence'",
    requires=lambda ctx: [("missing or zero recipients", "recipients IS NOT NULL AND recipients > 0")],
    flag=lambda ctx: f"amount > {ctx.p('condolence.cap_per_recipient')} * recipients",
    stake=lambda ctx: f"amount - {ctx.p('condolence.cap_per_recipient')} * recipients",
    message=_message,
    source=lambda ctx: ctx.src("condolence.cap_per_recipient"),
)
