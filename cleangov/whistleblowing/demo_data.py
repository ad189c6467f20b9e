"""Demo reports: anonymous and real-name, first and repeat, one about a township's own head (routed
to the county), one whose township handler is a registered relative of the person reported on
(withdrawn automatically). The demo handlers' keys are sealed with the demo password, and the receipt
codes are printed so that the follow-up page can be tried."""

from __future__ import annotations

from datetime import timedelta

from cleangov.accounts.choices import RoleChoices as R
from cleangov.orgs.choices import PostTypeChoices as P
from cleangov.orgs.choices import UnitLevelChoices
from cleangov.orgs.conflicts import conflicted_person_ids
from cleangov.orgs.models import Post, Unit

from . import actions, keys
from .choices import ReportCategoryChoices as C
from .choices import ReportDisposalChoices as D
from .choices import ReportOutcomeChoices as O

WHAT = [
    "村里修路的补助款到了，但是路只修了一半，账上却写全部完工，村民都说钱被挪用了。",
    "村委会主任把集体鱼塘承包给自己的亲戚，没有开村民代表会议，承包费也比别人低一半。",
    "低保名单里有村干部的亲属，家里有车有楼房，真正困难的人家反而没有评上。",
    "镇里组织的培训，中午在饭店吃饭喝酒，发票开成了会议费。",
    "征地补偿款拖了一年多还没发到各户，问村干部就说还在走程序。",
    "村里的扶贫羊由村支书统一采购，每只比市场价贵三百多元。",
    "过年时村干部用集体的钱买了购物卡，分给了几个组长。",
    "建议村务公开栏按时更新，现在上面贴的还是去年的账目。",
]


def _post_holder(unit, post_types, today):
    post = Post.objects.filter(unit=unit, post_type__in=post_types, start_date__lte=today, end_date__isnull=True)
    return post.select_related("person").first()


def build(context) -> None:
    today, log = context.today, context.log
    commission = context.users.get(R.COUNTY_COMMISSION)
    township_handler = context.users.get(R.TOWNSHIP_DISCIPLINE)
    if commission is None or township_handler is None or not context.password:
        log("whistleblowing: no demo handlers; skipped")
        return
    # Keys first: the county's, then the township's (sealed to its handler and, as escrow, to the county),
    # then every other township's office key (escrow only, until their handlers set up keys).
    keys.set_up_handler_key(commission, context.password)
    keys.set_up_handler_key(township_handler, context.password)
    for office in Unit.objects.filter(level=UnitLevelChoices.TOWNSHIP):
        keys.ensure_office_key(office)
    own_township = next(a.unit for a in township_handler.active_assignments() if a.role == R.TOWNSHIP_DISCIPLINE)
    villages = list(Unit.objects.filter(parent=own_township, level=UnitLevelChoices.VILLAGE).order_by("code"))
    others = list(Unit.objects.filter(level=UnitLevelChoices.VILLAGE).exclude(parent=own_township).order_by("code"))
    rng = context.rng
    codes = []

    def submit(unit, name, category, days_ago, **extra):
        day = today - timedelta(days=days_ago)
        submission = actions.do_submit_report(subject_unit=unit, subject_name=name, category=category,
                                              what=extra.pop("what", rng.choice(WHAT)), when=extra.pop("when", ""),
                                              amount=extra.pop("amount", ""), today=day, **extra)
        codes.append((submission.receipt_code, submission.report))
        return submission.report, day

    secretary = _post_holder(villages[0], (P.VILLAGE_PARTY_SECRETARY,), today)
    director = _post_holder(villages[-1], (P.COMMITTEE_DIRECTOR,), today)
    # 1. anonymous, first: being verified, with a question to the reporter
    first, day = submit(villages[0], secretary.person.name if secretary else "", C.CORRUPTION, 40,
                        when="今年春天", amount="约8万元")
    actions.do_register_report(first, acting_user=township_handler, today=day + timedelta(days=1))
    actions.do_accept_report(first, acting_user=township_handler, today=day + timedelta(days=2))
    actions.do_dispose_report(first, acting_user=township_handler, method=D.PRELIMINARY_VERIFICATION)
    # 2. a repeat of it, kept with the first
    repeat, day = submit(villages[0], secretary.person.name if secretary else "", C.CORRUPTION, 12)
    actions.do_register_report(repeat, acting_user=township_handler, repeat_of=first, today=day)
    # 3. real-name, accepted, told, closed, result told
    real, day = submit(villages[-1], director.person.name if director else "", C.CORRUPTION, 60,
                       real_name="王秀英", contact="138 0000 1234")
    actions.do_register_report(real, acting_user=township_handler, today=day)
    actions.do_accept_report(real, acting_user=township_handler, today=day + timedelta(days=3))
    opened = keys.open_office_keys(township_handler, context.password)
    actions.do_tell_reporter(real, acting_user=township_handler, report_key=keys.report_key(real, opened),
                             text="您反映的问题已受理，我们将依规依纪进行核实。", today=day + timedelta(days=5))
    actions.do_close_report(real, acting_user=township_handler, outcome=O.PARTLY, today=day + timedelta(days=40))
    actions.do_tell_reporter(real, acting_user=township_handler, report_key=keys.report_key(real, opened),
                             text="经核实，您反映的部分问题属实，已责令整改并追回款项。",
                             today=day + timedelta(days=45))
    actions.do_tell_reporter(first, acting_user=township_handler, report_key=keys.report_key(first, opened),
                             text="请问您反映的修路工程大约是哪一段？是否有照片或其他材料？",
                             today=today - timedelta(days=30))
    # 4. about the township's own head: routed to the county
    head = _post_holder(own_township, (P.TOWNSHIP_HEAD,), today)
    if head is not None:
        up, day = submit(villages[0], head.person.name, C.DISCIPLINE, 20,
                         what="镇长在村里检查工作时多次接受宴请，由村里报销。")
        actions.do_register_report(up, acting_user=commission, today=day)
        log(f"whistleblowing: report {up.number} about {head.person.name} (township head) went to {up.office.name}")
    # 5. about a registered relative of the township's discipline handler: they are withdrawn
    cadre = _post_holder(villages[1] if len(villages) > 1 else villages[0], (P.COMMITTEE_MEMBER, P.ACCOUNTANT,
                                                                             P.COMMITTEE_DIRECTOR), today)
    if cadre is not None and township_handler.person_id:
        if cadre.person_id not in conflicted_person_ids(township_handler):
            from cleangov.orgs.actions import do_add_relation

            do_add_relation(acting_user=None, person=cadre.person, relative=township_handler.person, kind="sibling")
        conflicted, day = submit(cadre.unit, cadre.person.name, C.CORRUPTION, 8)
        actions.do_register_report(conflicted, acting_user=commission, today=day)
        log(f"whistleblowing: report {conflicted.number} names {cadre.person.name}, a registered relative of "
            f"{township_handler.username}: that handler is withdrawn from it")
    # A spread of ordinary reports for the statistics.
    pool = villages + others[:6]
    categories = [C.CORRUPTION, C.DISCIPLINE, C.CORRUPTION, C.SUGGESTION]
    for i in range(14 if context.size != "tiny" else 8):
        unit = pool[i % len(pool)]
        report, day = submit(unit, "", categories[i % len(categories)], 5 + 9 * i)
        handler = township_handler if report.office_id == own_township.pk else commission
        if i % 3 != 2:
            actions.do_register_report(report, acting_user=handler, today=day + timedelta(days=1))
        if i % 3 == 0 and report.status == "registered":
            actions.do_accept_report(report, acting_user=handler, today=day + timedelta(days=3))
            if i % 2 == 0:
                actions.do_close_report(report, acting_user=handler, outcome=O.NO_ACTION,
                                        today=day + timedelta(days=20), disposal=D.CLOSE)
    for code, report in codes[:5]:
        log(f"whistleblowing: receipt code {code} follows report {report.number} at /public/report/follow/")
