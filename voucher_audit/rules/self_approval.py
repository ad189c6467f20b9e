"""The approver approved their own claim (separation of duties; docs/regulations.md F02)."""

from voucher_audit.rules._base import WARN, LineRule, Msg, blank

MESSAGE = Msg("审批人 {approver} 与经办人相同（自批自报）", "Approver {approver} is also the handler (self-approval)")


RULE = LineRule(
    id="self_approval", severity=WARN, title="Self-approval",
    applies=lambda ctx: "TRUE",
    requires=lambda ctx: [("missing handler", f"NOT {blank('handler')}"),
                          ("missing approver", f"NOT {blank('approver')}")],
    flag=lambda ctx: "LOWER(approver) = LOWER(handler)",
    message=MESSAGE,
    source=lambda ctx: "会计法 第二十七条 (不相容职务相互分离); docs/regulations.md F02",
)
