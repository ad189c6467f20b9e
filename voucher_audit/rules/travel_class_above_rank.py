"""Seat or cabin class above the rank's entitlement (财行〔2013〕531号 第七条; docs/regulations.md §1)."""

from voucher_audit.rules._base import WARN, LineRule, Msg, label
from voucher_audit.rules.lodging_over_cap import RANK_EN, RANK_ZH

RECEIPT_MODES = "travel_mode IN ('bus', 'other')"
# The explanation names the means and class as a reader says them, not by their codes.
MODE_ZH = {"train": "火车", "high_speed_rail": "高铁（动车）", "plane": "飞机", "ship": "轮船", "bus": "汽车",
           "other": "其他交通工具"}
MODE_EN = {"train": "by train", "high_speed_rail": "by high-speed rail", "plane": "by air", "ship": "by ship",
           "bus": "by coach", "other": "by other means"}
CLASS_ZH = {"business": "商务座", "first": "一等座", "second": "二等座", "soft_sleeper": "软卧", "hard_sleeper": "硬卧",
            "soft_seat": "软座", "hard_seat": "硬座", "first_cabin": "头等舱", "business_cabin": "公务舱（商务舱）",
            "economy": "经济舱", "ship_first": "一等舱", "ship_second": "二等舱", "ship_third": "三等舱"}
CLASS_EN = {"business": "business class", "first": "first class", "second": "second class",
            "soft_sleeper": "a soft sleeper", "hard_sleeper": "a hard sleeper", "soft_seat": "a soft seat",
            "hard_seat": "a hard seat", "first_cabin": "first class", "business_cabin": "business class",
            "economy": "economy class", "ship_first": "a first-class cabin", "ship_second": "a second-class cabin",
            "ship_third": "a third-class cabin"}


MESSAGE = Msg(
    "{rank_zh}乘坐{mode_zh}{class_zh}，超过规定等级",
    "Travelled {mode_en} in {class_en} as {rank_en}, above the entitled class",
    lambda ctx: {"rank_zh": label("person_rank", RANK_ZH), "rank_en": label("person_rank", RANK_EN),
                 "mode_zh": label("travel_mode", MODE_ZH), "mode_en": label("travel_mode", MODE_EN),
                 "class_zh": label("travel_class", CLASS_ZH), "class_en": label("travel_class", CLASS_EN)},
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
