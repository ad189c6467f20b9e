"""Class 2–4 meetings longer than 2 days (财行〔2016〕214号; regs §8.1)."""

from voucher_audit.rules._base import WARN, LineRule


def _message(r, ctx):
    limit = ctx.std.get("meeting.max_days_class_2_4")
    return (f"{r['meeting_class']} 类会议会期 {r['days']} 天，超过 {limit} 天",
            f"Class {r['meeting_class']} meeting lasted {r['days']} days, more than {limit}")


RULE = LineRule(
    id="meeting_too_long", severity=WARN, title="Meeting too long",
    applies=lambda ctx: "category = 'meeting'",
    requires=lambda ctx: [("missing meeting_class", "meeting_class IS NOT NULL"), ("missing days", "days IS NOT NULL")],
    flag=lambda ctx: f"meeting_class IN (2, 3, 4) AND days > {ctx.p('meeting.max_days_class_2_4')}",
    message=_message,
    source=lambda ctx: ctx.src("meeting.max_days_class_2_4"),
)
