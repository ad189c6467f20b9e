"""Rectification at phone width (360 px): the township discipline secretary confirms a voucher finding
naming the village secretary responsible; the village secretary follows the to-do on their home page
to the work view (no 404 on the way) and submits measures with a file; the township party secretary
verifies and closes it; the finding's timeline shows the rectification."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cleangov.rectification.models import RectificationItem
from tests.finance.helpers import audit, import_rows, sample_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finding_to_closed_rectification_at_phone_width(phone, live_server, county, tmp_path):
    from cleangov.finance.models import Finding

    import_rows(county, tmp_path, sample_rows(county.villages["a"].code))
    audit(county.townships["a"])
    finding = Finding.objects.get(rule="iou_receipt")
    base = live_server.url

    # 1. Confirmation, by the township discipline secretary, names the village secretary.
    s = phone("rect-discipline")
    s.login(base, county.persona("township_discipline").username)
    s.page.goto(f"{base}/finance/findings/{finding.pk}/")
    s.page.select_option("#id_verb", "confirm")
    s.page.fill("textarea[name=reason]", "白条入账属实，责令补开发票")
    s.page.select_option("select[name=responsible_person]", str(county.persona("village_secretary").person_id))
    s.page.fill("input[name=due_date]", (timezone.localdate() + timedelta(days=20)).isoformat())
    s.page.locator("#review button[type=submit]").click()
    expect(s.page.locator("#finding-history")).to_contain_text("白条入账属实")
    s.fits("01-confirmed")
    item = RectificationItem.objects.get(source_ref=f"finance.finding:{finding.pk}")

    # 2. The village secretary follows the to-do from the home page and submits evidence.
    v = phone("rect-village")
    v.login(base, county.persona("village_secretary").username)
    work = f"/rectification/items/{item.pk}/work/"
    todo = v.page.locator(f'a[href="{work}"]').first
    expect(todo).to_be_visible()
    v.fits("02-home-todo")
    with v.page.expect_navigation() as nav:
        todo.click()
    assert nav.value.status == 200
    expect(v.page.locator("#problem")).to_contain_text(item.title)
    expect(v.page.locator("#item-lines")).to_be_visible()
    v.fits("03-work-view")
    evidence = tmp_path / "补开发票.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% evidence\n%%EOF\n")
    v.page.fill("textarea[name=measures]", "已将白条退回并补开正式发票，重新入账。")
    v.page.set_input_files("input[name=files]", str(evidence))
    v.page.locator("#submit button[type=submit]").click()
    v.page.wait_for_url(re.compile(re.escape(work) + "$"))
    expect(v.page.locator("#evidence")).to_contain_text("补开发票.pdf")
    expect(v.page.locator("#submit")).to_have_count(0)  # nothing more to submit; no verify button either
    expect(v.page.locator("#decide")).to_have_count(0)
    v.fits("04-submitted")

    # 3. Someone else (the township party secretary) verifies and closes.
    t = phone("rect-township")
    t.login(base, county.persona("township_secretary").username)
    t.page.goto(f"{base}/rectification/items/{item.pk}/")
    t.page.locator('#decide button[value="verify"]').click()
    expect(t.page.locator('#decide button[value="close"]')).to_be_visible()
    t.page.locator('#decide button[value="close"]').click()
    expect(t.page.locator("h1 .badge")).to_contain_text("已销号")
    t.fits("05-closed")
    item.refresh_from_db()
    assert item.status == "closed" and item.closed_on_time

    # 4. The finding's timeline shows its rectification.
    s.page.goto(f"{base}/finance/findings/{finding.pk}/")
    s.page.locator("#timeline-link").click()
    expect(s.page.locator("#timeline")).to_contain_text("已销号")
    expect(s.page.locator(f'#timeline a[href="/rectification/items/{item.pk}/"]').first).to_be_visible()
    s.fits("06-timeline")
