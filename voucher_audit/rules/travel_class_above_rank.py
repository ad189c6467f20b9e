"""Seat or cabin class above the rank's entitlement (财行〔2013〕531号 第七条; docs/regulations.md §1)."""

from voucher_audit.rules._base import WARN, LineRule, Msg

RECEIPT_MODES = "travel_mode IN ('bus', 'other')"


MESSAGE = Msg(
    "{person_rank} 职级乘坐 {travel_mode} {travel_class}，超过规定等级",
    "Rank {person_rank} travelled {travel_mode} in {travel_class}, above the entitled class",
)


RULE = LineRule(
    id="travel_class_above_rank", severity=WARN, title="Travel class above rank",
    applies=lambda ctx: "category = 'travel_intercity'",
    requires=lambda ctx: [
        ("missing travel_mode", "travel_mode IS NOT NULL"),
        ("missing person_rank", "person_rank IS NOT NULL"),
        ("missing travel_class", f"travel_class IS NOT NULL OR {RECEIPT_MODES}"),
        ("travel_class not defined for travel_mode", f"d_class_level IS NOT NULL OR {RECEIPT_MODES}"),
    ],
    flag=lambda ctx: f"NOT ({RECEIPT_MODES}) AND d_class_level > d_class_max",
    message=MESSAGE,
    source=lambda ctx: "财行〔2013〕531号 第七条 交通工具等级",
)
