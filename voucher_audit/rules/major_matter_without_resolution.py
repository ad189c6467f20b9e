"""Village major-matter payment without a 四议两公开 / 一事一议 resolution.

Source: 村民委员会组织法 第二十四条; docs/regulations.md §6 and docs/regulations.md F20.
"""

from voucher_audit.rules._base import BLOCK, LineRule, Msg, blank, money_text

CATS = "category IN ('project', 'asset_disposal', 'land_compensation', 'subsidy_distribution')"


MESSAGE = Msg(
    "村级重大事项支出 {amount} 元（{category}）无村民会议或代表会议决议",
    "Village major-matter payment of {amount} yuan ({category}) has no resolution record",
    lambda ctx: {"amount": money_text("amount")},
)


RULE = LineRule(
    id="major_matter_without_resolution", severity=BLOCK, title="Village major matter without a resolution",
    # Lines of units not in the units table apply too: we cannot tell whether they are villages.
    applies=lambda ctx: f"{CATS} AND (d_unit_level = 'village' OR d_unit_level IS NULL)",
    requires=lambda ctx: [("unit not in the units table", "d_unit_level IS NOT NULL")],
    flag=lambda ctx: blank("resolution_ref"),
    stake=lambda ctx: "amount",
    message=MESSAGE,
    source=lambda ctx: "村民委员会组织法 第二十四条 (须经村民会议讨论决定); 四议两公开 (docs/regulations.md §6)",
)
