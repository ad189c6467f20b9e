"""Reception without an official letter: 无公函不接待 (中办发〔2013〕22号 第六条; docs/regulations.md R1)."""

from voucher_audit.rules._base import BLOCK, LineRule, Msg, blank, money_text

MESSAGE = Msg("公务接待费 {amount} 元无派出单位公函",
              "Reception of {amount} yuan has no official letter from the sending unit",
              lambda ctx: {"amount": money_text("amount")})


RULE = LineRule(
    id="reception_without_letter", severity=BLOCK, title="Reception without an official letter",
    applies=lambda ctx: "category = 'reception'",
    requires=lambda ctx: [],
    flag=lambda ctx: blank("official_letter"),
    stake=lambda ctx: "amount",
    message=MESSAGE,
    source=lambda ctx: "中办发〔2013〕22号 第六条 (无公函的公务活动和来访人员一律不予接待)",
)
