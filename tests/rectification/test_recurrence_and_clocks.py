"""Recurrence at the edge of its window, escalation, default deadlines across a holiday, overdue
clocks on the deadline engine, and the metrics the year-end framework reads."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from cleangov.core.models import Notification
from cleangov.deadlines.api import deadlines_for, is_workday
from cleangov.deadlines.tick import run_tick
from cleangov.rectification.actions import (
    do_decide_item,
    do_submit_item,
    find_recurrence,
    months_before,
)
from cleangov.rectification.choices import ItemStatusChoices as S
from cleangov.rectification.metrics import METRICS
from cleangov.rectification.models import RectificationItem

pytestmark = pytest.mark.django_db


def test_months_before_keeps_the_day_or_takes_the_month_end():
    assert months_before(date(2026, 12, 3), 12) == date(2025, 12, 3)
    assert months_before(date(2024, 2, 29), 12) == date(2023, 2, 28)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


def _closed(item, closed_on):
    RectificationItem.objects.filter(pk=item.pk).update(status=S.CLOSED, closed_on=closed_on)
    item.refresh_from_db()
    return item


def test_recurrence_window_edges(county, open_item):
    today = timezone.localdate()
    earlier = _closed(open_item(), months_before(today, 12))  # exactly 12 months ago: inside
    assert find_recurrence(earlier.unit_id, "voucher_irregularity", today) == earlier
    RectificationItem.objects.filter(pk=earlier.pk).update(closed_on=months_before(today, 12) - timedelta(days=1))
    assert find_recurrence(earlier.unit_id, "voucher_irregularity", today) is None  # one day too old
    with override_settings(CLEANGOV_RECTIFICATION_RECURRENCE_MONTHS=24):
        assert find_recurrence(earlier.unit_id, "voucher_irregularity", today) == earlier
    # another type or another unit is no recurrence
    assert find_recurrence(earlier.unit_id, "disclosure", today) is None
    assert find_recurrence(county.villages["b"].pk, "voucher_irregularity", today) is None


def test_a_recurrence_is_linked_escalated_and_notified(county, open_item):
    earlier = _closed(open_item(), timezone.localdate() - timedelta(days=30))
    again = open_item(title="白条抵库（再次发生）")
    assert again.recurrence_of == earlier and again.escalation_level == 1
    assert again.escalated_to == county.townships["a"]
    notified = set(Notification.objects.filter(kind="rectification.escalated").values_list("recipient", flat=True))
    # the township's party secretary and discipline secretary (the escalation table of the deadline engine)
    assert {county.persona("township_secretary").pk, county.persona("township_discipline").pk} <= notified
    assert county.persona("village_secretary").pk not in notified
    assert again.events.filter(kind="recurrence").exists()
    recurrences = METRICS["rectification.recurrence_count"].compute(
        [county.villages["a"].pk, county.townships["a"].pk, county.villages["b"].pk],
        date(timezone.localdate().year, 1, 1), date(timezone.localdate().year, 12, 31))
    assert recurrences[county.villages["a"].pk].value == 1 and recurrences[county.townships["a"].pk].value == 1
    assert recurrences[county.villages["b"].pk].value == 0


def test_default_deadline_counts_working_days_across_national_day(county, open_item):
    item = open_item(deadline=None, found_on=date(2026, 9, 30))
    assert is_workday(item.deadline)
    workdays = [date(2026, 9, 30) + timedelta(days=k) for k in range(1, (item.deadline - date(2026, 9, 30)).days + 1)]
    assert sum(1 for d in workdays if is_workday(d)) == 20
    assert not any(is_workday(date(2026, 10, d)) for d in range(1, 8))  # the holiday is not counted
    assert deadlines_for(item).get().due_date == item.deadline


def test_overdue_clock_escalates_the_day_after_the_deadline(county, open_item):
    due = date(2026, 10, 9)
    item = open_item(found_on=date(2026, 9, 1), deadline=due)
    run_tick(today=due)
    assert deadlines_for(item).get().status == "open"
    run_tick(today=due + timedelta(days=1))
    clock = deadlines_for(item).get()
    assert clock.status == "overdue" and clock.link == f"/rectification/items/{item.pk}/work/"
    assert Notification.objects.filter(recipient=county.persona("township_discipline"), link=clock.link).exists()


def test_rectified_on_time_for_every_unit(county, open_item):
    today = timezone.localdate()
    start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    compute = METRICS["rectification.rectified_on_time"].compute
    units = [county.villages["a"].pk, county.villages["b"].pk, county.townships["a"].pk]
    result = compute(units, start, end)
    # No item due: 100 %, and the note says why.
    assert all(result[u].value == 1 and result[u].denominator == 0 and result[u].note for u in units)
    handler, secretary = county.persona("township_discipline"), county.persona("village_secretary")
    on_time = open_item(found_on=today - timedelta(days=40), deadline=today - timedelta(days=1))
    RectificationItem.objects.filter(pk=on_time.pk).update(submitted_at=timezone.now() - timedelta(days=3),
                                                           status=S.VERIFIED)
    do_decide_item(on_time, "close", acting_user=handler)
    open_item(found_on=today - timedelta(days=40), deadline=today - timedelta(days=2))  # overdue, open
    open_item(found_on=today, deadline=today + timedelta(days=1))  # still within its deadline: not counted
    result = compute(units, start, end)
    if on_time.deadline.year == today.year and (today - timedelta(days=2)).year == today.year:
        assert result[county.villages["a"].pk].value == Decimal("0.5")
        assert result[county.townships["a"].pk].value == Decimal("0.5")  # the township answers for its village
    assert result[county.villages["b"].pk].value == 1
    late = open_item(found_on=today - timedelta(days=40), deadline=today - timedelta(days=5))
    do_submit_item(late, acting_user=secretary, measures="已整改",
                   files=[SimpleUploadedFile("e.pdf", b"%PDF-1.4 x", content_type="application/pdf")])
    late.refresh_from_db()
    assert late.rectified_on > late.deadline


def test_recovery_rate(county, open_item):
    from cleangov.rectification.actions import do_record_repayment

    today = timezone.localdate()
    item = open_item(problem_type="improper_benefits", amount=Decimal("1000.00"))
    do_record_repayment(item, acting_user=county.persona("township_discipline"), amount=Decimal("250.00"),
                        paid_on=today, receipt="收据1")
    result = METRICS["rectification.recovery_rate"].compute([county.villages["a"].pk, county.villages["b"].pk],
                                                            date(today.year, 1, 1), date(today.year, 12, 31))
    assert result[county.villages["a"].pk].value == Decimal("0.25")
    assert result[county.villages["b"].pk].value is None and result[county.villages["b"].pk].note
