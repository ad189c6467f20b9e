"""Handler, witness or approver signature missing (regs §8.3 F02)."""

from voucher_audit.rules._base import BLOCK, LineRule, blank

ROLES = (("handler", "经办人"), ("witness", "证明人"), ("approver", "审批人"))


def _message(r, ctx):
    missing = [(c, zh) for c, zh in ROLES if not (r.get(c) or "").strip()]
    return ("缺少签字：" + "、".join(zh for _, zh in missing),
            "Missing signature: " + ", ".join(c for c, _ in missing))


RULE = LineRule(
    id="missing_signature", severity=BLOCK, title="Missing signature",
    applies=lambda ctx: "TRUE",
    requires=lambda ctx: [],
    flag=lambda ctx: " OR ".join(blank(c) for c, _ in ROLES),
    message=_message,
    fields=tuple(c for c, _ in ROLES),
    source=lambda ctx: "会计基础工作规范 第四十八条 (原始凭证须有经办人、证明人、审批人签名); regulations.md §8.3 F02",
)
