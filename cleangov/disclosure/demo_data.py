"""Demo data: every demo village's schedule since January 2025, mostly published on time, a few
villages late or silent, one correction with its differences, one exemption, a few per-event items,
and villagers' questions answered on time, late and not at all."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from datetime import time as dtime

from django.utils import timezone

from cleangov.deadlines.workdays import get_calendar
from cleangov.orgs.choices import UnitLevelChoices
from cleangov.orgs.models import Unit

from . import actions, financial
from .catalog import get_catalog
from .models import Disclosure

FORM_TEXT = {
    "decisions": "村民代表会议表决通过村道硬化方案，已完成招标。",
    "collective_assets": "集体鱼塘续租一年，租金按合同收取。",
    "relief": "发放临时救助3户。",
    "relief_amount": "6000.00",
    "branch_decisions": "支部委员会研究确定年度党员发展计划。",
    "member_development": "确定入党积极分子2名。",
    "dues_collected": "1860.00",
    "meetings": "召开支部党员大会1次、支委会3次，上党课1次。",
    "recipients": "村主任、村会计、妇女主任，每人每月800元。",
    "total": "28800.00",
}


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, dtime(hour, 0)))


def build(context) -> None:
    started = time.monotonic()
    today = context.today
    rng = context.rng
    catalog = get_catalog()
    villages = list(Unit.objects.filter(path__startswith=context.county.path, level=UnitLevelChoices.VILLAGE)
                    .order_by("path"))
    if not villages or Disclosure.objects.filter(unit__in=villages).exists():
        return
    window = today - timedelta(days=actions.CLOCK_LOOKBACK_DAYS)
    published = 0
    calendar = get_calendar()
    for i, unit in enumerate(villages):
        late_village = i % 6 == 2  # publishes some items weeks late
        silent_village = i % 11 == 5  # has stopped publishing
        # Villages that publish everything get clocks for what is still to come; the late and silent
        # ones also for the items of the last weeks they have not published (the tick escalates them).
        behind = late_village or silent_village
        actions.do_schedule_disclosures(unit, through=today, acting_user=None, calendar=calendar,
                                        clocks_from=window if behind else today)
        history = []
        old = list(Disclosure.objects.filter(unit=unit, due_date__lt=window if behind else today)
                   .order_by("due_date"))
        figures = financial.generate_months(unit.pk, [(d.period_start, d.period_end) for d in old
                                                      if d.catalog_code == "finance.monthly"])
        for d in old:
            if silent_village and d.due_date >= today - timedelta(days=150):
                continue  # the overdue wall
            if i == 1 and d.catalog_code == "party.quarterly" and d.period_start.month == 1 \
                    and d.period_start.year == 2025:
                continue  # the exemption below
            entry = catalog.get(d.catalog_code)
            if entry.kind == "financial":
                content, sources = figures[d.period_start]
                content = {**content, "sources": sources}
            else:
                content = {"kind": "form", "fields": {f.name: FORM_TEXT.get(f.name, "") for f in entry.fields}}
            delay = rng.randint(5, 25) if late_village and rng.random() < 0.4 else -rng.randint(0, 6)
            day = max(d.period_end + timedelta(days=1), d.due_date + timedelta(days=delay))
            history.append((d, content, "", _at(min(day, today))))
        published += actions.do_record_published_history(unit, history, acting_user=None)
    _scenarios(villages, today)
    context.log(f"disclosure: {Disclosure.objects.filter(unit__in=villages).count()} scheduled items, "
                f"{published} published ({time.monotonic() - started:.1f} s)")


def _scenarios(villages, today) -> None:
    first = villages[0]
    # One correction with a visible difference: a relief payment left out of the first posting.
    d = Disclosure.objects.get(unit=first, catalog_code="village.quarterly", period_start__year=2025,
                               period_start__month=4)
    values = dict(d.versions.get(number=1).content["fields"])
    values["relief"] = "发放临时救助4户（补列一户）。"
    values["relief_amount"] = "7500.00"
    actions.do_submit_disclosure(d, values=values, reason="第一版漏列一户临时救助，金额更正。", acting_user=None)
    actions.do_sign_disclosure(d, acting_user=None, at=_at(d.first_published_on + timedelta(days=9)))
    # One exemption, granted by the township with its reason, public.
    if len(villages) > 1:
        ex = Disclosure.objects.get(unit=villages[1], catalog_code="party.quarterly", period_start__year=2025,
                                    period_start__month=1)
        actions.do_request_exemption(ex, reason="村党支部一季度换届，党务事项并入第二季度公开。", acting_user=None)
        actions.do_decide_exemption(ex, grant=True, reason="同意：换届期间，第二季度一并公开。", acting_user=None)
    # Per-event items: a land compensation payment and a subsidy, published.
    for unit, code, title, days in ((first, "event.land_compensation", "县道拓宽征地补偿", 80),
                                    (villages[-1], "event.subsidy", "耕地地力保护补贴", 50)):
        ev = actions.do_record_event_disclosure(unit, catalog_code=code, event_date=today - timedelta(days=days),
                                                event_title=title, acting_user=None)
        entry = get_catalog().get(code)
        values = {f.name: {"text": title, "money": "152000.00", "int": "37"}[f.type] for f in entry.fields}
        actions.do_submit_disclosure(ev, values=values, acting_user=None)
        actions.do_sign_disclosure(ev, acting_user=None, at=_at(ev.period_start + timedelta(days=2)))
    # Villagers' questions on the first village's latest published monthly finances.
    fin = (Disclosure.objects.filter(unit=first, catalog_code="finance.monthly", latest_version__gt=0,
                                     first_published_on__lt=today - timedelta(days=45))
           .order_by("-period_start").first())
    asked = [
        (40, "这个月办公费为什么比上月多？", "", 3, "购置了村委会打印机一台，发票已附在凭证后。"),
        (35, "公务接待费接待的是哪个单位？", "李大伯", 16, "接待县农业农村局检查组，共4人，有公函。"),
        (20, "项目支出的承包方是怎么确定的？", "", None, None),
        (2, "下个月什么时候公布全年收支？", "", None, None),
    ]
    for days_ago, text, name, answer_after, answer in asked:
        at = _at(today - timedelta(days=days_ago), 9)
        q = actions.do_ask_question(fin, text=text, asker_name=name, acting_user=None, at=at)
        if answer_after is not None:
            actions.do_answer_question(q, answer=answer, acting_user=None, at=at + timedelta(days=answer_after))
    spam = actions.do_ask_question(fin, text="广告：低价出售……", acting_user=None, at=_at(today - timedelta(days=10)))
    actions.do_hide_question(spam, reason="广告，与公开事项无关。", acting_user=None)
