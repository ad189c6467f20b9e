"""Catalog scheduling at period boundaries, on the working-day calendar (make-up working days)."""

from datetime import date

import pytest

from cleangov.disclosure import actions
from cleangov.disclosure.catalog import get_catalog
from cleangov.disclosure.models import Disclosure

pytestmark = pytest.mark.django_db


def test_periods_end_exactly_on_month_quarter_and_year_ends():
    c = get_catalog()
    monthly, quarterly, yearly = c.get("finance.monthly"), c.get("village.quarterly"), c.get("village.allowances")
    # A period is scheduled only once it has ended: the quarter ending 2025-12-31 is not there on the 30th.
    assert quarterly.periods(date(2025, 1, 1), date(2025, 12, 30))[-1] == (date(2025, 7, 1), date(2025, 9, 30))
    assert quarterly.periods(date(2025, 1, 1), date(2025, 12, 31))[-1] == (date(2025, 10, 1), date(2025, 12, 31))
    assert monthly.periods(date(2024, 1, 1), date(2024, 2, 29))[-1] == (date(2024, 2, 1), date(2024, 2, 29))
    assert len(monthly.periods(date(2025, 1, 1), date(2026, 11, 30))) == 23
    assert yearly.periods(date(2025, 1, 1), date(2026, 12, 3)) == [(date(2025, 1, 1), date(2025, 12, 31))]


@pytest.mark.parametrize(("code", "period_end", "due"), [
    # 10th of the next month; 2025-10-10 is a Friday working day.
    ("finance.monthly", date(2025, 9, 30), date(2025, 10, 10)),
    # 2026-01-10 is a Saturday: the due date moves on to Monday the 12th.
    ("finance.monthly", date(2025, 12, 31), date(2026, 1, 12)),
    # 10 working days after 2025-09-30 across the National Day holiday (Oct 1–8 off) with the
    # make-up working Saturday 2025-10-11 counted: Oct 9, 10, 11, 13–17, 20, 21.
    ("party.quarterly", date(2025, 9, 30), date(2025, 10, 21)),
    # Per-event: 5 working days after a Friday event: the next Friday.
    ("event.subsidy", date(2025, 6, 6), date(2025, 6, 13)),
])
def test_due_dates(code, period_end, due):
    assert get_catalog().get(code).due_date(period_end) == due


def test_every_village_gets_its_schedule_idempotently(county):
    village = county.villages["a"]
    first = actions.do_schedule_disclosures(village, through=date(2025, 12, 31), acting_user=None)
    assert first == 12 + 4 + 4 + 1  # monthly finances, village and party quarters, the yearly allowances
    assert actions.do_schedule_disclosures(village, through=date(2025, 12, 31), acting_user=None) == 0
    assert actions.schedule_all(through=date(2026, 1, 31), acting_user=None) == 1 + (first + 1)  # Jan for A; all of B
    # Townships and groups get nothing: the catalog is for villages.
    assert not Disclosure.objects.exclude(unit__level="village").exists()
