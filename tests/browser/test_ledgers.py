"""What a village secretary does on a 360 px phone: open the village's record book, record a branch
committee meeting with attendees, one absentee with a reason, and a photo of the sign-in sheet; see
it in the book. No console errors (CSP), no sideways scrolling; screenshots in test-artifacts/."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cleangov.ledgers.models import LedgerEntry
from cleangov.ledgers.setup_data import load_catalog

pytestmark = pytest.mark.browser


def test_record_a_meeting_on_a_phone(phone, live_server, county, tmp_path):
    load_catalog()
    user = county.persona("village_secretary", "a")
    director = county.persona("committee_director", "a")
    village = county.villages["a"]
    session = phone("ledgers")
    page, fits = session.page, session.fits
    session.login(live_server.url, user.username)

    page.goto(live_server.url + reverse("ledgers:unit_book", kwargs={"unit_id": village.pk}))
    fits("01-book")
    page.get_by_role("link", name="支部委员会会议").first.click()
    page.wait_for_url(re.compile(r"/record/branch_committee_meeting/$"))
    fits("02-form")

    day = timezone.localdate() - timedelta(days=1)
    page.fill("input[name=event_date]", day.isoformat())
    page.fill("textarea[name=f_topic]", "学习传达县纪委全会精神")
    page.select_option(f"select[name=att_{user.person_id}]", "present")
    page.select_option(f"select[name=att_{director.person_id}]", "absent")
    page.fill(f"input[name=why_{director.person_id}]", "外出公干")
    photo = tmp_path / "签到表.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 sign-in sheet")
    page.set_input_files("input[name=files]", str(photo))
    fits("03-form-filled")
    page.locator("form.ledger-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/ledgers/entries/\d+/$"))
    fits("04-entry")
    assert page.get_by_text("外出公干").is_visible()
    assert page.get_by_role("link", name="签到表.jpg").is_visible()

    entry = LedgerEntry.objects.get()
    revision = entry.revisions.get()
    assert revision.attendees == [user.person_id]
    assert revision.absentees == [{"person": director.person_id, "reason": "外出公干"}]
    assert revision.attachments[0]["name"] == "签到表.jpg"
    assert entry.recorded_by_id == user.pk and entry.late_days == 0
