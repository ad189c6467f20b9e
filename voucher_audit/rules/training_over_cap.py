"""培训费 above cap(class) × attendees × (days ≤ 30 + 70 % of the rest) (财行〔2016〕540号; docs/regulations.md §8)."""

from decimal import Decimal

from voucher_audit.rules._base import WARN, LineRule, Msg, money_text
from voucher_audit.sql import literal


def _cap(ctx):
    caps = ctx.std.get("training.cap_per_person_day")
    whens = " ".join(f"WHEN {int(k)} THEN {literal(Decimal(v))}" for k, v in sorted(caps.items()))
    return f"(CASE training_class {whens} END)"


def _limit(ctx):
    t, f = ctx.p("training.long_course_threshold_days"), ctx.p("training.long_course_factor")
    return f"({_cap(ctx)} * attendees * (LEAST(days, {t}) + {f} * GREATEST(days - {t}, 0)))"


MESSAGE = Msg(
    "{training_class} 类培训费 {amount} 元，超过标准 {cap} 元/人天 × {attendees} 人 × {days} 天"
    "（30 天以上按 70%）= {limit} 元",
    "Class {training_class} training {amount} yuan exceeds {cap} × {attendees} attendees × {days} days "
    "(70 % beyond day 30) = {limit} yuan",
    lambda ctx: {"amount": money_text("amount"), "cap": money_text(_cap(ctx)), "limit": money_text(_limit(ctx))},
)


RULE = LineRule(
    id="training_over_cap", severity=WARN, title="Training over the cap",
    applies=lambda ctx: "category = 'training'",
    requires=lambda ctx: [
        ("missing training_class", f"{_cap(ctx)} IS NOT NULL"),
        ("missing or zero attendees", "attendees IS NOT NULL AND attendees > 0"),
        ("missing or zero days", "days IS NOT NULL AND days > 0"),
    ],
    flag=lambda ctx: f"amount > {_limit(ctx)}",
    stake=lambda ctx: f"amount - {_limit(ctx)}",
    message=MESSAGE,
    source=lambda ctx: ctx.src("training.cap_per_person_day", "training.long_course_factor"),
)
