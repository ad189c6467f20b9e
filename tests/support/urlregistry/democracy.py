"""The democracy app's entries in the permission matrix (tests/support/urlregistry/__init__.py explains
the format). Objects carry the out-of-scope marker of their village in their titles. The pages act on
POST only with a named form, so an empty POST is refused (404) and changes nothing; the review line's
POST is gated before its form is read and redirects back to the review."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from . import act, register, view


def _marker(unit):
    return f"OMK{unit.code}Z"


def _village(fc, side, user):
    return {"unit_id": fc.unit("village", side).pk}


def _decision(fc, side, user):
    from cleangov.democracy.actions import do_create_decision

    unit = fc.unit("village", side)
    return {"decision_id": do_create_decision(acting_user=None, unit=unit, matter_type="public_welfare",
                                              title=f"修路 {_marker(unit)}").pk}


def _levy(fc, side, user):
    from cleangov.democracy.actions import do_create_levy_plan

    unit = fc.unit("village", side)
    plan = do_create_levy_plan(acting_user=None, unit=unit, year=2026, project=f"水渠 {_marker(unit)}",
                               budget=Decimal(1000), cash_per_person=Decimal(5), workdays_per_labourer=Decimal(2),
                               persons=100, labourers=50)
    return {"levy_id": plan.pk}


def _review(fc, side, user):
    from cleangov.democracy.models import MonthlyReview, ReviewLine

    unit = fc.unit("village", side)
    review = MonthlyReview.objects.create(unit=unit, month=date(2026, 3, 1), due_date=date(2026, 4, 10))
    line = ReviewLine.objects.create(review=review, line_key=f"{unit.code}|L1", voucher_no="记-1",
                                     voucher_date=date(2026, 3, 5), category="office", amount=Decimal(10),
                                     summary=_marker(unit))
    return review, line


def _meeting(fc, side, user):
    from cleangov.democracy.models import RepresentativesMeeting

    unit = fc.unit("village", side)
    meeting = RepresentativesMeeting.objects.create(unit=unit, held_on=date(2026, 5, 15), expected=15, present=12,
                                                    quorum_met=True, agenda=f"春耕 {_marker(unit)}")
    return {"meeting_id": meeting.pk}


def _appraisal(fc, side, user):
    from cleangov.democracy.actions import do_create_appraisal
    from cleangov.orgs.actions import do_create_person

    unit = fc.unit("village", side)
    cadre = do_create_person(acting_user=None, code=f"MX-CAD-{unit.code}", name="评议对象", home_unit=unit)
    appraisal = do_create_appraisal(acting_user=None, unit=unit, year=2026, title=f"评议 {_marker(unit)}",
                                    electorate="villagers", candidate_people=[cadre])
    return {"appraisal_id": appraisal.pk}


def _concern(fc, side, user):
    from cleangov.democracy.actions import do_record_concern

    unit = fc.unit("village", side)
    concern = do_record_concern(acting_user=None, unit=unit, channel="call", category="dispute",
                                received_on=date(2026, 11, 1), summary=_marker(unit), promise="答复",
                                promised_by=date(2026, 12, 1))
    return {"concern_id": concern.pk}


def _rule(fc, side, user):
    from cleangov.democracy.actions import do_draft_village_rule

    unit = fc.unit("village", side)
    return {"rule_id": do_draft_village_rule(acting_user=None, unit=unit, title=f"村规 {_marker(unit)}",
                                             text="爱护公共设施").pk}


register("democracy:index", get=view("democracy"))
register("democracy:village", get=view("democracy"), kwargs=_village)
register("democracy:decision_detail", get=view("democracy"), kwargs=_decision)
register("democracy:levy_detail", get=view("democracy"), kwargs=_levy)
register("democracy:meeting_detail", get=view("democracy"), kwargs=_meeting)
register("democracy:review_detail", get=view("democracy"),
         kwargs=lambda fc, side, user: {"review_id": _review(fc, side, user)[0].pk})
register("democracy:review_line", post=act("democracy_review_line", status=302),
         kwargs=lambda fc, side, user: {"line_id": _review(fc, side, user)[1].pk})
register("democracy:appraisal_detail", get=view("democracy"), kwargs=_appraisal)
register("democracy:concern_detail", get=view("democracy_concern"), kwargs=_concern)
register("democracy:rule_detail", get=view("democracy"), kwargs=_rule)
