"""What a township discipline secretary does on a 360 px phone: open the ranking of an inspection,
open a village's "explain this score" page, see the records behind a metric, record a manual
adjustment with its reason and see it on the page. No console errors (CSP), no sideways scrolling;
screenshots in test-artifacts/."""

import re
from datetime import date

import pytest
from django.urls import reverse

from cleangov.assessment.actions import do_compute_assessment
from cleangov.assessment.models import ScoreAdjustment
from tests.assessment.helpers import FakeMetrics, load_test_framework

pytestmark = pytest.mark.browser


def test_explain_and_adjust_a_score_on_a_phone(phone, live_server, county):
    township, village = county.townships["a"], county.villages["a"]
    fake = FakeMetrics({"ledgers.completeness": {township.pk: "0.5", village.pk: "0.8"},
                        "ledgers.burst_count": {township.pk: "0", village.pk: "0"}},
                       evidence={("ledgers.completeness", village.pk): [("支委会记录 2026-03-05", "")]})
    run = do_compute_assessment(framework_version=load_test_framework(), year=2026, scope_unit=township,
                                selection="all", acting_user=None, metrics=fake.registry(), as_of=date(2026, 12, 31))
    user = county.persona("township_discipline", "a")
    session = phone("assessment")
    page, fits = session.page, session.fits
    session.login(live_server.url, user.username)

    page.goto(live_server.url + reverse("assessment:run_detail", args=[run.pk]))
    fits("01-ranking")
    page.get_by_role("link", name=village.name).click()
    page.wait_for_url(re.compile(r"/assessment/scores/\d+/$"))
    fits("02-explain")
    assert page.get_by_text("支委会记录 2026-03-05").is_visible()

    page.fill("input[name=points]", "-2")
    page.select_option("select[name=indicator_id]", "T-LEDGER")
    page.fill("textarea[name=reason]", "抽查发现会议记录代签")
    page.locator("#adjustments form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/assessment/scores/\d+/$"))
    fits("03-adjusted")
    assert page.locator("#ind-T-LEDGER .adjustment").inner_text().count("抽查发现会议记录代签") == 1
    adjustment = ScoreAdjustment.objects.get()
    assert adjustment.adjusted_by == user and str(adjustment.points) == "-2.00"
