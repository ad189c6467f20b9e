"""The township discipline secretary follows an accountability case on a 360 px phone: the list, the
case page, the next step (implementation), an appeal registered within the month; and the public
outcome page, with no login, fits the phone too."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cleangov.accounts.choices import RoleChoices
from cleangov.cases.actions import do_publish_case_outcome
from cleangov.cases.models import CaseAppeal
from tests.cases.helpers import make_case

pytestmark = pytest.mark.browser


def test_case_on_a_phone(live_server, phone, county):
    from django.utils import timezone

    today = timezone.localdate()
    case = make_case(county, stage="delivered", forms=("post_adjustment",), start=today)
    closed = make_case(county, side="b", stage="closed", forms=("removal",), start=date(2026, 3, 2))
    closed = do_publish_case_outcome(closed, acting_user=None, public_summary="某村党支部书记失职，给予免职处理。")
    session = phone("cases")
    session.login(live_server.url, county.persona(RoleChoices.TOWNSHIP_DISCIPLINE).username)
    page = session.page
    page.goto(live_server.url + reverse("cases:index"))
    session.fits("01-list")
    page.locator(f"a[href='{reverse('cases:case_detail', args=[case.pk])}']").click()
    session.fits("02-case")
    page.locator("#appeals summary").click()
    page.fill("#appeal-grounds", "认为问责过重")
    page.locator("#appeals form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    session.fits("03-appeal")
    assert CaseAppeal.objects.filter(case=case, status="filed").exists()
    public = phone("cases-public")
    public.page.goto(live_server.url + reverse("cases_public:outcome", args=[closed.public_reference]))
    public.fits("04-public-outcome")
    assert "免职" in public.page.content()
