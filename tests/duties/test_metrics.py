"""Duty metrics: values per unit over its subtree, from the records, in a fixed number of queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cleangov.core.metrics import registry
from cleangov.deadlines.tick import run_tick
from cleangov.duties.actions import (
    do_add_duty_progress,
    do_generate_letters,
    do_roll_down_duty_item,
    do_sign_letter,
    do_transition_duty_item,
)
from cleangov.duties.metrics import METRICS
from cleangov.duties.models import DutyItem

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def _complete(item, on=None):
    do_add_duty_progress(item, acting_user=None, text="done")
    item = do_transition_duty_item(item, "complete", acting_user=None)
    if on is not None:  # backdate the completion day for the test (the action uses today)
        DutyItem.objects.filter(pk=item.pk).update(completed_on=on)
    return item


def test_metrics_are_registered():
    assert {"duties.completion_on_time", "duties.overdue_count", "duties.letters_signed"} <= set(registry())


def test_completion_on_time(county, make_item, django_assert_max_num_queries):
    a1 = make_item(due=date(YEAR, 3, 31))
    a2 = make_item(due=date(YEAR, 6, 30))
    make_item(due=date(YEAR, 9, 30))  # open
    b1 = make_item("b", due=date(YEAR, 3, 31))
    _complete(a1, on=date(YEAR, 3, 30))  # on time
    _complete(a2, on=date(YEAR, 7, 2))  # late
    _complete(b1, on=date(YEAR, 3, 31))  # on the day: on time
    make_item(due=date(YEAR + 1, 1, 31))  # outside the period
    cancelled = make_item(due=date(YEAR, 5, 1))
    do_transition_duty_item(cancelled, "cancel", acting_user=None, reason="x")
    ids = [county.townships["a"].pk, county.townships["b"].pk, county.county.pk, county.villages["a"].pk]
    with django_assert_max_num_queries(3):
        result = METRICS["duties.completion_on_time"].compute(ids, date(YEAR, 1, 1), date(YEAR, 12, 31))
    ta, tb, c, va = (result[i] for i in ids)
    assert (ta.numerator, ta.denominator, ta.value) == (Decimal(1), Decimal(3), Decimal("0.3333"))
    assert tb.value == Decimal(1)
    assert (c.numerator, c.denominator) == (Decimal(2), Decimal(4))  # the county covers both townships
    assert va.value is None and va.note  # nothing due: not available, never a made-up zero
    assert len(ta.evidence) == 3 and all(url.startswith("/duties/items/") for _label, url in ta.evidence)


def test_overdue_count_uses_the_deadline_engine(county, make_item, django_assert_max_num_queries):
    today = timezone.localdate()
    late = make_item(due=today - timedelta(days=5))
    make_item(due=today + timedelta(days=30))
    do_roll_down_duty_item(late, acting_user=None)  # the village item is late too
    run_tick(today=today)
    ids = [county.townships["a"].pk, county.villages["a"].pk, county.townships["b"].pk]
    with django_assert_max_num_queries(3):
        result = METRICS["duties.overdue_count"].compute(ids, date(today.year - 1, 1, 1), today + timedelta(days=60))
    assert [result[i].value for i in ids] == [Decimal(2), Decimal(1), Decimal(0)]


def test_letters_signed(county, make_item, django_assert_max_num_queries):
    make_item(lead_role="township_leader")
    do_roll_down_duty_item(make_item(lead_role="township_leader"), acting_user=None)
    letters, _ = do_generate_letters(county.townships["a"], YEAR, acting_user=None)
    assert len(letters) == 2
    member = next(x for x in letters if x.recipient_unit == county.townships["a"])
    do_sign_letter(member, acting_user=county.persona("township_leader"))
    do_sign_letter(member, acting_user=county.persona("township_secretary"))
    village = next(x for x in letters if x.recipient_unit == county.villages["a"])
    do_sign_letter(village, acting_user=county.persona("village_secretary"))  # one side only
    ids = [county.townships["a"].pk, county.villages["a"].pk]
    with django_assert_max_num_queries(4):
        result = METRICS["duties.letters_signed"].compute(ids, date(YEAR, 1, 1), date(YEAR, 12, 31))
    assert (result[ids[0]].numerator, result[ids[0]].denominator) == (Decimal(1), Decimal(2))
    assert result[ids[1]].value == Decimal(0)
