"""The case's time limits at holiday boundaries (the deadline engine's 2026 calendar: National Day
1–7 October off, Saturday 10 October a make-up working day)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cleangov.cases.actions import do_file_appeal, do_transition_case, within_one_month
from cleangov.cases.models import AccountabilityCase
from cleangov.deadlines.models import Deadline

from .helpers import make_case

pytestmark = pytest.mark.django_db


def test_one_month_moves_past_the_national_day_holiday():
    assert within_one_month(date(2026, 9, 1)) == date(2026, 10, 8)
    assert within_one_month(date(2026, 9, 10)) == date(2026, 10, 10)  # a make-up Saturday is a working day
    assert within_one_month(date(2026, 9, 11)) == date(2026, 10, 12)  # Sunday 11 October moves on


def test_formalities_clock_and_appeal_window_over_the_holiday(county):
    case = make_case(county, stage="deliberated", forms=("removal",), start=date(2026, 8, 20))
    case = do_transition_case(case, "decide", acting_user=None, on=date(2026, 9, 1),
                              details={"decision_text": "免职"},
                              forms=[(s.pk, "removal", None) for s in case.subjects.all()])
    clock = Deadline.objects.get(rule="cases.adjustment_formalities")
    assert clock.due_date == date(2026, 10, 8) and clock.due_date_as_set == date(2026, 10, 1)
    case = do_transition_case(case, "deliver", acting_user=None, on=date(2026, 9, 1))
    assert case.appeal_until == date(2026, 10, 8)
    subject = case.subjects.get()
    with pytest.raises(ValidationError):
        do_file_appeal(case, acting_user=None, subject=subject, filed_on=date(2026, 10, 9), grounds="逾期")
    appeal = do_file_appeal(case, acting_user=None, subject=subject, filed_on=date(2026, 10, 8), grounds="按期")
    assert appeal.decide_by == date(2026, 11, 9)  # 8 November is a Sunday
    # the case is carried out while the appeal is pending, but not closed before it is decided
    case = do_transition_case(case, "implement", acting_user=None, on=date(2026, 10, 9))
    case = do_transition_case(case, "file", acting_user=None, on=date(2026, 10, 12))
    with pytest.raises(ValidationError):
        do_transition_case(case, "close", acting_user=None, on=date(2026, 10, 13))
    assert AccountabilityCase.objects.get(pk=case.pk).status == "filed"
