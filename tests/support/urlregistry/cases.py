"""The accountability cases app's entries in the permission matrix (tests/support/urlregistry/__init__.py).

Cases are built on the village of a side, about a person with no role in the matrix (so no persona is
excluded as a subject); step buttons and forms redirect (302) whatever the action decides.
"""

from __future__ import annotations

from datetime import date

from . import act, register, view


def _subject(fc, side):
    from cleangov.orgs.actions import do_create_person
    from cleangov.orgs.models import Person

    code = f"P-CASE-{side}"
    person = Person.objects.filter(code=code).first()
    return person or do_create_person(acting_user=None, code=code, name=f"问责对象{side}",
                                      home_unit=fc.unit("village", side))


def _case(fc, side, stage="registered"):
    from tests.cases.helpers import make_case

    return make_case(fc, side, stage=stage, subject=_subject(fc, side),
                     investigator=fc.persona("township_leader", "b" if side == "b" else "a").person)


def _case_kwargs(stage="registered"):
    return lambda fc, side, user: {"case_id": _case(fc, side, stage).pk}


def _statement_kwargs(fc, side, user):
    case = _case(fc, side, "investigating")
    return {"case_id": case.pk, "subject_id": case.subjects.get().pk}


def _appeal_kwargs(fc, side, user):
    from cleangov.cases.actions import do_file_appeal

    case = _case(fc, side, "delivered")
    appeal = do_file_appeal(case, acting_user=None, subject=case.subjects.get(), filed_on=date(2026, 3, 10),
                            grounds="申诉")
    return {"appeal_id": appeal.pk, "step": "uphold"}


register("cases:index", get=view("case"))
register("cases:export", get=view("case"))
register("cases:register", get=view("case_register"), post=act("case_register"))
register("cases:case_detail", get=view("case"), kwargs=_case_kwargs(), level="village")
register("cases:case_step", post=act("case_decision", 302),
         kwargs=lambda fc, side, user: {"case_id": _case(fc, side).pk, "step": "approve_initiation"}, level="village")
register("cases:subject_add", post=act("case", 302), kwargs=_case_kwargs(), level="village")
register("cases:statement", post=act("case", 302), kwargs=_statement_kwargs, level="village")
register("cases:member_add", post=act("case", 302), kwargs=_case_kwargs(), level="village")
register("cases:recuse", post=act("case_recusal", 302), kwargs=_case_kwargs(), level="village")
register("cases:appeal_file", post=act("case", 302), kwargs=_case_kwargs("delivered"), level="village")
register("cases:appeal_decide", post=act("case_decision", 302), kwargs=_appeal_kwargs, level="village")
register("cases:correct", post=act("case_decision", 302), kwargs=_case_kwargs("decided"), level="village")
register("cases:publish", post=act("case", 302), kwargs=_case_kwargs("closed"), level="village")
