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


def generate(unit_id: int, period_start: date, period_end: date) -> tuple[dict, list[int]]:
    """The disclosure's figures for the period and the voucher batches they were read from."""
    threshold = get_catalog().threshold_itemise
    by_category = books.totals_by_category(unit_id, period_start, period_end)
    income = [{"key": c, "label": books.category_label(c), "amount": _money(t), "lines": n}
              for c, (t, n) in sorted(by_category.items()) if c in INCOME_CATEGORIES]
    expenses = [{"key": c, "label": books.category_label(c), "amount": _money(t), "lines": n}
                for c, (t, n) in sorted(by_category.items()) if c not in INCOME_CATEGORIES]
    total_in = sum((t for c, (t, _n) in by_category.items() if c in INCOME_CATEGORIES), Decimal("0"))
    total_out = sum((t for c, (t, _n) in by_category.items() if c not in INCOME_CATEGORIES), Decimal("0"))
    reception = sum((t for c, (t, _n) in by_category.items() if c in RECEPTION), Decimal("0"))
    vehicles = sum((t for c, (t, _n) in by_category.items() if c.startswith(VEHICLE_PREFIX)), Decimal("0"))
    year = books.totals_by_category(unit_id, date(period_end.year, 1, 1), period_end)
    ytd_in = sum((t for c, (t, _n) in year.items() if c in INCOME_CATEGORIES), Decimal("0"))
    ytd_out = sum((t for c, (t, _n) in year.items() if c not in INCOME_CATEGORIES), Decimal("0"))
    itemised = [{"key": row["line_id"], "voucher_no": row["voucher_no"], "date": row["voucher_date"].isoformat(),
                 "label": books.category_label(row["category"]), "summary": row["summary"][:120],
                 "payee": row["payee"][:80], "amount": _money(row["amount"])}
                for row in books.lines_at_least(unit_id, period_start, period_end, threshold)]
    content = {
        "kind": "financial",
        "income": income,
        "expenses": expenses,
        "itemised": itemised,
        "threshold": _money(threshold),
        "three_public": {"reception": _money(reception), "vehicles": _money(vehicles), "abroad": "0.00"},
        "totals": {"income": _money(total_in), "expenses": _money(total_out), "net": _money(total_in - total_out),
                   "lines": sum(n for _t, n in by_category.values())},
        "year_to_date": {"income": _money(ytd_in), "expenses": _money(ytd_out), "net": _money(ytd_in - ytd_out)},
    }
    return content, books.active_batch_ids(unit_id, period_start, period_end)


def stale_batches(source_batches) -> list[int]:
    """The batches a published table was read from that a corrected batch has since replaced."""
    return books.superseded_batch_ids(source_batches) if source_batches else []
