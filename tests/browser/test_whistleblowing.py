"""A villager on a 360 px phone sends a report (solving the proof-of-work in the browser), keeps the
receipt code, and follows the report with it."""

import re

import pytest
from django.urls import reverse

from cleangov.whistleblowing.models import Report
from tests.whistleblowing.helpers import set_up_keys

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _solve_pow(page):
    """Tick the ALTCHA box and wait until the widget has put its solution in the form."""
    page.locator("altcha-widget input[type=checkbox]").first.click()
    page.wait_for_function("() => { const f = document.querySelector('altcha-widget input[name=pow]');"
                           " return f && f.value.length > 20; }", timeout=60_000)


def test_report_and_follow_on_a_phone(phone, live_server, county, settings):
    settings.CLEANGOV_WB_KDF_OPSLIMIT, settings.CLEANGOV_WB_KDF_MEMLIMIT = 1, 8192
    set_up_keys(county)
    session = phone("whistleblowing")
    page, fits = session.page, session.fits
    page.goto(live_server.url + reverse("public_report:report"))
    page.wait_for_load_state("networkidle")
    fits("01-form")
    page.locator("input[name=category][value=corruption]").check()
    page.select_option("select[name=subject_unit]", str(county.villages["a"].pk))
    page.fill("input[name=subject_name]", "村会计")
    page.fill("textarea[name=what]", "BROWSER-MARKER 村里的修路补助款只用了一半。")
    _solve_pow(page)
    fits("02-filled")
    page.get_by_role("button", name="提交举报").click()
    page.wait_for_selector("#receipt-code")
    fits("03-receipt")
    code = re.sub(r"\D", "", page.inner_text("#receipt-code"))
    assert len(code) == 16
    assert Report.objects.get().office == county.townships["a"]

    page.get_by_role("link", name="查询举报办理情况").click()
    page.wait_for_load_state("networkidle")
    page.fill("input[name=code]", code)
    _solve_pow(page)
    page.get_by_role("button", name="查看我的举报").click()
    page.wait_for_selector("#report-status")
    assert "等待受理" in page.inner_text("#report-status")
    page.fill("textarea[name=text]", "我还有照片可以提供。")
    page.get_by_role("button", name="发送").click()
    page.wait_for_selector("text=我还有照片可以提供。")
    fits("04-follow")
