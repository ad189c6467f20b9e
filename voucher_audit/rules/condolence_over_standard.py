"""慰问金 per recipient above the local cap (docs/regulations.md F19; the cap is a local example)."""

from voucher_audit.rules._base import WARN, LineRule, Msg, const, money_text, per_unit_text

MESSAGE = Msg(
    "慰问金人均 {per} 元（{amount} 元 / {recipients} 人），超过标准 {cap} 元/人",
    "Condolence {per} yuan per recipient ({amount} yuan / {recipients}) exceeds {cap} yuan per recipient",
    lambda ctx: {"per": per_unit_text("amount", "recipients"), "amount": money_text("amount"),
                 "cap": const(f"{ctx.std.dec('condolence.cap_per_recipient'):.2f}")},
)


RULE = LineRule(
    id="condolence_over_standard", severity=WARN, title="Condolence payment over the standard",
    applies=lambda ctx: "category = 'condolence'",
    requires=lambda ctx: [("missing or zero recipients", "recipients IS NOT NULL AND recipients > 0")],
    flag=lambda ctx: f"amount > {ctx.p('condolence.cap_per_recipient')} * recipients",
    stake=lambda ctx: f"amount - {ctx.p('condolence.cap_per_recipient')} * recipients",
    message=MESSAGE,
    source=lambda ctx: ctx.src("condolence.cap_per_recipient"),
)
