"""Build accountability cases at a given stage through the actions (tests/cases and the matrix)."""

from __future__ import annotations

from datetime import date

from cleangov.cases.actions import (
    do_add_case_member,
    do_record_subject_statement,
    do_register_case,
    do_transition_case,
)

ORDER = ("registered", "initiated", "investigating", "reported", "deliberated", "decided", "delivered",
         "implemented", "filed", "closed")
STEP_TO = {"initiated": "approve_initiation", "investigating": "start_investigation", "reported": "submit_report",
           "deliberated": "deliberate", "decided": "decide", "delivered": "deliver", "implemented": "implement",
           "filed": "file", "closed": "close"}


def make_case(fc, side="a", *, stage="registered", subject=None, forms=("admonishment",), start=date(2026, 3, 2),
              investigator=None):
    """A case on the village of ``side`` about ``subject`` (default: the village secretary), taken to ``stage``."""
    subject = subject or fc.persona("village_secretary", side).person
    investigator = investigator or fc.persona("township_leader", side).person
    case = do_register_case(acting_user=None, unit=fc.unit("village", side), title="违规发放补贴问责",
                            summary="线索：补贴发放未公示", registered_on=start, subject_people=[subject])
    target = ORDER.index(stage)
    on = start
    for state in ORDER[1:target + 1]:
        step = STEP_TO[state]
        if step == "start_investigation":
            do_add_case_member(case, acting_user=None, person=investigator, role="leader")
        details, form_rows = {}, []
        if step == "submit_report":
            for s in case.subjects.all():
                do_record_subject_statement(s, acting_user=None, responsibility="leadership_main",
                                            statement="本人负有责任，申辩称系会计遗漏。", recorded_on=on)
            details = {"investigation_report": "经调查，补贴发放未经公示。", "fact_statement": "2026年1月补贴未公示。"}
        elif step == "deliberate":
            details = {"collective_meeting": "镇党委会议 2026年第5次", "collective_opinion": "同意给予问责。"}
        elif step == "decide":
            details = {"decision_text": "给予诫勉。"}
            form_rows = [(s.pk, f, None) for s in case.subjects.all() for f in forms]
        case = do_transition_case(case, step, acting_user=None, on=on, details=details, forms=form_rows)
    return case
