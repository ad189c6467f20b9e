"""Vehicle cost for a plate outside the unit's official fleet: 私车公养 (中办发〔2017〕71号;
docs/regulations.md V3, F15)."""

from voucher_audit.rules._base import BLOCK, VEHICLE, LineRule, Msg, blank, in_list, money_text
from voucher_audit.sql import literal

MESSAGE = Msg(
    "车牌 {vehicle_plate} 不在本单位公务用车名册内，列支车辆费用 {amount} 元",
    "Plate {vehicle_plate} is not in the unit's official fleet; {amount} yuan of vehicle cost",
    lambda ctx: {"amount": money_text("amount")},
)


RULE = LineRule(
    id="vehicle_not_in_fleet", severity=BLOCK, title="Vehicle not in the official fleet",
    applies=lambda ctx: in_list("category", VEHICLE),
    requires=lambda ctx: [
        ("no fleet table given", literal(ctx.has_fleet)),
        ("missing vehicle_plate", f"NOT {blank('vehicle_plate')}"),
    ],
    flag=lambda ctx: "NOT d_in_fleet",
    stake=lambda ctx: "amount",
    message=MESSAGE,
    source=lambda ctx: "中办发〔2017〕71号 公务用车管理办法 (严禁私车公养)",
)
