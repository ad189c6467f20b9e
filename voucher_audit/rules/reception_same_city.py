"""Same-city reception (严禁同城吃请; a local rule in many places: docs/regulations.md R13)."""

from voucher_audit.rules._base import WARN, LineRule, Msg, blank

SAME = ("(guest_origin_city = d_unit_city OR guest_origin_city || '市' = d_unit_city "
        "OR guest_origin_city = d_unit_city || '市')")


MESSAGE = Msg(
    "接待对象来自本单位所在城市 {guest_origin_city}（同城接待）",
    "The guests come from {guest_origin_city}, the unit's own city (same-city reception)",
)


RULE = LineRule(
    id="reception_same_city", severity=WARN, title="Same-city reception",
    applies=lambda ctx: "category = 'reception'",
    requires=lambda ctx: [
        ("unit not in the units table", "d_unit_known"),
        ("unit city unknown", f"NOT {blank('d_unit_city')}"),
        ("missing guest_origin_city", f"NOT {blank('guest_origin_city')}"),
    ],
    flag=lambda ctx: SAME,
    message=MESSAGE,
    source=lambda ctx: "严禁同城吃请 (local rule in many counties, docs/regulations.md R13)",
)
