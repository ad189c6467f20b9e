"""住宿费超标: amount per night above the lodging cap for destination, rank and season (财行〔2016〕71号; regs §1.3)."""

from decimal import ROUND_HALF_UP, Decimal

from voucher_audit.rules._base import WARN, LineRule, blank, money

RANK_ZH = {"provincial": "部级（省级）人员", "bureau": "司局级（厅级）人员", "other": "其他人员"}
RANK_EN = {"provincial": "ministerial (provincial) rank", "bureau": "bureau rank", "other": "other staff"}


def _message(r, ctx):
    per_night = (Decimal(r["amount"]) / r["nights"]).quantize(Decimal("0.01"), ROUND_HALF_UP)
    area, rank = r["d_lodging_area"], r["person_rank"]
    over = money(r["x_stake"])
    return (f"住宿费 {per_night:.2f} 元/晚，超过{area}{RANK_ZH[rank]}标准 {money(r['d_lodging_cap'])} 元/晚"
            f"（{r['nights']} 晚，超支 {over} 元由个人负担）",
            f"Lodging {per_night:.2f} yuan/night exceeds the {area} cap for {RANK_EN[rank]} of "
            f"{money(r['d_lodging_cap'])} yuan/night ({r['nights']} nights; {over} yuan over, borne by the traveller)")


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
    stake=lambda ctx: "amount - d_lodging_cap * nights",
    message=_message,
    source=lambda ctx: "财行〔2016〕71号 住宿费限额标准; 财行〔2013〕531号 第十一条",
)
