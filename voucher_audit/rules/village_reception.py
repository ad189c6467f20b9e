"""Reception booked by a village, which keeps no reception budget (docs/regulations.md R6, §6)."""

from voucher_audit.rules._base import WARN, LineRule, Msg, money_text

MESSAGE = Msg(
    "村级组织列支公务接待费 {amount} 元（村级不安排公务接待费）",
    "Village booked {amount} yuan of official reception (villages keep zero reception)",
    lambda ctx: {"amount": money_text("amount")},
)


RULE = LineRule(
    id="village_reception", severity=WARN, title="Reception at a village",
    applies=lambda ctx: "category = 'reception'",
    requires=lambda ctx: [("unit not in the units table", "d_unit_known AND d_unit_level IS NOT NULL")],
    flag=lambda ctx: "d_unit_level = 'village'",
    stake=lambda ctx: "amount",
    message=MESSAGE,
    source=lambda ctx: ("中办发〔2013〕22号 第十二条 (接待费预算总额控制); "
                        "villages keep zero reception (docs/regulations.md §6)"),
)
