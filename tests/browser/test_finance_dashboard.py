"""The finance dashboard in a real browser on a 360 px phone: the SVG charts render inside the page's
width (no sideways scrolling), no console errors (a CSP violation is one), and the Benford chart is
there once enough amounts are stored. Screenshot in test-artifacts/phone-finance-dashboard.png."""

import pytest
from django.urls import reverse

from tests.finance.test_dashboards import make_finding, make_lines
from tests.support.county import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_on_a_360px_phone(browser, live_server, artifacts, county):
    village = county.villages["a"]
    for i in range(6):
        make_finding(village, rule=["iou_receipt", "round_amounts", "cash_over_limit"][i % 3], stake=f"{100 + i}.00")
    make_lines(village, [10 + 13 * i for i in range(450)], category="reception")
    make_lines(village, [35 + 11 * i for i in range(120)], category="travel_lodging")
    user = county.persona("township_discipline", "a")

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(live_server.url + reverse("accounts:login"))
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("form.form button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.goto(live_server.url + reverse("finance:dash_unit", args=[county.townships["a"].pk]))
        page.wait_for_load_state("networkidle")
        charts = page.locator("svg.chart")
        assert charts.count() >= 5
        for i in range(charts.count()):
            box = charts.nth(i).bounding_box()
            assert box is not None and box["width"] > 200 and box["height"] > 20, f"chart {i}: {box}"
            assert box["x"] >= 0 and box["x"] + box["width"] <= 360, f"chart {i} overflows: {box}"
        assert page.locator("#benford svg.chart-benford").count() == 1
        assert page.locator("#benford-result").is_visible()
        # Every chart names itself for screen readers, and its marks carry tooltips.
        assert page.locator("svg.chart[role=img] > title").count() == charts.count()
        assert page.locator("#by-rule svg g > title").count() == 3
        page.screenshot(path=str(artifacts / "phone-finance-dashboard.png"), full_page=True)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= 360, f"the dashboard is {scroll_width}px wide at 360px"
        assert not errors, errors
    finally:
        context.close()
