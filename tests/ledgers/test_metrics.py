"""The published metrics: values, evidence, missing values and a fixed query count."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cleangov.core.metrics import registry


def _record_at(record, unit, code, day, values, entered_day=None):
    when = timezone.make_aware(datetime.combine(entered_day or day, time(10)))
    with mock.patch("django.utils.timezone.now", return_value=when):
        return record(unit, code, event_date=day, values=values)


def test_metrics_are_registered_and_computed(county, kinds, record):
    metrics = registry()
    assert {"ledgers.completeness", "ledgers.timeliness", "ledgers.burst_count"} <= set(metrics)
    village, other = county.villages["a"], county.villages["b"]
    for month in range(1, 13):
        _record_at(record, village, "branch_committee_meeting", date(2025, month, 3), {"topic": "x"})
    late = _record_at(record, village, "branch_members_meeting", date(2025, 3, 3), {"topic": "x"},
                      entered_day=date(2025, 4, 30))
    assert late.late_days > 0
    units = [village.pk, other.pk]
    start, end = date(2025, 1, 1), date(2025, 12, 31)
    with CaptureQueriesContext(connection) as few:
        comp = metrics["ledgers.completeness"].compute(units, start, end)
    assert comp[village.pk].value is not None and comp[village.pk].value > Decimal(0)
    assert comp[other.pk].value == Decimal(0)  # nothing recorded: 0 of what was expected, not "missing"
    assert any("支部委员会会议: 12/12" in label for label, _url in comp[village.pk].evidence)
    timeliness = metrics["ledgers.timeliness"].compute(units, start, end)
    assert timeliness[village.pk].value == Decimal("0.9231")  # 12 of 13 on time
    assert timeliness[other.pk].value is None and timeliness[other.pk].note
    bursts = metrics["ledgers.burst_count"].compute(units, start, end)
    assert bursts[village.pk].value == Decimal(0)
    for i in range(6):
        _record_at(record, other, "cadre_duty", date(2025, 5, 1) + timedelta(days=i), {"on_duty": "x"},
                   entered_day=date(2025, 11, 20))
    assert metrics["ledgers.burst_count"].compute(units, start, end)[other.pk].value == Decimal(1)
    with CaptureQueriesContext(connection) as many:
        metrics["ledgers.completeness"].compute([*units, county.townships["a"].pk, county.departments["a"].pk],
                                                start, end)
    assert len(many.captured_queries) == len(few.captured_queries)
