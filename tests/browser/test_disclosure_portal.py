"""A villager on a 360 px phone, without an account: search the village by its pinyin initials, open
its page (schedule, overdue wall, a correction with its differences), the item and the QR check of
its sheet. No script on these pages, no sideways scrolling, and, when axe-core is vendored in
tests/browser/vendor/axe.min.js, no serious or critical WCAG 2.1 AA violation."""

from pathlib import Path

import pytest
from django.core.cache import cache

from cleangov.disclosure import actions
from tests.disclosure.helpers import published

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


def _axe_serious(page) -> list:
    page.evaluate(AXE.read_text())  # through the devtools protocol: the page's CSP rightly refuses inline script
    result = page.evaluate("""async () => await axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5]) for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


def test_a_villager_reads_the_village_page_on_a_phone(phone, live_server, county):
    cache.clear()  # public pages are cached by unit code
    village = county.villages["a"]
    d = published(village)
    actions.do_submit_disclosure(d, values={"decisions": "修村道", "relief_amount": "7500"}, reason="漏列一户",
                                 acting_user=None)
    actions.do_sign_disclosure(d, acting_user=None)
    session = phone("disclosure")
    page, fits = session.page, session.fits

    page.goto(live_server.url + "/public/")
    page.fill("#q-front", "d1c")
    page.locator("form[role=search] button[type=submit]").click()
    page.get_by_role("link", name="第1村").click()
    page.wait_for_url(f"**/public/{village.code}/")
    fits("01-village")
    assert page.get_by_role("heading", name="逾期和迟报").is_visible()
    assert page.get_by_text("漏列一户").first.is_visible()
    assert page.locator("script").count() == 0
    problems = _axe_serious(page) if AXE.exists() else []

    page.locator(f"a[href='/public/{village.code}/item/{d.pk}/']").first.click()
    fits("02-item")
    v2 = d.versions.get(number=2)
    page.goto(live_server.url + f"/public/verify/{d.pk}/2/{v2.content_hash}/")
    fits("03-verify")
    assert page.get_by_text("真实").is_visible()
    if AXE.exists():
        problems += _axe_serious(page)
    assert not problems, problems
