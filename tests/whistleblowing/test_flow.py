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
