"""补批: approval dated after the trip, the event or the invoice (docs/regulations.md T2, F03)."""

from voucher_audit.rules._base import TRAVEL, WARN, LineRule, Msg, in_list, text

REF = (f"(CASE WHEN {in_list('category', TRAVEL)} THEN trip_start "
       f"WHEN category IN ('reception', 'meeting', 'training') THEN event_date ELSE invoice_date END)")


MESSAGE = Msg(
    "审批日期 {approval_date} 晚于{what_zh} {ref}（事后补批）",
    "Approval dated {approval_date} is after the {what_en} {ref} (approved after the fact)",
    lambda ctx: {
        "ref": text(REF),
        "what_zh": (f"CASE WHEN {in_list('category', TRAVEL)} THEN '出差开始日期' "
                    "WHEN category IN ('reception', 'meeting', 'training') THEN '活动日期' ELSE '开票日期' END"),
        "what_en": (f"CASE WHEN {in_list('category', TRAVEL)} THEN 'trip start' "
                    "WHEN category IN ('reception', 'meeting', 'training') THEN 'event date' ELSE 'invoice date' END"),
    },
)


RULE = LineRule(
    id="post_hoc_approval", severity=WARN, title="Approval after the fact",
    applies=lambda ctx: "TRUE",
    requires=lambda ctx: [
        ("missing approval_date", "approval_date IS NOT NULL"),
        ("missing trip_start, event_date or invoice_date", f"{REF} IS NOT NULL"),
    ],
    flag=lambda ctx: f"approval_date > {REF}",
    message=MESSAGE,
    source=lambda ctx: "财行〔2013〕531号 第四条 (出差须事先审批); 中办发〔2013〕22号 第六条; docs/regulations.md F03",
)
