"""A village party secretary signs their letter of responsibility on a 360 px phone: from "My duties"
to the letter, ticks the acknowledgement, signs; the signature is recorded for the current version."""

import re
from datetime import date

import pytest
from django.urls import reverse

from cleangov.accounts.choices import RoleChoices
from cleangov.duties.actions import (
    do_add_key_point,
    do_create_duty_item,
    do_create_keypoints,
    do_generate_letters,
    do_publish_keypoints,
    do_roll_down_duty_item,
)
from cleangov.duties.models import LetterSignature
from tests.browser.test_walkthrough import Walk
from tests.support.county import PASSWORD

pytestmark = pytest.mark.browser
YEAR = 2026


@pytest.fixture
def village_letter(county):
    leader = county.persona(RoleChoices.COUNTY_LEADER)
    doc = do_create_keypoints(acting_user=leader, unit=county.county, year=YEAR, title="2026年工作要点")
    point = do_add_key_point(doc, acting_user=leader, title="推进村务公开")
    do_publish_keypoints(doc, acting_user=leader)
    item = do_create_duty_item(acting_user=None, unit=county.townships["a"], year=YEAR,
                               title="督促各村按季度公开村务、财务",
                               lead_person=county.persona(RoleChoices.TOWNSHIP_LEADER).person,
                               due_date=date(YEAR, 12, 31), expected_evidence="公开栏照片", key_point=point,
                               assign=True)
    do_roll_down_duty_item(item, acting_user=None)
    letters, _ = do_generate_letters(county.townships["a"], YEAR, acting_user=None)
    return next(x for x in letters if x.recipient_unit == county.villages["a"])


def test_village_secretary_signs_on_a_phone(browser, live_server, artifacts, county, village_letter):
    user = county.persona(RoleChoices.VILLAGE_SECRETARY)
    w = Walk(browser, live_server.url, "phone", artifacts)
    try:
        page = w.page
        w.goto(reverse("accounts:login"))
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.locator("form.form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/$"))

        w.goto(reverse("duties:my_duties"))
        letter_url = reverse("duties:letter_detail", args=[village_letter.pk])
        link = page.locator(f".alert-info a[href='{letter_url}']")
        assert link.is_visible()
        assert page.get_by_text("督促各村按季度公开村务、财务").first.is_visible()
        w.check("duties-01-my-duties")

        link.click()
        page.wait_for_url(re.compile(re.escape(letter_url)))
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").filter(has_text="党风廉政建设责任书").is_visible()
        w.check("duties-02-letter")

        # Signing without ticking the acknowledgement is stopped by the browser (required checkbox).
        page.locator("#sign input[name=confirm]").check()
        page.locator("#sign button[type=submit]").click()
        page.wait_for_url(re.compile(re.escape(letter_url)))
        page.wait_for_load_state("networkidle")
        assert page.locator(".message-success").is_visible()
        assert page.locator("#sign").count() == 0  # nothing left to sign on this side
        w.check("duties-03-signed")
    finally:
        w.close()

    signature = LetterSignature.objects.get(version__letter=village_letter)
    assert (signature.side, signature.user_id) == ("recipient", user.pk)
    assert signature.content_hash == village_letter.versions.get().content_hash
