"""Handler, witness or approver signature missing (docs/regulations.md F02)."""

from voucher_audit.rules._base import BLOCK, LineRule, Msg, blank
from voucher_audit.sql import literal

ROLES = (("handler", "经办人"), ("witness", "证明人"), ("approver", "审批人"))


def _missing(sep, which):
    """The roles whose signature is missing, in the order handler, witness, approver."""
    return f"concat_ws({literal(sep)}, " + ", ".join(f"CASE WHEN {blank(c)} THEN {literal(which(c, zh))} END"
                                                    for c, zh in ROLES) + ")"


MESSAGE = Msg("缺少签字：{missing_zh}", "Missing signature: {missing_en}",
              lambda ctx: {"missing_zh": _missing("、", lambda c, zh: zh),
                           "missing_en": _missing(", ", lambda c, zh: c)})


RULE = LineRule(
    id="missing_signature", severity=BLOCK, title="Missing signature",
    applies=lambda ctx: "TRUE",
    requires=lambda ctx: [],
    flag=lambda ctx: " OR ".join(blank(c) for c, _ in ROLES),
    message=MESSAGE,
    source=lambda ctx: "会计基础工作规范 第四十八条 (原始凭证须有经办人、证明人、审批人签名); docs/regulations.md F02",
)
