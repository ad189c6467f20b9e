"""Too many companions at a reception meal (中办发〔2013〕22号 第十条; regs §2 R3)."""

from voucher_audit.rules._base import WARN, LineRule


def _message(r, ctx):
    g, h = r["guests"], r["hosts"]
    small = int(ctx.std.get("reception.small_group_max_guests"))
    allowed = int(ctx.std.get("reception.max_companions_small_group")) if g <= small else \
        g // int(ctx.std.get("reception.large_group_ratio"))
    return (f"接待对象 {g} 人，陪餐 {h} 人，超过允许的 {allowed} 人",
            f"{g} guests with {h} companions; at most {allowed} companions are allowed")


RULE = LineRule(
    id="reception_companions_excess", severity=WARN, title="Too many reception companions",
    applies=lambda ctx: "category = 'reception'",
    requires=lambda ctx: [("missing guests", "guests IS NOT NULL"), ("missing hosts", "hosts IS NOT NULL")],
    flag=lambda ctx: (f"(guests <= {ctx.p('reception.small_group_max_guests')} "
                      f"AND hosts > {ctx.p('reception.max_companions_small_group')}) OR "
                      f"(guests > {ctx.p('reception.small_group_max_guests')} "
                      f"AND {ctx.p('reception.large_group_ratio')} * hosts > guests)"),
    message=_message,
    source=lambda ctx: ctx.src("reception.max_companions_small_group", "reception.large_group_ratio"),
)
