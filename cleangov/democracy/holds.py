"""What the democracy app tells other apps without being imported: the publication hold on a month's
financial disclosure (declared as ``publication_holds``), and the monthly reviews to open."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import ReviewStatusChoices
from .models import MonthlyReview


def is_financial_catalog(catalog_code: str) -> bool:
    """Whether a disclosure catalogue item is a financial one (income and expenses): the disclosure
    app's codes for village finances contain "financ" (finance, financial, ...) or "income"."""
    code = (catalog_code or "").lower()
    return "financ" in code or "income" in code or "财务" in code


def unreviewed_months(unit_id: int, period_start: date, period_end: date) -> list[date]:
    """Months of the period with imported vouchers whose financial management review is not done."""
    from cleangov.finance.api import months_with_lines

    months = months_with_lines(unit_id, period_start, period_end)
    done = set(MonthlyReview.objects.filter(unit_id=unit_id, month__in=months, status=ReviewStatusChoices.DONE)
               .values_list("month", flat=True))
    return [m for m in months if m not in done]


def publication_holds(unit_id: int, catalog_code: str, period_start, period_end) -> list[str]:
    """A financial disclosure is held while any month of its period with vouchers has not been reviewed
    by the village's financial management group (民主理财, 村民委员会组织法 Art. 32)."""
    if not is_financial_catalog(catalog_code):
        return []
    return [_("The vouchers of %(month)s have not been reviewed by the financial management group yet.") % {
        "month": m.strftime("%Y-%m")} for m in unreviewed_months(unit_id, period_start, period_end)]


def open_due_reviews(*, acting_user=None, today: date | None = None, limit: int | None = None) -> int:
    """Open the review of every ended month (this year and last) that has vouchers and no review yet,
    so its clock runs on the deadline engine; at most ``limit`` of them. Idempotent: a second call opens
    only what the first left."""
    from cleangov.finance.api import units_with_lines
    from cleangov.orgs.choices import UnitLevelChoices
    from cleangov.orgs.models import Unit

    from .actions import do_open_monthly_review

    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    found = units_with_lines(date(today.year - 1, 1, 1), this_month - timedelta(days=1))
    villages = {u.pk: u for u in Unit.objects.filter(pk__in=found, level=UnitLevelChoices.VILLAGE)}
    existing = set(MonthlyReview.objects.filter(unit_id__in=villages).values_list("unit_id", "month"))
    opened = 0
    for unit_id, months in found.items():
        if unit_id not in villages:
            continue
        for month in months:
            if (unit_id, month) not in existing:
                if opened == limit:
                    return opened
                do_open_monthly_review(acting_user=acting_user, unit=villages[unit_id], month=month)
                opened += 1
    return opened
