"""Reception meal cost per person above the local cap (中办发〔2013〕22号 第十条;
docs/regulations.md R12, local example)."""

from voucher_audit.rules._base import WARN, LineRule, Msg, const, money_text, per_unit_text, text

MESSAGE = Msg(
    "接待费人均 {per} 元（{amount} 元 / {n} 人），超过标准 {cap} 元/人",
    "Reception {per} yuan per person ({amount} yuan / {n} people) exceeds the cap of {cap} yuan per person",
    lambda ctx: {"per": per_unit_text("amount", "guests + hosts"), "amount": money_text("amount"),
                 "n": text("guests + hosts"), "cap": const(f"{ctx.std.dec('reception.meal_cap_per_person'):.2f}")},
)


RULE = LineRule(
    id="reception_per_capita_over_cap", severity=WARN, title="Reception cost per person over the cap",
    applies=lambda ctx: "category = 'reception'",
    requires=lambda ctx: [("missing guests or hosts", "guests IS NOT NULL AND hosts IS NOT NULL"),
                          ("no people at the reception", "guests + hosts > 0")],
    flag=lambda ctx: f"amount > {ctx.p('reception.meal_cap_per_person')} * (guests + hosts)",
    stake=lambda ctx: f"amount - {ctx.p('reception.meal_cap_per_person')} * (guests + hosts)",
    message=MESSAGE,
    source=lambda ctx: ctx.src("reception.meal_cap_per_person"),
)
