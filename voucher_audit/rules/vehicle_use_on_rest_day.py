"""Official car costs on a weekend or statutory holiday without an emergency (中办发〔2017〕71号; regs §3 V5–V6)."""

from voucher_audit.rules._base import VEHICLE, WARN, LineRule, in_list


def _message(r, ctx):
    kind_zh = f"法定节假日（{r['d_veh_holiday']}）" if r.get("d_veh_holiday") else "周末休息日"
    kind_en = f"statutory holiday ({r['d_veh_holiday']})" if r.get("d_veh_holiday") else "weekend rest day"
    plate = r.get("vehicle_plate") or "-"
    return (f"车辆 {plate} 于 {r['d_veh_date']}（{kind_zh}）发生用车费用，且未标注应急",
            f"Vehicle {plate} cost dated {r['d_veh_date']}, a {kind_en}, without an emergency tag")


RULE = LineRule(
    id="vehicle_use_on_rest_day", severity=WARN, title="Vehicle use on a rest day",
    applies=lambda ctx: in_list("category", VEHICLE),
    requires=lambda ctx: [
        ("missing event_date and invoice_date", "d_veh_date IS NOT NULL"),
        ("date outside the holiday calendar", "d_veh_rest IS NOT NULL"),
    ],
    flag=lambda ctx: "d_veh_rest AND NOT COALESCE(emergency, FALSE)",
    message=_message,
    source=lambda ctx: "中办发〔2017〕71号 公务用车管理办法; 国务院办公厅节假日安排通知",
)
