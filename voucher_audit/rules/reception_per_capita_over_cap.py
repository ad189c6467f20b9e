"""Reception meal cost per person above the local cap (中办发〔2013〕22号 第十条; regs §2 R12, local example)."""

from decimal import ROUND_HALF_UP, Decimal

from voucher_audit.rules._base import WARN, LineRule, money


def _message(r, ctx):
    n = r["guests"] + r["hosts"]
    per = (Decimal(r["amount"]) / n).quantize(Decimal("0.01"), ROUND_HALF_UP)
    cap = ctx.std.dec("reception.meal_cap_per_person")
    return (f"接待费人均 {per:.2f} 元（{money(r['amount'])} 元 / {n} 人），超过标准 {cap:.2f} 元/人",
            f"Reception {per:.2f} yuan per person ({money(r['amount'])} yuan / {n} people) exceeds the cap of "
            f"{cap:.2f} yuan per person")


RULE = LineRule(
    id="reception_per_capita_over_cap", severity=WARN, title="Reception cost per person over the cap",
    applies=lambda ctx: "category = 'reception'",
    requires=lambda ctx: [("missing guests or hosts", "guests IS NOT NULL AND hosts IS NOT NULL"),
                          ("no people at the reception", "guests + hosts > 0")],
    flag=lambda ctx: f"amount > {ctx.p('reception.meal_cap_per_person')} * (guests + hosts)",
    stake=lambda ctx: f"amount - {ctx.p('reception.meal_cap_per_person')} * (guests + hosts)",
    message=_message,
    source=lambda ctx: ctx.src("reception.meal_cap_per_person"),
)
