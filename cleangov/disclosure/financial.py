"""Financial disclosures generated from the imported vouchers, so the posted table is the books.

村民委员会组织法 Art. 30 requires income and expenses to be disclosed (monthly where collective finance
is busy). The figures come from finance's active voucher lines through ``cleangov.finance.books``;
cadres may add an explanation next to them but cannot edit them.

The village books imported into CleanGov are payment vouchers: a repaid loan (category loan_repay) is
money coming in, every other category is money going out (a negative line, a refund, lowers its
category). The "three public expenses" (三公经费: official reception, official vehicles, official
trips abroad) are read from the reception and vehicle categories; village books have no category
for trips abroad, so that line is always zero and says so.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cleangov.finance import books

from .catalog import get_catalog

INCOME_CATEGORIES = frozenset({"loan_repay"})
RECEPTION = frozenset({"reception"})
VEHICLE_PREFIX = "vehicle_"
CENT = Decimal("0.01")


def _money(value: Decimal) -> str:
    return str(Decimal(value).quantize(CENT))


def _sum(totals: dict, keep) -> Decimal:
    return sum((t for c, (t, _n) in totals.items() if keep(c)), Decimal("0"))


def _content(totals: dict, year_totals: dict, itemised: list[dict], threshold: Decimal) -> dict:
    def is_income(c):
        return c in INCOME_CATEGORIES

    def row(c, t, n):
        return {"key": c, "label": books.category_label(c), "amount": _money(t), "lines": n}

    total_in, total_out = _sum(totals, is_income), _sum(totals, lambda c: not is_income(c))
    ytd_in, ytd_out = _sum(year_totals, is_income), _sum(year_totals, lambda c: not is_income(c))
    return {
        "kind": "financial",
        "income": [row(c, t, n) for c, (t, n) in sorted(totals.items()) if is_income(c)],
        "expenses": [row(c, t, n) for c, (t, n) in sorted(totals.items()) if not is_income(c)],
        "itemised": [{"key": r["line_id"], "voucher_no": r["voucher_no"], "date": r["voucher_date"].isoformat(),
                      "label": books.category_label(r["category"]), "summary": r["summary"][:120],
                      "payee": r["payee"][:80], "amount": _money(r["amount"])} for r in itemised],
        "threshold": _money(threshold),
        "three_public": {"reception": _money(_sum(totals, lambda c: c in RECEPTION)),
                         "vehicles": _money(_sum(totals, lambda c: c.startswith(VEHICLE_PREFIX))),
                         "abroad": "0.00"},
        "totals": {"income": _money(total_in), "expenses": _money(total_out), "net": _money(total_in - total_out),
                   "lines": sum(n for _t, n in totals.values())},
        "year_to_date": {"income": _money(ytd_in), "expenses": _money(ytd_out), "net": _money(ytd_in - ytd_out)},
    }


def generate(unit_id: int, period_start: date, period_end: date) -> tuple[dict, list[int]]:
    """The disclosure's figures for the period and the voucher batches they were read from."""
    threshold = get_catalog().threshold_itemise
    totals = books.totals_by_category(unit_id, period_start, period_end)
    year = books.totals_by_category(unit_id, date(period_end.year, 1, 1), period_end)
    itemised = books.lines_at_least(unit_id, period_start, period_end, threshold)
    return _content(totals, year, itemised, threshold), books.active_batch_ids(unit_id, period_start, period_end)


def generate_months(unit_id: int, months: list[tuple[date, date]]) -> dict[date, tuple[dict, list[int]]]:
    """``generate`` for many calendar months of one unit in four queries (the demo's history): the
    same figures, summed per month and carried into each year's running totals."""
    if not months:
        return {}
    threshold = get_catalog().threshold_itemise
    first = date(min(s for s, _e in months).year, 1, 1)
    last = max(e for _s, e in months)
    per_month = books.monthly_totals(unit_id, first, last)
    batches = books.batch_ids_by_month(unit_id, first, last)
    lines: dict[tuple[int, int], list[dict]] = {}
    for r in books.lines_at_least(unit_id, first, last, threshold):
        lines.setdefault((r["voucher_date"].year, r["voucher_date"].month), []).append(r)
    out = {}
    for start, _end in months:
        key = (start.year, start.month)
        year: dict[str, tuple[Decimal, int]] = {}
        for m in range(1, start.month + 1):
            for c, (t, n) in per_month.get((start.year, m), {}).items():
                t0, n0 = year.get(c, (Decimal("0"), 0))
                year[c] = (t0 + t, n0 + n)
        out[start] = (_content(per_month.get(key, {}), year, lines.get(key, []), threshold), batches.get(key, []))
    return out


def stale_batches(source_batches) -> list[int]:
    """The batches a published table was read from that a corrected batch has since replaced."""
    return books.superseded_batch_ids(source_batches) if source_batches else []
