"""A report from the portal to the handler and back to the reporter."""

import pytest
from django.test import Client

from cleangov.accounts.choices import RoleChoices as R
from cleangov.whistleblowing.choices import ReportStatusChoices as S
from cleangov.whistleblowing.models import Report

from .helpers import follow, submit, unlock

pytestmark = pytest.mark.django_db


def test_submit_follow_and_read(wb):
    public = Client()
    code, response = submit(public, wb.villages["a"], what="MARKER-flow-7781 修路款被挪用")
    assert len(code) >= 16 and response["Cache-Control"].startswith("max-age=0")
    report = Report.objects.get()
    assert report.office == wb.townships["a"] and report.status == S.RECEIVED
    page = follow(public, code)
    assert page.status_code == 200 and "id=\"report-status\"" in page.content.decode()
    wrong = follow(public, "1" * 16)
    assert "No report matches" in wrong.content.decode()
    handler = unlock(Client(), wb.persona(R.TOWNSHIP_DISCIPLINE, "a"))
    detail = handler.get(f"/whistleblowing/{report.pk}/")
    assert "MARKER-flow-7781" in detail.content.decode()
    # the other township's handler gets the same 404 as for a missing report
    other = unlock(Client(), wb.persona(R.TOWNSHIP_DISCIPLINE, "b"))
    assert other.get(f"/whistleblowing/{report.pk}/").status_code == 404
    assert other.get("/whistleblowing/999999/").status_code == 404


def _many(wb, n, unit):
    from cleangov.whistleblowing import actions

    return [actions.do_submit_report(subject_unit=unit, subject_name="", category="corruption", what="x").report
            for _ in range(n)]


def test_statistics_page_suppresses_small_cells(wb):
    _many(wb, 3, wb.villages["a"])
    client = unlock(Client(), wb.persona(R.COUNTY_COMMISSION))
    page = client.get("/whistleblowing/statistics/").content.decode()
    assert "<td>&lt;5</td>" in page and "<td>3</td>" not in page


def test_handled_on_time_metric_needs_five_reports(wb):
    from datetime import date

    from cleangov.core.metrics import registry
    from cleangov.whistleblowing import actions

    spec = registry()["whistleblowing.handled_on_time"]
    handler = wb.persona(R.TOWNSHIP_DISCIPLINE, "a")
    for report in _many(wb, 4, wb.villages["a"]):
        actions.do_register_report(report, acting_user=handler)
        actions.do_accept_report(report, acting_user=handler)
    year = (date(2026, 1, 1), date(2026, 12, 31))
    assert spec.compute([wb.townships["a"].pk], *year)[wb.townships["a"].pk].value is None  # 4 < 5: suppressed
    late = _many(wb, 1, wb.villages["a"])[0]
    late.received_on = date(2026, 1, 5)
    late.save(update_fields=["received_on"])
    actions.do_register_report(late, acting_user=handler)  # its 5-day clock ran out long ago
    from cleangov.deadlines.api import deadlines_for
    from cleangov.deadlines.choices import DeadlineStatusChoices

    deadlines_for(late).update(status=DeadlineStatusChoices.OVERDUE)
    result = spec.compute([wb.townships["a"].pk], *year)[wb.townships["a"].pk]
    assert (result.numerator, result.denominator) == (4, 5)
