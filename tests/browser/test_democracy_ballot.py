"""A villager casts an appraisal ballot on a 360 px phone with the code on a paper slip: no login, no
JavaScript needed, no console errors (CSP), no sideways scrolling; screenshots in test-artifacts/."""

import pytest

from cleangov.democracy.actions import do_create_appraisal, do_open_appraisal
from cleangov.democracy.ballots import do_issue_appraisal_tokens
from cleangov.democracy.models import AppraisalToken, Ballot, BallotMark
from cleangov.orgs.actions import do_create_person

pytestmark = pytest.mark.browser


def test_cast_a_ballot_on_a_phone(phone, live_server, county):
    village = county.villages["a"]
    cadres = [do_create_person(acting_user=None, code=f"BR-CAD-{i}", name=name, home_unit=village)
              for i, name in enumerate(("张建国", "李秀英"))]
    runner = county.persona("supervision_member")
    appraisal = do_create_appraisal(acting_user=runner, unit=village, year=2026, title="2026年度村干部民主评议",
                                    electorate="villagers", candidate_people=cadres)
    token = do_issue_appraisal_tokens(appraisal, acting_user=runner, count=3)[0]
    do_open_appraisal(appraisal, acting_user=runner)

    session = phone("democracy")
    page, fits = session.page, session.fits
    page.goto(live_server.url + "/public/appraisal/")
    fits("01-slip")
    page.fill("input[name=token]", token.lower().replace("-", " "))
    page.get_by_role("button", name="继续").click()
    page.get_by_text("2026年度村干部民主评议").wait_for()
    fits("02-ballot")
    first, second = appraisal.candidates.order_by("pk")
    page.check(f"input[name=rating_{first.pk}][value=satisfied]")
    page.check(f"input[name=rating_{second.pk}][value=dissatisfied]")
    page.fill(f"textarea[name=comment_{second.pk}]", "村务公开不及时")
    fits("03-filled")
    page.get_by_role("button", name="投票").click()
    page.get_by_text("您的选票已计入").wait_for()
    fits("04-thanks")

    assert Ballot.objects.filter(appraisal=appraisal).count() == 1
    assert set(BallotMark.objects.values_list("rating", flat=True)) == {"satisfied", "dissatisfied"}
    assert AppraisalToken.objects.filter(appraisal=appraisal).count() == 2  # the used slip is gone

    # The same slip again is refused.
    page.goto(live_server.url + "/public/appraisal/")
    page.fill("input[name=token]", token)
    page.get_by_role("button", name="继续").click()
    page.get_by_text("该凭条无效").wait_for()
    fits("05-used")
