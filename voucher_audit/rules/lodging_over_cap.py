"""住宿费超标: amount per night above the lodging cap for destination, rank and season (财行〔2016〕71号;
docs/regulations.md §1)."""

from voucher_audit.rules._base import WARN, LineRule, Msg, blank, label, money_text, per_unit_text

RANK_ZH = {"provincial": "部级（省级）人员", "bureau": "司局级（厅级）人员", "other": "其他人员"}
RANK_EN = {"provincial": "ministerial (provincial) rank", "bureau": "bureau rank", "other": "other staff"}


STAKE = "amount - d_lodging_cap * nights"
MESSAGE = Msg(
    "住宿费 {per_night} 元/晚，超过{d_lodging_area}{rank_zh}标准 {cap} 元/晚（{nights} 晚，超支 {over} 元由个人负担）",
    "Lodging {per_night} yuan/night exceeds the {d_lodging_area} cap for {rank_en} of {cap} yuan/night "
    "({nights} nights; {over} yuan over, borne by the traveller)",
    lambda ctx: {"per_night": per_unit_text("amount", "nights"), "cap": money_text("d_lodging_cap"),
                 "rank_zh": label("person_rank", RANK_ZH), "rank_en": label("person_rank", RANK_EN),
                 "over": money_text(STAKE)},
)


RULE = LineRule(
    id="lodging_over_cap", severity=WARN, title="Lodging over the cap",
    applies=lambda ctx: "category = 'travel_lodging'",
    requires=lambda ctx: [
        ("missing or zero nights", "nights IS NOT NULL AND nights > 0"),
        ("missing trip_start", "trip_start IS NOT NULL"),
        ("missing destination", f"NOT {blank('destination')}"),
        ("missing person_rank", "person_rank IS NOT NULL"),
        ("destination not in the lodging table", "d_dest_known"),
        ("no cap for this destination in that season", "d_lodging_cap IS NOT NULL"),
    ],
    flag=lambda ctx: "amount > d_lodging_cap * nights",
    stake=lambda ctx: STAKE,
    message=MESSAGE,
    source=lambda ctx: "财行〔2016〕71号 住宿费限额标准; 财行〔2013〕531号 第十一条",
)
