"""Demo democracy for the demo county's first village (the demo village secretary's), and a little for a
second one: decisions at every step (one stuck after a party members' meeting without quorum), two
decisions of the winter with the payments citing them imported into the books and audited (covered,
above the amount, paid before the resolution, citing an unknown number, citing none), a levy
within the caps taken to its settlement (and one refused for exceeding them: refusals store nothing,
the log shows the message), representatives' meetings with a missing quarter (and one convened on the
proposal of one fifth of the representatives; a smaller proposal refused), two closed appraisals
(a cadre rated not competent twice, so the termination procedure starts; one paper ballot with a
written comment keyed in by two tellers), villagers' concerns answered
on time and late, the financial management group's reviews of the last months of vouchers (the last
one not done: overdue and holding its disclosure) and village rules published and under review."""

from __future__ import annotations

import time
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError

from cleangov.accounts.models import RoleAssignment
from cleangov.deadlines.tick import run_tick
from cleangov.orgs.actions import do_create_person, do_start_post
from cleangov.orgs.choices import PersonPartyChoices, PostTypeChoices, UnitLevelChoices
from cleangov.orgs.conflicts import ConflictOfInterest, check_conflict_of_interest
from cleangov.orgs.models import Person, Post, Unit

from . import actions as A
from . import ballots as B
from .choices import ReviewVerdictChoices
from .models import Decision, MonthlyReview

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "建国秀英志强桂兰海燕春生玉梅德明小红金凤永福丽华文军"


def _name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _identity(context) -> str:
    """A made-up 18-character identity number: the register keeps only its hash and last four."""
    return f"4501{context.rng.randint(10, 99)}19{context.rng.randint(60, 99)}{context.rng.randint(1000000, 9999999)}X"


def _demo_village(context) -> Unit | None:
    user = context.users.get("village_secretary")
    if user is not None:
        a = RoleAssignment.objects.filter(user=user, role="village_secretary").select_related("unit").first()
        if a is not None and a.unit.level == UnitLevelChoices.VILLAGE:
            return a.unit
    return Unit.objects.filter(path__startswith=context.county.path, level=UnitLevelChoices.VILLAGE).order_by(
        "path").first()


def _ensure_register(context, village: Unit) -> None:
    """Enough party members and representatives in the register for the meetings to count from it."""
    rng = context.rng
    members = Person.objects.filter(home_unit__path__startswith=village.path,
                                    party__in=(PersonPartyChoices.MEMBER, PersonPartyChoices.PROBATIONARY)).count()
    for i in range(max(0, 12 - members)):
        do_create_person(acting_user=context.system_user, code=f"DM-PM-{village.code}-{i}", name=_name(rng),
                         home_unit=village, party=PersonPartyChoices.MEMBER, identity_number=_identity(context))
    reps = A.register_people(village, "representatives").count()
    for i in range(max(0, 15 - reps)):
        person = do_create_person(acting_user=context.system_user, code=f"DM-REP-{village.code}-{i}", name=_name(rng),
                                  home_unit=village, identity_number=_identity(context))
        do_start_post(acting_user=context.system_user, person=person, unit=village,
                      post_type=PostTypeChoices.VILLAGER_REPRESENTATIVE, start_date=date(2021, 1, 1))


def _decisions(context, village: Unit, actor) -> Decision | None:
    today = context.today
    party = list(A.register_people(village, "party_members").values_list("pk", flat=True))
    committees = list(A.register_people(village, "two_committees").values_list("pk", flat=True))
    reps = A.register_people(village, "representatives").count()
    n_party = len(party)

    def meet(d, body, days_ago, *, present=None, votes=None, attendees=None, expected=None, text=""):
        kw = {"attendee_ids": attendees} if attendees is not None else {"present": present}
        return A.do_record_decision_meeting(d, acting_user=actor, body=body, held_on=today - timedelta(days=days_ago),
                                            votes_for=votes, expected=expected, minutes="会议记录见附件",
                                            resolution_text=text, **kw)

    def through(step, title, matter):
        d = A.do_create_decision(acting_user=actor, unit=village, matter_type=matter, title=title,
                                 description=f"{title}：方案经党支部研究提出，征求党员和村民意见。")
        if step == "draft":
            return d
        A.do_take_decision_step(d, acting_user=actor, name="propose", on_date=today - timedelta(days=60))
        if step == "proposed":
            return d
        if committees:
            meet(d, "two_committees", 55, attendees=committees, votes=len(committees))
        else:
            meet(d, "two_committees", 55, expected=7, present=6, votes=6)
        if step == "discussed":
            return d
        present = party[: -(n_party // 6) or None]  # five sixths present: above two thirds
        meet(d, "party_members", 45, attendees=present, votes=n_party // 2 + 1)
        if step == "reviewed":
            return d
        meet(d, "representatives", 35, present=reps - 1, votes=reps - 3,
             text=f"同意{title}，由村委会组织实施，村务监督委员会全程监督。")
        if step == "decided":
            return d
        A.do_take_decision_step(d, acting_user=actor, name="disclose_resolution", on_date=today - timedelta(days=33))
        if step == "resolution_disclosed":
            return d
        A.do_take_decision_step(d, acting_user=actor, name="disclose_result", on_date=today - timedelta(days=5),
                                text="工程已完工并通过验收，决算支出与预算相符，明细已在公开栏公布。")
        return d

    through("draft", "村集体闲置厂房出租方案", "asset_disposal")
    through("proposed", "2027年度村干部误工补贴标准", "allowances")
    stuck = through("discussed", "村集体林地承包方案调整", "land_contracting")
    # The party members' meeting of this one missed its quorum: half the members came.
    meet(stuck, "party_members", 40, attendees=party[: n_party // 2], votes=n_party // 2)
    through("reviewed", "宅基地布局规划（2027—2031）", "homestead")
    through("decided", "征地补偿款分配方案", "land_compensation")
    through("resolution_disclosed", "村集体经济收益使用方案", "collective_income")
    road = through("result_disclosed", "村内主干道硬化工程（一事一议）", "public_welfare")
    withdrawn = through("draft", "村部办公楼装修", "collective_project")
    A.do_take_decision_step(withdrawn, acting_user=actor, name="withdraw", reason="经村民代表征求意见，暂缓实施")
    return road


def _resolved(village: Unit, actor, title: str, matter: str, amount: Decimal | None, days: tuple[date, ...]):
    """A decision taken through its four discussions on fixed days (proposal, committees, party members,
    representatives, resolution disclosed), with the amount its resolution approves."""
    proposed, committees_on, party_on, decided_on, disclosed_on = days
    committees = list(A.register_people(village, "two_committees").values_list("pk", flat=True))
    party = list(A.register_people(village, "party_members").values_list("pk", flat=True))
    reps = A.register_people(village, "representatives").count()
    d = A.do_create_decision(acting_user=actor, unit=village, matter_type=matter, title=title,
                             description=f"{title}：方案经党支部研究提出，征求党员和村民意见。")
    A.do_take_decision_step(d, acting_user=actor, name="propose", on_date=proposed)
    kw = {"attendee_ids": committees} if committees else {"expected": 7, "present": 6}
    A.do_record_decision_meeting(d, acting_user=actor, body="two_committees", held_on=committees_on,
                                 votes_for=len(committees) or 6, **kw)
    A.do_record_decision_meeting(d, acting_user=actor, body="party_members", held_on=party_on, attendee_ids=party,
                                 votes_for=len(party) // 2 + 1)
    A.do_record_decision_meeting(d, acting_user=actor, body="representatives", held_on=decided_on,
                                 present=reps - 1, votes_for=reps - 3, resolution_amount=amount,
                                 resolution_text=f"同意{title}" + (f"，支出不超过{amount}元" if amount else "") + "。")
    A.do_take_decision_step(d, acting_user=actor, name="disclose_resolution", on_date=disclosed_on)
    d.refresh_from_db()
    return d


def _payments_against_resolutions(context, village: Unit, actor) -> None:
    """Two decisions of the winter and the village's payments citing them, imported into the books and
    audited: one payment covered, one above the amount approved, one paid before its resolution, one
    citing a number no decision carries, one citing none (major_matter_without_resolution)."""
    from cleangov.finance.api import demo_import_village_payments

    wall = _resolved(village, actor, "村小学围墙修缮", "public_welfare", Decimal("36000.00"),
                     (date(2025, 11, 10), date(2025, 11, 15), date(2025, 11, 22), date(2025, 12, 6),
                      date(2025, 12, 9)))
    dividend = _resolved(village, actor, "村集体鱼塘承包收入分红方案", "collective_income", None,
                         (date(2026, 1, 5), date(2026, 1, 9), date(2026, 1, 16), date(2026, 2, 10),
                          date(2026, 2, 12)))
    payments = [
        (date(2026, 1, 12), "project", "21860.50", "清河建筑公司", "村小学围墙修缮工程首期款", wall.resolution_ref),
        (date(2026, 1, 28), "subsidy_distribution", "18630.00", "全体股民", "鱼塘承包收入分红",
         dividend.resolution_ref),
        (date(2026, 2, 6), "project", "16240.00", "清河建筑公司", "村小学围墙修缮工程尾款", wall.resolution_ref),
        (date(2026, 2, 16), "project", "9370.00", "红星水泥厂", "村道修补材料款", "村民代表会议决议〔2025〕11号"),
        (date(2026, 2, 24), "project", "7480.00", "李记五金店", "村部围栏维修", ""),
    ]
    found = demo_import_village_payments(village.pk, [
        {"voucher_date": day, "category": cat, "amount": Decimal(amount), "payee": payee, "summary": summary,
         "resolution_ref": ref} for day, cat, amount, payee, summary, ref in payments])
    context.log(f"democracy: {len(payments)} payments checked against the village's resolutions "
                f"({found} findings in the village's audit)")


def _levies(context, village: Unit, road: Decision, actor) -> None:
    users = context.users
    plan = A.do_create_levy_plan(acting_user=actor, unit=village, year=context.today.year,
                                 project="村内主干道硬化工程", budget=Decimal("86000.00"),
                                 cash_per_person=Decimal("12.00"), workdays_per_labourer=Decimal("6"),
                                 persons=1460, labourers=720,
                                 exemptions={"servicemen": 4, "students": 96, "disabled": 11, "pregnant": 7})
    A.do_take_levy_step(plan, acting_user=actor, name="approve", decision=road)
    A.do_take_levy_step(plan, acting_user=users.get("township_secretary") or context.system_user,
                        name="township_review", reason="方案符合规定，筹资额在限额内，同意。")
    A.do_take_levy_step(plan, acting_user=users.get("county_leader") or context.system_user, name="county_file",
                        filing_ref=f"农负备〔{context.today.year}〕17号")
    A.do_take_levy_step(plan, acting_user=actor, name="collect")
    A.do_take_levy_step(plan, acting_user=actor, name="settle", amount_spent=Decimal("84930.00"),
                        reason="专款专用，结余1070元转入下年度道路养护。")
    try:
        A.do_create_levy_plan(acting_user=actor, unit=village, year=context.today.year, project="村文化广场",
                              budget=Decimal("40000"), cash_per_person=Decimal("8.00"),
                              workdays_per_labourer=Decimal("3"), persons=1460, labourers=720)
    except ValidationError as refused:
        context.log(f"democracy: levy refused as it should be: {'; '.join(refused.messages)}")


def _meetings(context, village: Unit, actor) -> None:
    year = context.today.year
    reps = A.register_people(village, "representatives").count()
    for held_on, agenda in ((date(year, 2, 20), "通报上年度村务、财务收支情况；讨论春耕生产安排"),
                            (date(year, 5, 15), "讨论村内主干道硬化工程一事一议筹资方案"),
                            (date(year, 10, 28), "听取村务监督委员会工作报告；讨论宅基地布局规划")):
        A.do_record_representatives_meeting(acting_user=actor, unit=village, held_on=held_on, present=reps - 2,
                                            agenda=agenda, minutes="与会代表逐项表决，形成会议纪要。")
    # No meeting in the third quarter: the village page and the overview flag it.
    # One meeting convened on the representatives' proposal (Art. 26: at least one fifth of them), and
    # an earlier proposal by too few that the committee did not have to follow (refused with the numbers).
    proposers = list(A.register_people(village, "representatives").order_by("pk").values_list("pk", flat=True))
    needed = -(-len(proposers) // 5)
    today, agenda = context.today, "代表提议：讨论村集体鱼塘承包合同续签"
    try:
        A.do_record_representatives_meeting(acting_user=actor, unit=village, held_on=today - timedelta(days=21),
                                            present=reps - 1, agenda=agenda, proposer_ids=proposers[:needed - 1],
                                            proposed_on=today - timedelta(days=34))
    except ValidationError as refused:
        context.log(f"democracy: meeting on too small a proposal refused: {'; '.join(refused.messages)}")
    A.do_record_representatives_meeting(acting_user=actor, unit=village, held_on=today - timedelta(days=13),
                                        present=reps - 1, agenda=agenda,
                                        minutes="代表五分之一以上联名提议，村委会召集；合同续签方案经表决通过。",
                                        proposer_ids=proposers[:needed + 1], proposed_on=today - timedelta(days=27))


def _appraisals(context, village: Unit) -> None:
    posts = (PostTypeChoices.VILLAGE_PARTY_SECRETARY, PostTypeChoices.COMMITTEE_DIRECTOR,
             PostTypeChoices.COMMITTEE_MEMBER)
    cadres = list(Person.objects.filter(pk__in=Post.objects.filter(unit=village, post_type__in=posts,
                                                                   end_date__isnull=True).values("person_id")))
    if len(cadres) < 3:
        for i in range(3 - len(cadres)):
            person = do_create_person(acting_user=context.system_user, code=f"DM-CAD-{village.code}-{i}",
                                      name=_name(context.rng), home_unit=village,
                                      identity_number=_identity(context))
            do_start_post(acting_user=context.system_user, person=person, unit=village,
                          post_type=PostTypeChoices.COMMITTEE_MEMBER, start_date=date(2021, 1, 1))
            cadres.append(person)
    rng, weak = context.rng, cadres[-1]
    actor = context.system_user
    for year in (context.today.year - 1, context.today.year):
        appraisal = A.do_create_appraisal(acting_user=actor, unit=village, year=year, title=f"{year}年度村干部民主评议",
                                          electorate="representatives", candidate_people=cadres)
        tokens = B.do_issue_appraisal_tokens(appraisal, acting_user=actor, count=15)
        A.do_open_appraisal(appraisal, acting_user=actor)
        for n, token in enumerate(tokens[:13]):
            ratings = {}
            for c in appraisal.candidates.all():
                if c.person_id == weak.pk:
                    rating = "dissatisfied" if n < 8 else "basic"  # 8 of 13: not competent
                else:
                    rating = rng.choice(["satisfied"] * 3 + ["basic"])
                ratings[c.pk] = (rating, "")
            B.do_cast_ballot(token=token, ratings=ratings)
        _paper_ballot(context, appraisal, tokens[13], weak)
        B.do_close_appraisal(appraisal, acting_user=actor)


def _paper_ballot(context, appraisal, token: str, weak) -> None:
    """One paper ballot from the box, keyed in by two tellers with the voter's handwritten comment."""
    people = list(appraisal.candidates.values_list("person_id", flat=True))
    tellers = []
    # The two tellers: accounts neither rated nor related to a rated cadre (the demo supervision member
    # is a sibling of the committee director, so others count the box here).
    for role in ("supervision_member", "villager_representative", "township_discipline", "auditor"):
        user = context.users.get(role)
        if user is None or any(t.pk == user.pk for t in tellers):
            continue
        try:
            check_conflict_of_interest(user, subject_people=people)
        except ConflictOfInterest:
            continue
        tellers.append(user)
    if len(tellers) < 2:
        return
    tellers = tellers[:2]
    ratings = {c.pk: ("dissatisfied", "村里修路的账目一直没有公开，群众意见大") if c.person_id == weak.pk
               else ("satisfied", "") for c in appraisal.candidates.all()}
    for teller in tellers:
        B.do_enter_paper_ballot(appraisal, acting_user=teller, token=token, ratings=ratings)


def _concerns(context, village: Unit) -> None:
    liaison = context.users.get("liaison_cadre") or context.system_user
    today = context.today
    rows = [  # (category, channel, days ago received, days promised, answered after days or None, misconduct)
        ("homestead", "reception", 40, 14, 10, False, "宅基地审批材料已交，一个多月没有消息", "两周内答复审批进度"),
        ("dispute", "visit", 30, 7, 12, False, "与邻居因排水沟占地发生纠纷", "一周内组织双方调解"),
        ("finances", "call", 12, 20, None, False, "询问去年村集体鱼塘承包款的去向", "核实后在公开栏公布"),
        ("benefits", "reception", 25, 10, None, False, "低保名额评定不公开", "十天内召开评议会并公示"),
        ("cadre_conduct", "visit", 8, 15, None, True, "反映村干部在工程中优亲厚友", "转报镇纪委核实"),
    ]
    for category, channel, ago, promise_days, answered_after, misconduct, summary, promise in rows:
        received = today - timedelta(days=ago)
        concern = A.do_record_concern(acting_user=liaison, unit=village, channel=channel, category=category,
                                      received_on=received, summary=summary, promise=promise,
                                      promised_by=received + timedelta(days=promise_days), villager_name=_name(
                                          context.rng), alleges_misconduct=misconduct)
        if answered_after is not None:
            A.do_answer_concern(concern, acting_user=liaison, answer="已按承诺办理，结果已当面告知村民。",
                                answered_on=received + timedelta(days=answered_after))
        if misconduct:
            A.do_refer_concern(concern, acting_user=liaison, villager_consents=True)


def _reviews(context, village: Unit) -> None:
    from cleangov.finance.api import months_with_lines

    months = months_with_lines(village.pk, date(2025, 1, 1), date(2025, 12, 31))[-3:]
    member = context.users.get("supervision_member") or context.system_user
    accountant = context.users.get("accountant") or context.system_user
    for i, month in enumerate(months):
        if MonthlyReview.objects.filter(unit=village, month=month).exists():
            continue
        review = A.do_open_monthly_review(acting_user=context.system_user, unit=village, month=month)
        if i == len(months) - 1:
            continue  # the last month is not reviewed: overdue, and its disclosure is held
        for k, line in enumerate(review.lines.all()):
            if k == 2:
                A.do_review_voucher_line(line, acting_user=member, verdict=ReviewVerdictChoices.QUERIED,
                                         reason="发票抬头与村名不符，请说明")
                A.do_answer_voucher_query(line, acting_user=accountant, answer="已换开发票，原件附后")
            else:
                A.do_review_voucher_line(line, acting_user=member, verdict=ReviewVerdictChoices.PASSED)
        A.do_complete_monthly_review(review, acting_user=member, on_date=review.due_date - timedelta(days=3))


def _rules(context, village: Unit, actor) -> None:
    township_user = context.users.get("township_secretary") or context.system_user
    reps = A.register_people(village, "representatives").count()
    published = A.do_draft_village_rule(
        acting_user=actor, unit=village, title="村规民约（2026年修订）",
        text="一、爱护公共设施，不乱堆乱放。\n二、红白喜事从简，不大操大办。\n三、邻里互助，矛盾纠纷先调解。")
    A.do_adopt_village_rule(published, acting_user=actor, body="representatives",
                            held_on=context.today - timedelta(days=50), expected=None, present=reps - 1,
                            votes_for=reps - 2)
    A.do_review_village_rule(published, acting_user=township_user, name="approve")
    pending = A.do_draft_village_rule(acting_user=actor, unit=village, title="村集体资产管理办法",
                                      text="村集体资产出租、出借须经村民代表会议讨论决定。")
    A.do_adopt_village_rule(pending, acting_user=actor, body="representatives", held_on=context.today,
                            expected=None, present=reps, votes_for=reps - 1)


def build(context) -> None:
    started = time.monotonic()
    village = _demo_village(context)
    if village is None or Decision.objects.filter(unit=village).exists():
        return
    actor = context.users.get("village_secretary") or context.system_user
    _ensure_register(context, village)
    road = _decisions(context, village, actor)
    _payments_against_resolutions(context, village, actor)
    _levies(context, village, road, actor)
    _meetings(context, village, actor)
    _appraisals(context, village)
    _concerns(context, village)
    _reviews(context, village)
    _rules(context, village, actor)
    summary = run_tick(today=context.today, acting_user=context.system_user)
    context.log(f"democracy: {village.name}: decisions, levy, meetings, appraisals, concerns, reviews and rules "
                f"({summary.marked_overdue} clocks overdue; {time.monotonic() - started:.1f} s)")
