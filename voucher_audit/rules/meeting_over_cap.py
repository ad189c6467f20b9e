"""会议费 above cap(class) × attendees × days (财行〔2016〕214号; docs/regulations.md §8)."""

from decimal import Decimal

from voucher_audit.rules._base import WARN, LineRule, Msg, money_text
from voucher_audit.sql import literal


def _cap(ctx):
    caps = ctx.std.get("meeting.cap_per_person_day")
    whens = " ".join(f"WHEN {int(k)} THEN {literal(Decimal(v))}" for k, v in sorted(caps.items()))
    return f"(CASE meeting_class {whens} END)"


MESSAGE = Msg(
    "{meeting_class} 类会议费 {amount} 元，超过 {cap} 元 × {attendees} 人 × {days} 天 = {limit} 元",
    "Class {meeting_class} meeting {amount} yuan exceeds {cap} × {attendees} attendees × {days} days = {limit} yuan",
    lambda ctx: {"amount": money_text("amount"), "cap": money_text(_cap(ctx)),
                 "limit": money_text(f"{_cap(ctx)} * attendees * days")},
)


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
    message=MESSAGE,
    source=lambda ctx: ctx.src("meeting.cap_per_person_day"),
)
