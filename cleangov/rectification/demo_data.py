"""Demo rectification: items in every state, through the real actions.

Finance's demo step confirmed a few voucher findings, which opened items (core.signals.problem_found).
This step works on the village of the demo village secretary's login (who submits their own items) and
opens a few by hand elsewhere: submitted, verified, closed on time, closed late, evidence rejected once
then accepted, money recovered in part, a recurrence that escalated, cancelled, overdue (found in the
past with a passed deadline: the deadline tick at the end of the demo marks it overdue and escalates it
one level up). The planted conflicts are exercised: items about a relative of the township discipline
secretary are out of that login's reach, and a handler's recusal is recorded.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from cleangov.deadlines.tick import run_tick
from cleangov.orgs.choices import PostTypeChoices
from cleangov.orgs.conflicts import ConflictOfInterest
from cleangov.orgs.models import Post, Unit

from .access import items_for
from .actions import do_decide_item, do_open_item, do_record_repayment, do_recuse_from_item, do_submit_item
from .choices import ItemStatusChoices as S
from .models import RectificationItem


def _pdf(name: str) -> SimpleUploadedFile:
    body = (f"%PDF-1.4\n% CleanGov demo evidence: {name}\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n"
            "%%EOF\n").encode()
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def _secretary(unit):
    post = (Post.objects.filter(unit=unit, post_type=PostTypeChoices.VILLAGE_PARTY_SECRETARY, end_date__isnull=True)
            .select_related("person").first())
    return post.person if post else None


def _handler(context, item, roles=("township_discipline", "township_secretary", "county_commission")):
    """The first demo login that may handle the item (in scope, not a subject or relative, not recused)."""
    for role in roles:
        user = context.users.get(role)
        if user is not None and items_for(user, action="handle").filter(pk=item.pk).exists():
            return user
    return None


def build(context) -> None:
    if RectificationItem.objects.filter(origin="manual").exists():
        return
    today = context.today
    secretary_user = context.users.get("village_secretary")
    person = getattr(secretary_user, "person", None)
    home = (Post.objects.filter(person=person, post_type=PostTypeChoices.VILLAGE_PARTY_SECRETARY,
                                end_date__isnull=True).select_related("unit").first() if person else None)
    if home is None:
        context.log("rectification: no demo village secretary login; no items")
        return
    village = home.unit
    opener = context.users.get("township_discipline") or context.users.get("county_commission")
    done = {}

    def open_item(unit, title, ptype, *, found_ago, due_in, amount=None, responsible=None, detail="", by=None):
        return do_open_item(unit=unit, title=title, problem_type=ptype, detail=detail,
                            responsible_person=responsible or _secretary(unit) or person,
                            found_on=today - dt.timedelta(days=found_ago),
                            deadline=today + dt.timedelta(days=due_in), amount=amount,
                            acting_user=by or opener)

    def submit(item, text, *files):
        return do_submit_item(item, acting_user=secretary_user, measures=text, files=[_pdf(f) for f in files])

    with transaction.atomic():
        # Items the confirmed findings opened in the secretary's village: one submitted, the others open.
        from_findings = list(RectificationItem.objects.filter(unit=village, status=S.OPEN,
                                                              responsible_person=person).order_by("pk"))
        if from_findings:
            submit(from_findings[0], "已将白条退回，补开正式发票并重新入账；财务人员已学习报销规定。", "补开发票.pdf")
            done["submitted"] = from_findings[0].pk

        # Closed on time, then the same problem again: a recurrence, escalated one level up.
        first = open_item(village, "村务接待在村级列支（第一次）", "official_reception", found_ago=200, due_in=-150,
                          detail="2025年3月村委会在饭店接待乡镇检查组，费用在村级列支。")
        submit(first, "费用已由个人退回，村委会作出不在村级列支接待费的决定。", "退款收据.pdf", "村委会决定.pdf")
        handler = _handler(context, first)
        do_decide_item(first, "verify", acting_user=handler)
        do_decide_item(first, "close", acting_user=handler)
        again = open_item(village, "村务接待在村级列支（再次发生）", "official_reception", found_ago=0, due_in=20)
        done["recurrence"] = again.pk

        # Evidence rejected once at verification, then accepted and closed late.
        late = open_item(village, "会议费超标准列支", "improper_benefits", found_ago=90, due_in=-30,
                         amount=Decimal("2400.00"))
        submit(late, "已说明情况。", "情况说明.pdf")
        handler = _handler(context, late)
        do_decide_item(late, "reject", acting_user=handler,
                       reason="只有情况说明，没有退款凭证：请提交超标准部分的退款收据。")
        submit(late, "超标准部分2400元已全额退回村集体账户，附退款收据。", "退款收据-2400.pdf")
        do_record_repayment(late, acting_user=handler, amount=Decimal("2400.00"), paid_on=today,
                            receipt="收据 No.0032187")
        do_decide_item(late, "verify", acting_user=handler)
        do_decide_item(late, "close", acting_user=handler)

        # Money recovered in part: verified, not closable until the rest is repaid.
        part = open_item(village, "公车私用产生的油费、过路费", "official_vehicles", found_ago=25, due_in=15,
                         amount=Decimal("3860.00"))
        submit(part, "已责令当事人退赔油费、过路费，已退回一部分。", "退款登记表.pdf")
        handler = _handler(context, part)
        do_record_repayment(part, acting_user=handler, amount=Decimal("1500.00"), paid_on=today,
                            receipt="收据 No.0032190")
        do_decide_item(part, "verify", acting_user=handler)

        # Overdue: found in the past, deadline passed, nothing submitted.
        overdue = open_item(village, "村务公开栏三个月未更新", "disclosure", found_ago=60, due_in=-10)
        done["overdue"] = overdue.pk

        # Cancelled: opened twice for the same problem by mistake.
        dup = open_item(village, "村务公开栏三个月未更新（重复录入）", "disclosure", found_ago=5, due_in=20)
        do_decide_item(dup, "cancel", acting_user=_handler(context, dup), reason="与另一事项重复录入。")

        # Elsewhere: items in other villages whose secretaries have no login stay open; one of them is
        # about a relative of the demo township discipline secretary (a planted conflict), so that
        # login does not reach it and the township secretary handles it instead.
        township = village.parent
        others = list(Unit.objects.filter(parent=township, level="village").exclude(pk=village.pk).order_by("path"))
        excluded = 0
        for k, other in enumerate(others[:3]):
            try:
                # opened by the county commission: the township discipline secretary may not name a relative
                item = open_item(other, "村级工程未经民主决策即开工", "village_decisions", found_ago=10 + k,
                                 due_in=25 + k, by=context.users.get("county_commission"))
            except ConflictOfInterest:
                continue
            discipline = context.users.get("township_discipline")
            if discipline is not None and not items_for(discipline).filter(pk=item.pk).exists():
                excluded += 1
        # A recusal: the township secretary withdraws from an item (their relative runs the contractor).
        recused = open_item(village, "村级工程款支付凭证不全", "voucher_irregularity", found_ago=3, due_in=30)
        township_secretary = context.users.get("township_secretary")
        if township_secretary is not None and items_for(township_secretary).filter(pk=recused.pk).exists():
            do_recuse_from_item(recused, acting_user=township_secretary,
                                reason="施工方负责人是本人亲属（未登记），申请回避。")
    # The deadline tick, as the worker runs it: the overdue item's clock is marked overdue and escalated.
    run_tick(today=today)
    total = RectificationItem.objects.count()
    context.log(f"rectification: {total} items; {excluded} out of the township discipline login's reach "
                f"(planted conflict)")
