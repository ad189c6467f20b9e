"""Demo accountability cases: one in each stage, a dropped one, an appeal pending and an appeal decided,
a published outcome, and a person under a period of effect proposed for promotion (the appointment
is recorded with the warnings and the reason)."""

from __future__ import annotations

from datetime import timedelta

from cleangov.orgs.actions import do_start_post
from cleangov.orgs.choices import PostTypeChoices as P
from cleangov.orgs.choices import UnitLevelChoices as L
from cleangov.orgs.models import Post, Unit, related_person_ids

from .actions import (
    do_add_case_member,
    do_add_case_subject,
    do_decide_appeal,
    do_file_appeal,
    do_publish_case_outcome,
    do_record_subject_statement,
    do_register_case,
    do_transition_case,
)
from .selectors import appointment_warnings

STAGES = ("registered", "initiated", "investigating", "reported", "deliberated", "decided", "delivered",
          "implemented", "filed", "closed")
STEP_TO = {"initiated": "approve_initiation", "investigating": "start_investigation", "reported": "submit_report",
           "deliberated": "deliberate", "decided": "decide", "delivered": "deliver", "implemented": "implement",
           "filed": "file", "close": "close", "closed": "close"}
# (title, clue, target stage, forms of the cadre, extra)
CASES = (
    ("惠民补贴发放未公示问责", "村民反映2026年一季度补贴发放名单未公示。", "registered", (), ""),
    ("村集体资金违规出借问责", "审计发现村集体资金5万元出借给个人。", "initiated", (), ""),
    ("工程项目未经“四议两公开”问责", "村道硬化工程未经村民代表会议表决。", "investigating", (), ""),
    ("违规公款吃喝问责", "凭证显示村委会在农家乐公款宴请。", "reported", (), ""),
    ("整改不力问责", "巡察反馈问题逾期未整改。", "deliberated", (), ""),
    ("低保审核把关不严问责", "不符合条件人员享受低保。", "decided", ("admonishment",), ""),
    ("村务公开不及时问责", "财务公开连续两个季度未按时公开。", "delivered", ("circulated_criticism",), "appeal"),
    ("违规发放津补贴问责", "村干部违规领取误工补贴。", "implemented", ("post_adjustment",), "appeal_decided"),
    ("集体资产租赁不规范问责", "集体厂房低价出租未经表决。", "filed", ("admonishment",), ""),
    ("扶贫资金管理失职问责", "扶贫项目资金被挪用，监管失职。", "closed",
     ("removal", "circulated_criticism"), "publish"),
    ("信访举报不实", "反映问题经核查不属实。", "investigating", (), "drop"),
)


def _holders(unit_ids, post_types, today):
    rows = (Post.objects.filter(Post.held_on(today), unit_id__in=unit_ids, post_type__in=post_types)
            .select_related("person").order_by("unit__path", "pk"))
    out: dict[int, list] = {}
    for post in rows:
        out.setdefault(post.unit_id, []).append(post.person)
    return out


def build(context) -> None:
    today, actor = context.today, context.system_user
    villages = list(Unit.objects.filter(level=L.VILLAGE, path__startswith=context.county.path).order_by("path"))
    if not villages:
        return
    members = _holders([v.pk for v in villages], (P.COMMITTEE_MEMBER, P.COMMITTEE_DIRECTOR), today)
    deputies = _holders(list({v.parent_id for v in villages}), (P.DEPUTY, P.DISCIPLINE_STAFF, P.TOWNSHIP_HEAD), today)
    made, admonished = [], None
    start = today - timedelta(days=200)
    for index, (title, clue, stage, forms, extra) in enumerate(CASES):
        village = villages[(index * 7) % len(villages)]
        pool = members.get(village.pk, [])
        used = sum(1 for c in made if c.unit_id == village.pk)
        subject = pool[used % len(pool)] if pool else None
        candidates = [p for p in deputies.get(village.parent_id, [])
                      if subject is None or p.pk not in related_person_ids([subject.pk])]
        if subject is None or not candidates:
            continue
        on = start + timedelta(days=index * 9)
        case = do_register_case(acting_user=actor, unit=village, title=title, summary=clue, registered_on=on,
                                subject_people=[subject])
        do_add_case_subject(case, acting_user=actor, kind="organisation", subject_unit=village,
                            responsibility="main")
        target = STAGES.index(stage)
        for state in STAGES[1:target + 1]:
            step = STEP_TO[state]
            on += timedelta(days=6)
            details, rows = {}, []
            if step == "start_investigation":
                do_add_case_member(case, acting_user=actor, person=candidates[0], role="leader")
            elif step == "submit_report":
                for s in case.subjects.filter(kind="cadre"):
                    do_record_subject_statement(s, acting_user=actor, responsibility="leadership_main",
                                                statement="承认工作失职，申辩称系首次发生并已主动整改。",
                                                recorded_on=on)
                details = {"fact_statement": clue, "investigation_report": f"经调查，{clue}事实清楚，证据确凿。"}
            elif step == "deliberate":
                details = {"collective_meeting": "镇党委会议", "collective_opinion": "同意调查组意见，依规问责。"}
            elif step == "decide":
                details = {"decision_text": "经镇党委会议研究，作出问责决定。"}
                cadre = case.subjects.get(kind="cadre")
                organisation = case.subjects.get(kind="organisation")
                rows = [(cadre.pk, f, None) for f in forms] + [(organisation.pk, "org_review", None)]
            case = do_transition_case(case, step, acting_user=actor, on=on, details=details, forms=rows)
        if extra == "drop":
            case = do_transition_case(case, "drop", acting_user=actor, on=on + timedelta(days=5),
                                      reason="经核查，反映问题不属实，不予问责。")
        if extra in ("appeal", "appeal_decided") and case.delivered_on:
            appeal = do_file_appeal(case, acting_user=actor, subject=case.subjects.get(kind="cadre"),
                                    filed_on=case.delivered_on + timedelta(days=10), grounds="认为问责过重，请求复查。")
            if extra == "appeal_decided":
                do_decide_appeal(appeal, "uphold", acting_user=actor, on=appeal.filed_on + timedelta(days=20),
                                 reason="经复查，原决定事实清楚，维持原决定。")
        if extra == "publish":
            do_publish_case_outcome(case, acting_user=actor, on=case.closed_on,
                                    public_summary="某村委会委员在扶贫项目资金监管中失职，给予免职、通报处理；"
                                                   "责令该村党组织作出书面检查。")
        if "admonishment" in forms and case.decided_on and admonished is None:
            admonished = (subject, village)
        made.append(case)
    if admonished:
        person, village = admonished
        warnings = appointment_warnings(person.pk, today)
        if warnings:
            do_start_post(acting_user=actor, person=person, unit=village.parent, post_type=P.DEPUTY,
                          start_date=today,
                          override_reason="换届空缺，经镇党委研究，诫勉影响期内仍提名，报县委组织部备案。")
            context.log(f"cases: {person.name} ({person.code}) proposed for promotion under a period of effect; "
                        f"{len(warnings)} warning(s) recorded with the reason")
    context.log(f"cases: {len(made)} accountability cases")
