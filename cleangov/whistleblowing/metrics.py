"""``whistleblowing.handled_on_time``: the share of reports whose clocks were all met on time.

A unit's value counts the reports about the unit and the units below it received in the period.
Fewer than five such reports give no value (small-cell suppression, see stats.py): a ratio over two
reports about one village tells who complained.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleangov.core.metrics import MetricResult, MetricSpec
from cleangov.core.scores import ratio
from cleangov.deadlines.choices import DeadlineStatusChoices as D
from cleangov.deadlines.models import Deadline
from cleangov.orgs.models import Unit

from .models import Report
from .stats import THRESHOLD
from .workflow import ACCEPT_RULE, ACK_RULE, RESULT_RULE


def handled_on_time(unit_ids: list[int], start: date, end: date) -> dict[int, MetricResult]:
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids).only("pk", "path")}
    if not units:
        return {}
    q = Q(pk__in=[])
    for u in units.values():
        q |= Q(subject_unit__path__startswith=u.path)
    reports = list(Report.objects.filter(q, received_on__gte=start, received_on__lte=end)
                   .values_list("pk", "subject_unit__path"))
    late = set()
    today = timezone.localdate()
    for subject_id, status, due, met_at in Deadline.objects.filter(
            subject_type="whistleblowing.report", subject_id__in=[str(pk) for pk, _p in reports],
            rule__in=(ACCEPT_RULE, ACK_RULE, RESULT_RULE)).values_list("subject_id", "status", "due_date", "met_at"):
        if status == D.OVERDUE or (status == D.OPEN and due < today) or (met_at and met_at.date() > due):
            late.add(int(subject_id))
    per_unit: dict[int, list[int]] = defaultdict(list)
    for pk, path in reports:
        for uid, u in units.items():
            if path.startswith(u.path):
                per_unit[uid].append(pk)
    out = {}
    for uid in units:
        pks = per_unit.get(uid, [])
        if len(pks) < THRESHOLD:
            out[uid] = MetricResult(None, note=str(_("Fewer than 5 reports: not shown, to protect reporters.")))
            continue
        on_time = sum(1 for pk in pks if pk not in late)
        out[uid] = MetricResult(ratio(on_time, len(pks)), Decimal(on_time), Decimal(len(pks)))
    return out


METRICS = {
    "whistleblowing.handled_on_time": MetricSpec(
        label=_("Reports handled on time"),
        description=_("Share of reports about the unit and the units below it, received in the period, whose "
                      "acceptance and real-name feedback clocks were all met on time (none when fewer than 5)."),
        unit="ratio",
        compute=handled_on_time,
    ),
}
