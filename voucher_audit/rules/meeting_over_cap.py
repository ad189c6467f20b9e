"""会议费 above cap(class) × attendees × days (财行〔2016〕214号; regs §8.1)."""

from decimal import Decimal

from voucher_audit.rules._base import WARN, LineRule, money
from voucher_audit.sql import literal


def _cap(ctx):
    caps = ctx.std.get("meeting.cap_per_person_day")
    whens = " ".join(f"WHEN {int(k)} THEN {literal(Decimal(v))}" for k, v in sorted(caps.items()))
    return f"(CASE meeting_class {whens} END)"


def _message(r, ctx):
    return (f"{r['meeting_class']} 类会议费 {money(r['amount'])} 元，超过 {money(r['x_cap'])} 元 × "
            f"{r['attendees']} 人 × "
            f"{r['days']} 天 = {money(r['x_limit'])} 元",
            f"Class {r['meeting_class']} meeting {money(r['amount'])} yuan exceeds {money(r['x_cap'])} × "
            f"{r['attendees']} attendees × {r['days']} days = {money(r['x_limit'])} yuan")


RULE = LineRule(
    id="meeting_over_cap", severity=WARN, title="Meeting over the cap",
    applies=lambda ctx: "category = 'meeting'",
    requires=lambda ctx: [
        ("missing meeting_class", f"{_cap(ctx)} IS NOT NULL"),
        ("missing or zero attendees", "attendees IS NOT NULL AND attendees > 0"),
        ("missing or zero days", "days IS NOT NULL AND days > 0"),
    ],
    flag=lambda ctx: f"amount > {_cap(ctx)} * attendees * days",
    stake=lambda ctx: f"amount - {_cap(ctx)} * attendees * days",
    details=lambda ctx: {"cap": _cap(ctx), "limit": f"{_cap(ctx)} * attendees * days"},
    message=_message,
    source=lambda ctx: ctx.src("meeting.cap_per_person_day"),
)
