"""Village major-matter payment without a 四议两公开 / 一事一议 resolution.

Source: 村民委员会组织法 第二十四条; regulations.md §6 and §8.3 F20.
"""

from voucher_audit.rules._base import BLOCK, LineRule, blank, money

CATS = "category IN ('project', 'asset_disposal', 'land_compensation', 'subsidy_distribution')"


def _message(r, ctx):
    return (f"村级重大事项支出 {money(r['amount'])} 元（{r['category']}）无村民会议或代表会议决议",
            f"Village major-matter payment of {money(r['amount'])} yuan ({r['category']}) has no resolution record")


RULE = LineRule(
    id="major_matter_without_resolution", severity=BLOCK, title="Village major matter without a resolution",
    # Lines of units not in the units table apply too: we cannot tell whether they are villages.
    applies=lambda ctx: f"{CATS} AND (d_unit_level = 'village' OR d_unit_level IS NULL)",
    requires=lambda ctx: [("unit not in the units table", "d_unit_level IS NOT NULL")],
    flag=lambda ctx: blank("resolution_ref"),
    stake=lambda ctx: "amount",
    message=_message,
    source=lambda ctx: "村民委员会组织法 第二十四条 (须经村民会议讨论决定); 四议两公开 (regulations.md §6.3)",
)
