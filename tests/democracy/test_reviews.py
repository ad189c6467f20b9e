"""The financial management group's monthly review of vouchers: a month with vouchers not reviewed
holds that month's financial disclosure and is overdue on the deadline engine after its due date."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django_tasks_db.models import DBTaskResult

from cleangov.core.declarations import publication_holds
from cleangov.core.periodic import PERIODIC_PRIORITY
from cleangov.deadlines.api import deadlines_for
from cleangov.deadlines.tick import run_tick
from cleangov.democracy import tasks
from cleangov.democracy.actions import (
    do_answer_voucher_query,
    do_complete_monthly_review,
    do_review_voucher_line,
)
from cleangov.democracy.holds import open_due_reviews
from cleangov.democracy.metrics import financial_review_on_time
from cleangov.democracy.models import MonthlyReview
from tests.finance.helpers import import_rows, sample_rows

pytestmark = pytest.mark.django_db

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def march(county, tmp_path):
    import_rows(county, tmp_path, sample_rows(county.villages["a"].code, year=2026, month=3))
    assert open_due_reviews(today=date(2026, 5, 20)) == 1
    assert open_due_reviews(today=date(2026, 5, 20)) == 0  # idempotent
    return MonthlyReview.objects.get(unit=county.villages["a"])


def test_an_unreviewed_month_holds_its_financial_disclosure_and_goes_overdue(county, march):
    village = county.villages["a"]
    assert march.due_date == date(2026, 4, 10) and march.lines.count() == 6
    holds = publication_holds(village.pk, "village_finance_monthly", *MARCH)
    assert len(holds) == 1 and "2026-03" in holds[0]
    assert publication_holds(village.pk, "party_affairs", *MARCH) == []  # not a financial item
    assert publication_holds(county.villages["b"].pk, "village_finance_monthly", *MARCH) == []  # no vouchers
    run_tick(today=date(2026, 4, 11))
    assert deadlines_for(march).get().status == "overdue"
    result = financial_review_on_time([village.pk], date(2026, 1, 1), date(2026, 12, 31))[village.pk]
    assert result.value == 0


def test_every_line_passed_or_queried_and_answered_before_the_review_completes(county, march):
    member, accountant = county.persona("supervision_member"), county.persona("accountant")
    lines = list(march.lines.all())
    with pytest.raises(ValidationError):
        do_review_voucher_line(lines[0], acting_user=member, verdict="queried", reason="")
    for line in lines[:-1]:
        do_review_voucher_line(line, acting_user=member, verdict="passed")
    with pytest.raises(ValidationError):
        do_complete_monthly_review(march, acting_user=member)  # one line not reviewed
    do_review_voucher_line(lines[-1], acting_user=member, verdict="queried", reason="现金支付超过限额，请说明")
    with pytest.raises(ValidationError):
        do_complete_monthly_review(march, acting_user=member)  # query not answered
    do_answer_voucher_query(lines[-1], acting_user=accountant, answer="收款人无银行账户，已补充说明")
    do_complete_monthly_review(march, acting_user=member)
    assert publication_holds(county.villages["a"].pk, "village_finance_monthly", *MARCH) == []
    assert deadlines_for(march).get().status == "met"


def test_reviews_are_opened_in_slices_and_the_rest_is_queued_behind_people(county, tmp_path, monkeypatch):
    code = county.villages["a"].code
    rows = [row for m in (2, 3, 4, 5) for row in sample_rows(code, year=2026, month=m, start_no=m * 10)]
    import_rows(county, tmp_path, rows)
    assert open_due_reviews(today=date(2026, 5, 20), limit=1) == 1
    assert open_due_reviews(today=date(2026, 5, 20), limit=1) == 1
    assert sorted(MonthlyReview.objects.values_list("month", flat=True)) == [date(2026, 2, 1), date(2026, 3, 1)]

    monkeypatch.setattr(tasks, "REVIEWS_PER_TASK", 1)
    first = tasks.open_financial_reviews_task.call()  # today: April and May have ended too
    assert first["opened"] == 1 and first["continued_in"]
    queued = DBTaskResult.objects.get(id=first["continued_in"])
    assert queued.status == "READY" and queued.priority == PERIODIC_PRIORITY
    assert queued.task_path == "cleangov.democracy.tasks.open_financial_reviews_task"
    assert tasks.open_financial_reviews_task.call()["opened"] == 1
    assert tasks.open_financial_reviews_task.call() == {"opened": 0, "continued_in": None}
    assert MonthlyReview.objects.count() == 4
