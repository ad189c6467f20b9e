"""Class 2–4 meetings longer than 2 days (财行〔2016〕214号; docs/regulations.md §8)."""

from voucher_audit.rules._base import WARN, LineRule, Msg, const

MESSAGE = Msg(
    "{meeting_class} 类会议会期 {days} 天，超过 {limit} 天",
    "Class {meeting_class} meeting lasted {days} days, more than {limit}",
    lambda ctx: {"limit": const(str(ctx.std.get("meeting.max_days_class_2_4")))},
)


RULE = LineRule(
    id="meeting_too_long", severity=WARN, title="Meeting too long",
    applies=lambda ctx: "category = 'meeting'",
    requires=lambda ctx: [("missing meeting_class", "meeting_class IS NOT NULL"), ("missing days", "days IS NOT NULL")],
    flag=lambda ctx: f"meeting_class IN (2, 3, 4) AND days > {ctx.p('meeting.max_days_class_2_4')}",
    message=MESSAGE,
    source=lambda ctx: ctx.src("meeting.max_days_class_2_4"),
)
