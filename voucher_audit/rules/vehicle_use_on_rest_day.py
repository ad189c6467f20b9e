"""Official car costs on a weekend or statutory holiday without an emergency (中办发〔2017〕71号; docs/regulations.md
V5–V6)."""

from voucher_audit.rules._base import VEHICLE, WARN, LineRule, Msg, in_list

MESSAGE = Msg(
    "车辆 {vehicle_plate} 于 {d_veh_date}（{kind_zh}）发生用车费用，且未标注应急",
    "Vehicle {vehicle_plate} cost dated {d_veh_date}, a {kind_en}, without an emergency tag",
    lambda ctx: {
        "kind_zh": "CASE WHEN d_veh_holiday IS NULL THEN '周末休息日' ELSE '法定节假日（' || d_veh_holiday || '）' END",
        "kind_en": "CASE WHEN d_veh_holiday IS NULL THEN 'weekend rest day' "
                   "ELSE 'statutory holiday (' || d_veh_holiday || ')' END",
    },
)


RULE = LineRule(
    id="vehicle_use_on_rest_day", severity=WARN, title="Vehicle use on a rest day",
    applies=lambda ctx: in_list("category", VEHICLE),
    requires=lambda ctx: [
        ("missing event_date and invoice_date", "d_veh_date IS NOT NULL"),
        ("date outside the holiday calendar", "d_veh_rest IS NOT NULL"),
    ],
    flag=lambda ctx: "d_veh_rest AND NOT COALESCE(emergency, FALSE)",
    message=MESSAGE,
    source=lambda ctx: "中办发〔2017〕71号 公务用车管理办法; 国务院办公厅节假日安排通知",
)
