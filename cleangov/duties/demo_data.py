"""A year of duties for the demo county.

The county publishes its key points in January; every township decomposes them to its leaders (the
party secretary, the township head, deputies, the discipline secretary) and rolls four of them down
to every village; every county department does the same for its head and deputy. As of the demo's
"today" most items due so far are done (most on time, some late), a few are still open and their
clocks have gone overdue (township 5 is the weak one); later items are in progress. Letters of
responsibility are generated at every level; most are signed by both sides, some are not, and one
was changed after signing and signed again as version 2.

Speed: items, progress and their audit events are written in bulk (``record_events``); the clocks
of open items and the letters go through the actions. Completed demo items carry no clock history
(only open items get a deadline, which the tick then marks overdue where due).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone

from cleangov.accounts.actions import do_create_user
from cleangov.accounts.models import User
from cleangov.core.audit import PendingEvent, record_events, snapshot
from cleangov.deadlines.api import create_deadline
from cleangov.deadlines.tick import run_tick
from cleangov.orgs.choices import PostTypeChoices as P
from cleangov.orgs.choices import UnitLevelChoices as L
from cleangov.orgs.models import Post, Unit

from .actions import (
    DEADLINE_RULE,
    ITEM_FIELDS,
    do_add_key_point,
    do_create_keypoints,
    do_generate_letters,
    do_publish_keypoints,
    do_revise_letter,
    do_sign_letter,
    lead_post,
)
from .choices import DutyItemResponsibilityChoices as R
from .choices import DutyItemStatusChoices as S
from .models import DutyEvidenceFile, DutyItem, DutyProgress, ResponsibilityLetter

KEY_POINTS = [
    ("落实全面从严治党主体责任",
     "党委（党组）每半年至少召开一次党风廉政建设专题会议，书记履行第一责任人职责，班子成员落实“一岗双责”。"),
    ("深入贯彻中央八项规定精神", "紧盯公务接待、公车使用、婚丧喜庆等重点，持续纠治“四风”。"),
    ("加强廉政教育和警示教育", "开展党纪学习教育，组织警示教育大会和廉政党课。"),
    ("推进党务、政务、村务公开", "落实村务公开目录，按季度公开村务、财务，接受群众监督。"),
    ("整治群众身边不正之风和腐败问题", "聚焦惠民惠农资金、低保救助等领域开展专项整治。"),
    ("加强村级“三资”监督管理", "开展农村集体资金、资产、资源清理，规范村级财务管理。"),
    ("落实“三重一大”和“四议两公开”", "重大事项集体决策，村级重大事项落实“四议两公开”。"),
    ("抓好巡察审计发现问题整改", "支持纪检监察机关履行监督责任，建立整改台账，逐项销号。"),
]

# Township items: (key point index, what, evidence, due (month, day), who leads, rolls down to villages as).
TOWNSHIP_ITEMS = [
    (0, "召开党委党风廉政建设专题会议（上半年）", "会议通知、签到表、会议记录", (6, 30), "secretary", None),
    (0, "召开党委党风廉政建设专题会议（下半年）", "会议通知、签到表、会议记录", (12, 20), "secretary", None),
    (1, "开展落实中央八项规定精神情况自查", "自查报告、问题清单", (5, 31), "head", None),
    (2, "组织分管领域干部开展警示教育", "活动方案、照片、学习记录", (9, 30), "deputy",
     "按时开展“三会一课”和廉政党课"),
    (3, "督促各村按季度公开村务、财务", "公开栏照片、公开清单", (10, 31), "deputy", "每季度公开村务、财务"),
    (4, "开展群众身边不正之风专项整治", "整治方案、问题台账", (8, 31), "deputy", None),
    (5, "开展村级“三资”清理", "清理报告、资产台账", (11, 15), "head", "完成村级“三资”清理登记"),
    (6, "检查村级重大事项“四议两公开”落实情况", "检查记录、决策记录抽查表", (12, 15), "deputy",
     "重大事项落实“四议两公开”"),
    (7, "督促巡察反馈问题整改", "整改台账、销号材料", (7, 31), "discipline", None),
]
DEPARTMENT_ITEMS = [
    (0, "召开党组党风廉政建设专题会议", "会议记录", (6, 30), "head"),
    (1, "规范公务接待和公车使用", "接待清单、派车单", (9, 30), "deputy"),
    (2, "组织干部职工警示教育", "学习记录、照片", (10, 31), "deputy"),
    (7, "落实审计发现问题整改", "整改报告", (12, 20), "head"),
]
WEAK_TOWNSHIP_INDEX = 4  # township 5: many items left open past their deadline


def _aware(day: date, hour: int = 10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _current_posts(unit_ids, today):
    posts = {}
    for post in (Post.objects.filter(Post.held_on(today), unit_id__in=unit_ids)
                 .select_related("person").order_by("start_date", "pk")):
        posts.setdefault(post.unit_id, []).append(post)
    return posts


def _lead(posts, who, i):
    by_type = {}
    for post in posts:
        by_type.setdefault(post.post_type, []).append(post.person)
    first = (by_type.get(P.PARTY_SECRETARY) or by_type.get(P.DEPARTMENT_HEAD) or [None])[0]
    if who == "secretary":
        return first, R.FIRST
    if who == "head":
        head = (by_type.get(P.TOWNSHIP_HEAD) or by_type.get(P.DEPARTMENT_HEAD) or [first])[0]
        return head, R.FIRST if head == first else R.DUAL_DUTY
    if who == "discipline" and by_type.get(P.DISCIPLINE_SECRETARY):
        return by_type[P.DISCIPLINE_SECRETARY][0], R.DUAL_DUTY
    deputies = by_type.get(P.DEPUTY) or []
    if deputies:
        return deputies[i % len(deputies)], R.DUAL_DUTY
    return first, R.FIRST


class _Outcome:
    def __init__(self, rng, today, year, weak):
        self.rng, self.today, self.year, self.weak = rng, today, year, weak

    def decide(self, item: DutyItem) -> None:
        """Final status and dates of an item as of today (the story of the year)."""
        rng, today, due = self.rng, self.today, item.due_date
        r = rng.random()
        if due < today:
            open_share = 0.35 if self.weak else 0.07
            if r < open_share:
                item.status = S.IN_PROGRESS if rng.random() < 0.7 else S.ASSIGNED
                return
            late = r < open_share + (0.15 if self.weak else 0.09)
            done = due + timedelta(days=rng.randint(3, 25)) if late else due - timedelta(days=rng.randint(0, 20))
            item.completed_on = min(done, today)
        else:
            if r < 0.22:
                item.completed_on = today - timedelta(days=rng.randint(1, 25))
            else:
                item.status = S.IN_PROGRESS if r < 0.85 else S.ASSIGNED
                return
        verified = item.completed_on + timedelta(days=rng.randint(2, 12))
        if verified <= today and rng.random() < 0.7:
            item.status, item.verified_at = S.VERIFIED, _aware(verified, 15)
        else:
            item.status = S.DONE


def _signer_accounts(letters, context) -> dict[int, User]:
    """Every cadre signs with their own account. Demo cadres without a login get one without a
    password (a real county gives each cadre their own login; the demo prints only the role logins)."""
    person_ids = {p for x in letters for p in (x.issuer_person_id, x.recipient_person_id)}
    users = {u.person_id: u for u in User.objects.filter(person_id__in=person_ids).select_related("person")}
    from cleangov.orgs.models import Person

    for person in Person.objects.filter(pk__in=person_ids - set(users)).order_by("pk"):
        users[person.pk] = do_create_user(acting_user=context.system_user, username=f"cadre-{person.code.lower()}",
                                          password=None, person=person)
    return users


def build(context) -> None:
    rng, today, actor = context.rng, context.today, context.system_user
    year = today.year
    county = context.county

    doc = do_create_keypoints(acting_user=actor, unit=county, year=year,
                              title=f"清河县{year}年党风廉政建设和反腐败工作要点")
    points = [do_add_key_point(doc, acting_user=actor, title=t, text=x) for t, x in KEY_POINTS]
    do_publish_keypoints(doc, acting_user=actor)

    townships = list(Unit.objects.filter(parent=county, level=L.TOWNSHIP).order_by("path"))
    departments = list(Unit.objects.filter(parent=county, level=L.DEPARTMENT).order_by("path"))
    villages = list(Unit.objects.filter(parent__in=townships, level=L.VILLAGE).order_by("path"))
    posts = _current_posts([u.pk for u in townships + departments + villages], today)

    # --- township and department items ------------------------------------------------------------
    top: list[DutyItem] = []
    rolls: dict[int, str] = {}  # index in ``top`` → village item title
    outcomes = {}
    for t_index, township in enumerate(townships):
        outcome = _Outcome(rng, today, year, weak=t_index == WEAK_TOWNSHIP_INDEX)
        for i, (kp, title, evidence, (m, d), who, village_title) in enumerate(TOWNSHIP_ITEMS):
            lead, resp = _lead(posts.get(township.pk, []), who, i)
            if lead is None:
                continue
            item = DutyItem(unit=township, year=year, key_point=points[kp], title=title, lead_person=lead,
                            responsibility=resp, lead_unit=township, due_date=date(year, m, d),
                            expected_evidence=evidence, status=S.ASSIGNED)
            outcome.decide(item)
            if village_title:
                rolls[len(top)] = village_title
            top.append(item)
            outcomes[id(item)] = outcome
    dept_outcome = _Outcome(rng, today, year, weak=False)
    for dept in departments:
        for i, (kp, title, evidence, (m, d), who) in enumerate(DEPARTMENT_ITEMS):
            lead, resp = _lead(posts.get(dept.pk, []), who, i)
            if lead is None:
                continue
            item = DutyItem(unit=dept, year=year, key_point=points[kp], title=title, lead_person=lead,
                            responsibility=resp, lead_unit=dept, due_date=date(year, m, d),
                            expected_evidence=evidence, status=S.ASSIGNED)
            dept_outcome.decide(item)
            top.append(item)
    top = DutyItem.objects.bulk_create(top, batch_size=500)

    # --- roll-down to the villages ------------------------------------------------------------------
    village_secretaries = {u: next((p.person for p in ps if p.post_type == P.VILLAGE_PARTY_SECRETARY), None)
                           for u, ps in posts.items()}
    by_township = {}
    for village in villages:
        by_township.setdefault(village.parent_id, []).append(village)
    children = []
    for index, village_title in rolls.items():
        parent = top[index]
        weak = townships.index(parent.unit) == WEAK_TOWNSHIP_INDEX
        outcome = _Outcome(rng, today, year, weak=weak)
        for village in by_township.get(parent.unit_id, []):
            secretary = village_secretaries.get(village.pk)
            if secretary is None:
                continue
            item = DutyItem(unit=village, year=year, key_point=parent.key_point, parent=parent, title=village_title,
                            lead_person=secretary, responsibility=R.SECOND, lead_unit=village,
                            due_date=parent.due_date, expected_evidence=parent.expected_evidence, status=S.ASSIGNED)
            outcome.decide(item)
            children.append(item)
    children = DutyItem.objects.bulk_create(children, batch_size=500)
    items = top + children

    # --- progress updates -------------------------------------------------------------------------
    progress = []
    for item in items:
        if item.status == S.ASSIGNED:
            continue
        end = item.completed_on or today
        n = 2 if item.completed_on and rng.random() < 0.5 else 1
        for k in range(n):
            day = max(date(year, 1, 15), end - timedelta(days=rng.randint(0, 40) if k == 0 else rng.randint(41, 90)))
            text = "已完成：" + item.expected_evidence + "已归档。" if item.completed_on and k == 0 else \
                "推进中：已制定方案，正在组织落实。"
            progress.append(DutyProgress(item=item, text=text, created_at=_aware(day, 9 + k)))
    progress = DutyProgress.objects.bulk_create(progress, batch_size=500)
    # A few evidence files (minutes as text) on the items of the demo logins and a sample of others.
    demo_people = {u.person_id for u in context.users.values() if u.person_id}
    with_files = [p for p in progress if p.item.lead_person_id in demo_people][:12] + progress[::97][:20]
    for p in with_files:
        body = f"{p.item.unit.name}\n{p.item.title}\n会议记录（演示）\n{p.created_at:%Y-%m-%d}\n".encode()
        digest = hashlib.sha256(body).hexdigest()
        evidence = DutyEvidenceFile(progress=p, original_name="会议记录.txt", content_type="text/plain",
                                    size=len(body), sha256=digest)
        evidence.file.save("evidence.txt", ContentFile(body), save=False)
        evidence.save()

    events = [PendingEvent("duties.item_created", item, None, snapshot(item, ITEM_FIELDS), item.unit,
                           [item.lead_person_id]) for item in items]
    events += [PendingEvent("duties.progress_added", p.item, None, {"progress": p.pk, "text": p.text},
                            p.item.unit, [p.item.lead_person_id]) for p in progress]
    record_events(acting_user=actor, events=events)

    # --- clocks of the open items; the tick marks the late ones overdue ---------------------------
    for item in items:
        if item.status in (S.ASSIGNED, S.IN_PROGRESS):
            create_deadline(item, DEADLINE_RULE, due_date=item.due_date, unit=item.unit, acting_user=actor,
                            title=item.title, link=f"/duties/items/{item.pk}/", subject_people=[item.lead_person_id],
                            assignee=getattr(item.lead_person, "user", None), responsible_post=lead_post(item, today),
                            rest_day_moves_on=True)
    run_tick(today=today, acting_user=actor)

    # --- letters of responsibility ----------------------------------------------------------------
    letters = []
    for unit in [county, *townships, *departments]:
        letters += do_generate_letters(unit, year, acting_user=actor)[0]
    accounts = _signer_accounts(letters, context)
    # Left unsigned: the letters of the demo's own logins (so a visitor can sign) and a few others.
    demo_login_people = {u.person_id for role, u in context.users.items()
                         if role in ("village_secretary", "township_leader")}
    signed = 0
    for letter in letters:
        if {letter.recipient_person_id} & demo_login_people:
            continue
        r = rng.random()
        if r < 0.06:
            continue  # neither side signed yet
        do_sign_letter(letter, acting_user=accounts[letter.issuer_person_id])
        if r < 0.12:
            continue  # the issuer signed, the recipient has not
        do_sign_letter(letter, acting_user=accounts[letter.recipient_person_id])
        signed += 1
    # One letter changed after signing: the issuer adds a term; both sign version 2.
    changed = next((x for x in letters if x.recipient_unit.level == L.VILLAGE
                    and x.recipient_person_id not in demo_login_people), None)
    if changed is not None:
        changed.refresh_from_db()
        versions = changed.versions.get(number=changed.current_version)
        if versions.signatures.count() < 2:
            for side_person in (changed.issuer_person_id, changed.recipient_person_id):
                if not versions.signatures.filter(person_id=side_person).exists():
                    do_sign_letter(changed, acting_user=accounts[side_person])
        do_revise_letter(changed, acting_user=actor, reason="增加村级换届纪律要求",
                         extra_terms="严守村级组织换届纪律，不得拉票贿选、干扰换届。")
        do_sign_letter(changed, acting_user=accounts[changed.issuer_person_id])
        do_sign_letter(changed, acting_user=accounts[changed.recipient_person_id])
    n_overdue = DutyItem.objects.filter(Q(status=S.ASSIGNED) | Q(status=S.IN_PROGRESS), year=year,
                                        due_date__lt=today).count()
    context.log(f"duties: {len(points)} key points, {len(items)} duty items ({len(children)} in villages), "
                f"{len(progress)} progress updates, {n_overdue} overdue, {len(letters)} letters "
                f"({signed} signed by both), one re-signed as version 2 "
                f"({ResponsibilityLetter.objects.filter(current_version__gt=1).count()})")
