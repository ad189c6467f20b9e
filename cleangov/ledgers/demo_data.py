"""Demo record books: this year's books of every unit of the demo county (≥ 100,000 entries at the
normal size), with realistic gaps (each unit has its own diligence), some late entries, and ONE
township whose books were filled in within a few days shortly before the year-end inspection (a
burst). Checkpoints are signed for every ended month.

Fast: entries are planned in Python and written by ``do_bulk_record_ledger_entries`` (bulk_create,
hashes computed in Python, one audit event per unit). docs/ledgers.md gives the measured time.
"""

from __future__ import annotations

import time as time_module
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from cleangov.deadlines.workdays import get_calendar
from cleangov.orgs.models import Post, Unit

from .actions import do_create_ledger_checkpoints
from .bulk import PlannedEntry, do_bulk_record_ledger_entries
from .kinds import PERIODS_PER_YEAR, due_date, period_bounds
from .models import LedgerKind
from .setup_data import load_catalog

BURST_TOWNSHIP_INDEX = 2  # the third township (QH-T03) fills in its books before the inspection
ABSENCE_REASONS = ["因病请假", "外出公干", "参加县里培训", "驻村工作", "家中有事请假"]
TOPICS = ["学习传达上级党风廉政建设会议精神", "研究部署本季度党风廉政建设工作", "通报典型案例、开展警示教育",
          "讨论村级集体经济项目", "研究落实中央八项规定精神", "部署巡察整改工作", "研究村务公开和财务公开事项",
          "学习《中国共产党纪律处分条例》", "讨论一事一议筹资筹劳方案", "研究人居环境整治工作"]
PLACES = ["县城", "镇政府", "市区", "邻镇", "县医院", "农业园区"]


def _daily_rate(kind_code: str, level: str) -> float:
    """Expected entries per day of the event-driven kinds, by unit level."""
    rates = {
        ("cadre_duty", "village"): 1.6,  # a day shift every day and a night shift on most nights
        ("vehicle_dispatch", "township"): 3.2,
        ("vehicle_dispatch", "department"): 1.6,
        ("people_mediation", "village"): 0.03,
        ("democratic_decision", "village"): 0.025,
        ("democratic_hearing", "village"): 0.008,
        ("wedding_funeral_report", "village"): 0.012,
        ("wedding_funeral_report", "township"): 0.02,
        ("wedding_funeral_report", "department"): 0.02,
        ("study_trip_approval", "township"): 0.01,
        ("study_trip_approval", "department"): 0.01,
        ("study_trip_approval", "village"): 0.004,
        ("reminder_talk", "township"): 0.02,
        ("reminder_talk", "department"): 0.01,
        ("admonishment_talk", "township"): 0.004,
    }
    return rates.get((kind_code, level), 0.0)


class _Planner:
    def __init__(self, context, kinds, people, calendar):
        self.rng = context.rng
        self.today = context.today
        self.now = timezone.now()
        self.year = context.today.year
        self.kinds = kinds
        self.people = people
        self.calendar = calendar
        self.due_cache: dict = {}

    def moment(self, day: date, *, hour_from=8, hour_to=18) -> datetime:
        minute = self.rng.randint(hour_from * 60, hour_to * 60 - 1)
        return timezone.make_aware(datetime.combine(day, time(minute // 60, minute % 60, self.rng.randint(0, 59))))

    def entered(self, spec, event: date, diligence: float) -> datetime:
        """When a cadre of this diligence records an event: mostly within the limit, sometimes late."""
        key = (spec.timeliness, event)
        if key not in self.due_cache:
            self.due_cache[key] = due_date(spec.timeliness, event, self.calendar)
        due = self.due_cache[key]
        if spec.timeliness.before_event:
            if self.rng.random() < 0.05 + (1 - diligence) * 0.2:
                return self.moment(event + timedelta(days=self.rng.randint(0, 3)))
            return self.moment(due - timedelta(days=self.rng.randint(0, 6)))
        if self.rng.random() < 0.04 + (1 - diligence) * 0.18:
            return self.moment(due + timedelta(days=self.rng.randint(1, 12)))
        span = max((due - event).days, 0)
        return self.moment(event + timedelta(days=self.rng.randint(0, span)))

    def values(self, spec, unit_people, event: date) -> dict:
        out = {}
        for f in spec.fields:
            if f.type == "person":
                if unit_people:
                    out[f.name] = self.rng.choice(unit_people)
                elif f.required:
                    return None
            elif f.type == "people":
                out[f.name] = sorted(set(self.rng.sample(unit_people, min(len(unit_people), 2))))
            elif f.type == "integer":
                out[f.name] = self.rng.randint(1, 30 if f.name != "present_count" else 300)
            elif f.type == "decimal":
                out[f.name] = f"{self.rng.randint(1, 40) * 50}.00" if f.name != "hours" else "2.00"
            elif f.type == "choice":
                out[f.name] = self.rng.choice(f.choices)[0]
            elif f.type == "boolean":
                out[f.name] = True
            elif f.type == "date":
                out[f.name] = (event + timedelta(days=180)).isoformat()
            elif f.name in ("topic", "decisions", "items", "matter", "cases", "summary", "results"):
                out[f.name] = self.rng.choice(TOPICS)
            elif f.name in ("destination", "venue", "place"):
                out[f.name] = self.rng.choice(PLACES)
            elif f.name == "plate":
                out[f.name] = f"冀F·{self.rng.randint(10000, 99999)}"
            elif f.type == "text":
                out[f.name] = f"{f.label}（{event:%m}月）"
            else:
                out[f.name] = f"{f.label}：{self.rng.choice(TOPICS)}。"
        return out

    def minutes(self, unit_people):
        attendees, absentees = [], []
        for pid in unit_people:
            if self.rng.random() < 0.1:
                absentees.append({"person": pid, "reason": self.rng.choice(ABSENCE_REASONS)})
            else:
                attendees.append(pid)
        return attendees, absentees

    def plan_unit(self, unit: Unit, diligence: float, burst_window: tuple[datetime, datetime] | None):
        out = []
        unit_people = self.people.get(unit.pk, [])
        start, end = date(self.year, 1, 1), self.today - timedelta(days=1)
        for kind in self.kinds:
            spec = kind.current_version.parsed
            if unit.level not in spec.unit_levels:
                continue
            events: list[date] = []
            if spec.frequency.period == "event":
                rate = _daily_rate(kind.code, unit.level) * (0.6 + 0.4 * diligence)
                day = start
                while day <= end:
                    whole, frac = int(rate), rate - int(rate)
                    events.extend([day] * (whole + (1 if self.rng.random() < frac else 0)))
                    day += timedelta(days=1)
            else:
                skip_kind = self.rng.random() < (1 - diligence) * 0.25  # some books simply are not kept
                per = PERIODS_PER_YEAR[spec.frequency.period]
                for index in range(per):
                    p_start, p_end = period_bounds(spec.frequency.period, self.year, index)
                    if p_start > end:
                        break
                    for _ in range(spec.frequency.min):
                        if skip_kind or self.rng.random() > 0.55 + 0.45 * diligence:
                            continue
                        span = (min(p_end, end) - p_start).days
                        events.append(p_start + timedelta(days=self.rng.randint(0, max(span, 0))))
            for event in events:
                entered = self.entered(spec, event, diligence)
                periodic = spec.frequency.period != "event"
                if burst_window and periodic and event < burst_window[0].date() - timedelta(days=45) \
                        and self.rng.random() < 0.75:
                    # Backfilled just before the inspection: recorded in the burst window.
                    lo, hi = burst_window
                    entered = lo + (hi - lo) * self.rng.random()
                if entered >= self.now:
                    continue  # not recorded yet
                values = self.values(spec, unit_people, event)
                if values is None:
                    continue
                attendees, absentees = self.minutes(unit_people) if spec.minutes else ([], [])
                title = f"{event.month}月{event.day}日{spec.name}"
                out.append(PlannedEntry(unit=unit, kind=kind, event_date=event, entered_at=entered, title=title[:200],
                                        values=values, attendees=attendees, absentees=absentees))
        return out


def build(context) -> None:
    started = time_module.monotonic()
    load_catalog()
    kinds = list(LedgerKind.objects.filter(active=True, current_version__isnull=False)
                 .select_related("current_version").order_by("sort_order"))
    units = list(Unit.objects.filter(path__startswith=context.county.path).exclude(level="group").order_by("path"))
    people: dict[int, list[int]] = defaultdict(list)
    today = context.today
    for unit_id, person_id in (Post.objects.filter(unit__in=units).filter(Post.held_on(today))
                               .values_list("unit_id", "person_id").distinct()):
        people[unit_id].append(person_id)
    for ids in people.values():
        ids.sort()
    planner = _Planner(context, kinds, people, get_calendar())
    townships = [u for u in units if u.level == "township"]
    burst_township = townships[min(BURST_TOWNSHIP_INDEX, len(townships) - 1)] if townships else None
    # The burst: two days, ending ten days ago (the year-end inspection was announced; the books
    # were "completed" in a hurry).
    burst_end = timezone.make_aware(datetime.combine(today - timedelta(days=10), time(18)))
    burst_window = (burst_end - timedelta(days=2), burst_end)
    planned = []
    for unit in units:
        diligence = planner.rng.uniform(0.55, 1.0)
        in_burst = burst_township is not None and unit.path.startswith(burst_township.path)
        if in_burst:
            diligence = min(diligence, 0.7)
        planned.extend(planner.plan_unit(unit, diligence, burst_window if in_burst else None))
    planned_at = time_module.monotonic()
    counts = do_bulk_record_ledger_entries(planned, acting_user=context.system_user, calendar=planner.calendar)
    written_at = time_module.monotonic()
    checkpoints = do_create_ledger_checkpoints(acting_user=context.system_user, today=today)
    context.log(f"ledgers: planned in {planned_at - started:.1f} s, written in {written_at - planned_at:.1f} s, "
                f"checkpoints in {time_module.monotonic() - written_at:.1f} s")
    context.log(f"ledgers: {counts['entries']} entries in {counts['units']} units' books, "
                f"{checkpoints.created} signed monthly checkpoints; burst planted in "
                f"{burst_township.code if burst_township else '-'}")
