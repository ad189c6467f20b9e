"""Village major-matter payments checked against the villages' decision records (四议两公开).

The audit engine's rule ``major_matter_without_resolution`` flags a village major-matter payment
(project, asset disposal, land compensation, subsidy distribution) whose voucher cites no resolution
number; it imports no Django and reads no decision records, and it is left exact as it is. The
finance workspace finishes the check here, after the engine, with the reference rows an installed
app declares under ``village_resolutions`` (``AppDeclaration.reference_rows``; the democracy app
declares its decision records). Finance imports no such app.

A row is a dict with the keys:

    unit_id       the village's unit id
    matter        its matter reference ("democracy.decision:12"), linked to the finding
    title         the decision's title
    ref           the resolution number ("" while the decision has none)
    categories    the voucher categories a decision on its matter can cover
    opened_on     the first day the village kept this decision in the platform
    decided_on    the day of the resolution (None before the decision)
    disclosed_on  the day the resolution was disclosed (None before)
    amount        the most the resolution approved (None: no amount named)
    withdrawn     True for a withdrawn decision
    url           its page

**What covers a payment.** The voucher must cite the resolution's number (the village's accountant
attaches the resolution to the voucher; 村民委员会组织法 Art. 24 reserves the matter to the villagers'
meeting, and the four-discussions-two-disclosures method implements only a disclosed resolution).
A cited number is matched against the records of the payment's own village (spaces ignored); the
record covers the payment when it is not withdrawn, its matter can cover the payment's category,
its resolution was taken on or before the payment date and disclosed on or before it, and the
payments citing it, in date order up to and including this one, stay within the amount it approved.
A payment is never matched to a decision by amount and category alone: a large resolution would then
hide any payment of its kind.

**What is flagged.** A payment citing a number that no record of the village carries, or a record
that does not cover it, becomes a finding of the same rule whose explanation names every record
considered and why none covers it ("decision … was resolved on 2026-05-03, after the payment of
2026-04-20"). The engine's own findings (no number cited) get the village's records of that kind of
payment appended, to say which resolution the voucher should cite. Each finding keeps links to the
records considered (:class:`~cleangov.finance.models.FindingRecord`).

**Where the platform cannot tell.** Villages that keep no decision record in the platform, and
payments dated before the village's first record, keep the engine's verdict alone: a cited number
is trusted, since the paper resolutions of those days are not in the platform.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from decimal import Decimal

from cleangov.core.declarations import reference_providers, reference_rows
from voucher_audit.rules._base import Finding as EngineFinding

from . import engine as E
from .choices import ImportBatchStatusChoices, VoucherCategoryChoices, code_label
from .lines_sql import chunks

RULE = "major_matter_without_resolution"
TABLE = "village_resolutions"
MAJOR_CATEGORIES = ("project", "asset_disposal", "land_compensation", "subsidy_distribution")
MAX_LISTED = 5  # records named in one explanation


def _norm(ref: str | None) -> str:
    return "".join((ref or "").split())


@functools.cache
def _category(code: str) -> tuple[str, str]:
    """A voucher category in words, (Chinese, English): messages are stored in both languages."""
    from django.utils import translation

    with translation.override("zh-hans"):
        zh = code_label(VoucherCategoryChoices, code)
    with translation.override("en"):
        en = code_label(VoucherCategoryChoices, code)
    return zh, en


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _name(row: dict) -> tuple[str, str]:
    if row["ref"]:
        return f"决策“{row['title']}”（决议 {row['ref']}）", f"decision {row['ref']} ({row['title']})"
    return f"决策“{row['title']}”", f"decision “{row['title']}”"


def why_not(row: dict, line: dict, paid_through: Decimal) -> tuple[str, str] | None:
    """None when ``row`` covers the payment ``line``; otherwise why not, in Chinese and English.
    ``paid_through`` is the total of the payments citing the record up to and including this one."""
    zh, en = _name(row)
    day = line["voucher_date"]
    if row["withdrawn"]:
        return f"{zh}已撤回", f"{en} was withdrawn"
    if line["category"] not in row["categories"]:
        cat_zh, cat_en = _category(line["category"])
        return (f"{zh}的事项不涵盖此类支出（{cat_zh}）",
                f"{en} is about a matter that does not cover a payment of this kind ({cat_en})")
    if row["decided_on"] is None:
        return f"{zh}尚未形成决议", f"{en} has no resolution yet"
    if row["decided_on"] > day:
        return (f"{zh}于 {row['decided_on']} 形成决议，晚于 {day} 的支付",
                f"{en} was resolved on {row['decided_on']}, after the payment of {day}")
    if row["disclosed_on"] is None:
        return f"{zh}的决议尚未公开", f"the resolution of {en} has not been disclosed"
    if row["disclosed_on"] > day:
        return (f"{zh}的决议于 {row['disclosed_on']} 公开，晚于 {day} 的支付",
                f"the resolution of {en} was disclosed on {row['disclosed_on']}, after the payment of {day}")
    if row["amount"] is not None and paid_through > row["amount"]:
        return (f"引用{zh}的支付累计 {_money(paid_through)} 元，超过决议批准的 {_money(row['amount'])} 元",
                f"payments citing {en} reach {_money(paid_through)} yuan, above the {_money(row['amount'])} "
                f"yuan it approved")
    return None


def _candidates(rows: list[dict], category: str) -> list[dict]:
    """The village's records that could cover a payment of ``category`` (resolved ones first)."""
    found = [r for r in rows if not r["withdrawn"] and category in r["categories"]]
    return sorted(found, key=lambda r: (r["decided_on"] is None, r["decided_on"] or r["opened_on"]))[:MAX_LISTED]


def _listing(rows: list[dict]) -> tuple[str, str]:
    zh, en = [], []
    for r in rows:
        name_zh, name_en = _name(r)
        if r["decided_on"]:
            disclosed_zh = f"，{r['disclosed_on']} 公开" if r["disclosed_on"] else "，未公开"
            disclosed_en = f", disclosed {r['disclosed_on']}" if r["disclosed_on"] else ", not disclosed"
            zh.append(f"{name_zh}，{r['decided_on']} 决议{disclosed_zh}")
            en.append(f"{name_en}, resolved {r['decided_on']}{disclosed_en}")
        else:
            zh.append(f"{name_zh}，尚无决议")
            en.append(f"{name_en}, no resolution yet")
    return "；".join(zh), "; ".join(en)


def _village_lines(unit_ids: list[int]) -> list[dict]:
    from .models import VoucherLine

    out = []
    for chunk in chunks(unit_ids, 500):
        out.extend(VoucherLine.objects.filter(unit_id__in=chunk, batch__status=ImportBatchStatusChoices.ACTIVE,
                                              category__in=MAJOR_CATEGORIES)
                   .values("unit_id", "org_code", "line_id", "voucher_date", "amount", "category", "resolution_ref"))
    return sorted(out, key=lambda r: (r["voucher_date"], r["org_code"], r["line_id"]))


def cross_check(result, units: dict) -> dict[tuple[str, ...], list[dict]]:
    """Finish the rule on the engine's ``result`` for the run's ``units`` (id → Unit): add a finding
    for each cited resolution that does not cover its payment, explain the engine's own findings of
    the rule, and return line ids → the records considered for each finding of the rule."""
    if not reference_providers(TABLE):
        return {}
    villages = {pk: u for pk, u in units.items() if u.level == "village"}
    by_unit: dict[int, list[dict]] = defaultdict(list)
    for row in reference_rows(TABLE, list(villages)):
        by_unit[row["unit_id"]].append(row)
    if not by_unit:
        return {}
    first_day = {unit_id: min(r["opened_on"] for r in rows) for unit_id, rows in by_unit.items()}
    rule = E.RULES[RULE]
    engine_found = {f.line_ids: i for i, f in enumerate(result.findings) if f.rule == RULE}
    records: dict[tuple[str, ...], list[dict]] = {}
    added = []
    paid: dict[str, Decimal] = defaultdict(Decimal)
    for line in _village_lines(sorted(by_unit)):
        rows = by_unit[line["unit_id"]]
        if line["voucher_date"] < first_day[line["unit_id"]]:
            continue
        key = (E.line_key(line["org_code"], line["line_id"]),)
        ref = _norm(line["resolution_ref"])
        amount = line["amount"]
        cat_zh, cat_en = _category(line["category"])
        head_zh = f"村级重大事项支出 {_money(amount)} 元（{cat_zh}）"
        head_en = f"Village major-matter payment of {_money(amount)} yuan ({cat_en.lower()})"
        if not ref:
            if key in engine_found:
                considered = _candidates(rows, line["category"])
                list_zh, list_en = _listing(considered)
                f = result.findings[engine_found[key]]
                if considered:
                    zh = f"{f.zh}；凭证未注明决议编号，本村可对应此类支出的决策记录：{list_zh}"
                    en = f"{f.en}; the voucher cites no resolution number; the village's records for this kind of " \
                         f"payment: {list_en}"
                else:
                    zh = f"{f.zh}；本村没有可对应此类支出的决策记录"
                    en = f"{f.en}; the village has no decision record for this kind of payment"
                result.findings[engine_found[key]] = f._replace(zh=zh, en=en)
                records[key] = considered
            continue
        cited = [r for r in rows if r["ref"] and _norm(r["ref"]) == ref]
        if not cited:
            considered = [r for r in _candidates(rows, line["category"]) if r["decided_on"]]
            list_zh, list_en = _listing(considered)
            zh = f"{head_zh}注明的决议编号“{line['resolution_ref']}”不是本村任何决策记录的决议编号"
            en = f"{head_en} cites resolution number “{line['resolution_ref']}”, which no decision record of the " \
                 f"village carries"
            if considered:
                zh = f"{zh}；本村此类事项的决议：{list_zh}"
                en = f"{en}; the village's resolutions on such matters: {list_en}"
            stake = amount
        else:
            row = cited[0]
            paid[row["matter"]] += amount
            why = why_not(row, line, paid[row["matter"]])
            if why is None:
                continue
            considered = [row]
            zh = f"{head_zh}不在所引决议范围内：{why[0]}"
            en = f"{head_en} is not covered by the resolution it cites: {why[1]}"
            stake = amount
            if why_not({**row, "amount": None}, line, paid[row["matter"]]) is None:
                stake = min(amount, paid[row["matter"]] - row["amount"])  # only the part above the amount
        added.append(EngineFinding(RULE, rule.severity, key, line["org_code"], stake, zh, en,
                               f"{rule.source(None)}; 决议公开后方可实施"))
        records[key] = considered
    if added:
        result.findings.extend(added)
        for row in result.coverage:
            if row.get("rule") == RULE and "flagged" in row:
                row["flagged"] += len(added)
    return records
