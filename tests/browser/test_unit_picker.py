"""The findings filter's unit box in a real browser: typing asks the server (htmx), which fills the
datalist with a few of the reader's units by their place; the page never carries the whole list."""

from __future__ import annotations

import pytest

from tests.support.county import PASSWORD
from tests.support.finance import make_sample_finding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_fills_the_datalist_from_the_server(browser, live_server, county):
    make_sample_finding(county.villages["a"])
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", county.persona("township_discipline").username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/finance/findings/")
    assert page.locator("#finding-units option").count() == 0
    with page.expect_response(lambda r: "/orgs/units/search/" in r.url) as answer:
        page.locator("input[name=unit]").press_sequentially("第1")
    assert answer.value.status == 200
    page.wait_for_function("() => document.querySelectorAll('#finding-units option').length > 0")
    values = page.eval_on_selector_all("#finding-units option", "els => els.map(e => e.value)")
    assert "第1镇 › 第1村" in values and not any("第2" in v for v in values)
    context.close()
