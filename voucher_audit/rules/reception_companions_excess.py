"""Too many companions at a reception meal (中办发〔2013〕22号 第十条; docs/regulations.md R3)."""

from voucher_audit.rules._base import WARN, LineRule, Msg, text


def _allowed(ctx):
    small = int(ctx.std.get("reception.small_group_max_guests"))
    few = int(ctx.std.get("reception.max_companions_small_group"))
    ratio = int(ctx.std.get("reception.large_group_ratio"))
    return text(f"CASE WHEN guests <= {small} THEN {few} ELSE guests // {ratio} END")


MESSAGE = Msg(
    "接待对象 {guests} 人，陪餐 {hosts} 人，超过允许的 {allowed} 人",
    "{guests} guests with {hosts} companions; at most {allowed} companions are allowed",
    lambda ctx: {"allowed": _allowed(ctx)},
)


RULE = LineRule(
    id="reception_companions_excess", severity=WARN, title="Too many reception companions",
    applies=lambda ctx: "category = 'reception'",
    requires=lambda ctx: [("missing guests", "guests IS NOT NULL"), ("missing hosts", "hosts IS NOT NULL")],
    flag=lambda ctx: (f"(guests <= {ctx.p('reception.small_group_max_guests')} "
                      f"AND hosts > {ctx.p('reception.max_companions_small_group')}) OR "
                      f"(guests > {ctx.p('reception.small_group_max_guests')} "
                      f"AND {ctx.p('reception.large_group_ratio')} * hosts > guests)"),
    message=MESSAGE,
    source=lambda ctx: ctx.src("reception.max_companions_small_group", "reception.large_group_ratio"),
)
