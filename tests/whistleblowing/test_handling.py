"""Handling by the 2020 rules: registration (first or repeat), acceptance within 5 working days,
disposal, real-name feedback clocks of 15 working days, messages, notes, hand-offs, false accusation.
The clocks are checked at the National Day holiday of 2026 (1-7 October off, Saturday 10 October worked)."""

from datetime import date

import pytest
from django.test import Client

from cleangov.accounts.choices import RoleChoices as R
from cleangov.core.signals import case_requested, problem_found
from cleangov.deadlines.api import deadlines_for
from cleangov.deadlines.choices import DeadlineStatusChoices as DS
from cleangov.whistleblowing import actions, keys
from cleangov.whistleblowing.choices import ReportStatusChoices as S
from cleangov.whistleblowing.models import Report
from tests.support.county import PASSWORD

from .helpers import follow, submit, unlock

pytestmark = pytest.mark.django_db

RECEIVED = date(2026, 9, 28)  # a Monday before the National Day holiday
# (rule, start) -> due date, counted by hand on the State Council's 2026 calendar:
# 29, 30 Sep, 8, 9 Oct, Sat 10 Oct (make-up working day) = 5 working days; 15 more reach 23 Oct.
EXPECTED_DUE = {
    "whistleblowing.accept": date(2026, 10, 10),
    "whistleblowing.ack": date(2026, 10, 23),
}


def _report(wb, **kw):
    return actions.do_submit_report(subject_unit=wb.villages["a"], subject_name="", category="corruption",
                                    what="问题", today=RECEIVED, **kw).report


def test_clocks_across_the_national_day_holiday(wb):
    handler = wb.persona(R.TOWNSHIP_DISCIPLINE, "a")
    report = _report(wb, real_name="王五", contact="13700000000")
    actions.do_register_report(report, acting_user=handler, today=RECEIVED)
    due = {d.rule: d.due_date for d in deadlines_for(report)}
    assert due == EXPECTED_DUE
    actions.do_accept_report(report, acting_user=handler, today=date(2026, 9, 29))
    assert deadlines_for(report, rule="whistleblowing.accept").get().status == DS.MET
    opened = keys.open_office_keys(handler, PASSWORD)
    actions.do_tell_reporter(report, acting_user=handler, report_key=keys.report_key(report, opened),
                             text="已受理", today=date(2026, 9, 30))
    assert deadlines_for(report, rule="whistleblowing.ack").get().status == DS.MET
    actions.do_close_report(report, acting_user=handler, outcome="not_substantiated", today=date(2026, 9, 30))
    # closed on 30 September: 8, 9, 10 (Sat, worked), 12-16, 19-23, 26, 27 October = 15 working days
    assert deadlines_for(report, rule="whistleblowing.result").get().due_date == date(2026, 10, 27)


def test_anonymous_report_has_no_feedback_clock_and_repeat_has_none(wb):
    handler = wb.persona(R.TOWNSHIP_DISCIPLINE, "a")
    first = _report(wb)
    actions.do_register_report(first, acting_user=handler)
    assert {d.rule for d in deadlines_for(first)} == {"whistleblowing.accept"}
    second = _report(wb)
    assert actions.repeat_candidates(second) == [first] or first in actions.repeat_candidates(second)
    actions.do_register_report(second, acting_user=handler, repeat_of=first)
    second.refresh_from_db()
    assert second.status == S.REPEAT and second.repeat_of == first and not deadlines_for(second).exists()


def test_steps_outside_the_table_are_refused(wb):
    handler = wb.persona(R.TOWNSHIP_DISCIPLINE, "a")
    report = _report(wb)
    with pytest.raises(Exception, match="not possible"):
        actions.do_accept_report(report, acting_user=handler)  # not registered yet
    actions.do_register_report(report, acting_user=handler)
    actions.do_refuse_report(report, acting_user=handler, reason="no_substance")
    report.refresh_from_db()
    assert report.status == S.NOT_ACCEPTED and report.outcome == "no_action"


def test_disposal_handoffs_and_what_the_reporter_sees(wb):
    handler = wb.persona(R.TOWNSHIP_DISCIPLINE, "a")
    public = Client()
    code, _r = submit(public, wb.villages["a"], what="村委会挪用资金", real_name="赵六", contact="13600000000")
    report = Report.objects.get()
    handled = unlock(Client(), handler)
    handled.post(f"/whistleblowing/{report.pk}/do/register/", {"repeat_of": ""})
    handled.post(f"/whistleblowing/{report.pk}/do/accept/")
    handled.post(f"/whistleblowing/{report.pk}/do/dispose/", {"method": "preliminary_verification"})
    handled.post(f"/whistleblowing/{report.pk}/do/note/", {"text": "NOTE-ONLY-FOR-HANDLERS"})
    handled.post(f"/whistleblowing/{report.pk}/do/tell/", {"text": "请补充材料"})
    cases, problems = [], []
    case_requested.connect(lambda **kw: cases.append(kw), weak=False, dispatch_uid="t-case")
    problem_found.connect(lambda **kw: problems.append(kw), weak=False, dispatch_uid="t-problem")
    try:
        handled.post(f"/whistleblowing/{report.pk}/do/rectification/", {"title": "规范集体资金管理", "detail": ""})
        handled.post(f"/whistleblowing/{report.pk}/do/transfer/")
    finally:
        case_requested.disconnect(dispatch_uid="t-case")
        problem_found.disconnect(dispatch_uid="t-problem")
    report.refresh_from_db()
    assert report.status == S.TRANSFERRED
    assert len(cases) == 1 and cases[0]["source"].pk == report.pk and cases[0]["unit_id"] == wb.villages["a"].pk
    assert len(problems) == 1 and problems[0]["title"] == "规范集体资金管理"
    page = follow(public, code).content.decode()
    assert "请补充材料" in page and "NOTE-ONLY-FOR-HANDLERS" not in page
    assert "transferred for investigation" in page
    assert "赵六" not in page and "13600000000" not in page  # the outcome says nothing about the reporter
    reply = public.post("/public/report/follow/reply/", {"code": code, "text": "材料已寄出"})
    assert "材料已寄出" in reply.content.decode()
    assert "材料已寄出" in handled.get(f"/whistleblowing/{report.pk}/").content.decode()


def test_false_accusation_clears_the_name_publicly(wb):
    handler = wb.persona(R.TOWNSHIP_DISCIPLINE, "a")
    accused = wb.persona(R.VILLAGE_SECRETARY, "a").person
    report = actions.do_submit_report(subject_unit=wb.villages["a"], subject_name=accused.name,
                                      category="corruption", what="诬告内容").report
    actions.do_register_report(report, acting_user=handler)
    actions.do_accept_report(report, acting_user=handler)
    actions.do_close_report(report, acting_user=handler, outcome="not_substantiated")
    actions.do_record_false_accusation(report, acting_user=handler, clear_publicly=True)
    page = Client().get("/public/report/cleared/").content.decode()
    assert accused.name in page
