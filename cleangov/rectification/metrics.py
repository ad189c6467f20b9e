"""Rectification metrics for inspections and assessments (cleangov/core/metrics.py).

A unit's value covers its own items and those of every unit below it (a township answers for its
villages: 一级抓一级, 中发〔2010〕19号 第五条). Cancelled items do not count. Fixed number of queries
for any number of units.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleangov.core.metrics import MetricResult, MetricSpec
from cleangov.core.scores import ratio
from cleangov.orgs.models import Unit

from .choices import ItemStatusChoices as S
from .models import RectificationItem, Repayment

EVIDENCE_LIMIT = 200


def _owners(unit_ids):
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids).only("pk", "path")}

    def owners(path: str) -> list[int]:
        return [uid for uid, u in units.items() if path.startswith(u.path)]

    q = Q(pk__in=[])
    for u in units.values():
        q |= Q(unit__path__startswith=u.path)
    return units, owners, q


def _items(q, **filters):
    return (RectificationItem.objects.filter(q, **filters).exclude(status=S.CANCELLED)
            .values_list("pk", "title", "unit__path", "unit__name", "deadline", "status", "submitted_at",
                         "recurrence_of_id", "amount_to_recover"))


def rectified_on_time(unit_ids: list[int], start: date, end: date) -> dict[int, MetricResult]:
    """Items whose deadline falls in [start, end] and has passed (or that are closed): the share closed
    whose accepted rectification was submitted on or before the deadline. An open item still within its
    deadline is not counted yet. A unit with no item due in the period has nothing it failed
    to rectify: its value is 1 (100 %), and the note says so."""
    units, owners, q = _owners(unit_ids)
    if not units:
        return {}
    today = timezone.localdate()
    due, ok, evidence = defaultdict(int), defaultdict(int), defaultdict(list)
    for pk, title, path, unit_name, deadline, status, submitted_at, _r, _a in _items(
            q, deadline__gte=start, deadline__lte=end):
        if status != S.CLOSED and deadline >= today:
            continue  # still within its deadline: it can yet be rectified on time
        on_time = status == S.CLOSED and submitted_at is not None and timezone.localdate(submitted_at) <= deadline
        for uid in owners(path):
            due[uid] += 1
            ok[uid] += int(on_time)
            if len(evidence[uid]) < EVIDENCE_LIMIT:
                evidence[uid].append((f"{'✓' if on_time else '✗'} {unit_name} · {title} · {deadline}",
                                      reverse("rectification:item_detail", args=[pk])))
    out = {}
    for uid in units:
        if not due[uid]:
            out[uid] = MetricResult(value=Decimal(1), numerator=Decimal(0), denominator=Decimal(0),
                                    note=str(_("No rectification item fell due in the period: nothing was left "
                                               "unrectified, counted as 100%.")))
        else:
            out[uid] = MetricResult(value=ratio(ok[uid], due[uid]), numerator=Decimal(ok[uid]),
                                    denominator=Decimal(due[uid]), evidence=evidence[uid])
    return out


def recurrence_count(unit_ids: list[int], start: date, end: date) -> dict[int, MetricResult]:
    """Items found in the period that repeat a problem the unit had closed within the window."""
    units, owners, q = _owners(unit_ids)
    if not units:
        return {}
    counts, evidence = defaultdict(int), defaultdict(list)
    for pk, title, path, unit_name, *_rest in _items(q, found_on__gte=start, found_on__lte=end,
                                                     recurrence_of__isnull=False):
        for uid in owners(path):
            counts[uid] += 1
            if len(evidence[uid]) < EVIDENCE_LIMIT:
                evidence[uid].append((f"{unit_name} · {title}", reverse("rectification:item_detail", args=[pk])))
    return {uid: MetricResult(value=Decimal(counts[uid]), numerator=Decimal(counts[uid]), evidence=evidence[uid])
            for uid in units}


def recovery_rate(unit_ids: list[int], start: date, end: date) -> dict[int, MetricResult]:
    """Of the money to recover on items found in the period, the share recovered; no value for a unit
    with nothing to recover."""
    units, owners, q = _owners(unit_ids)
    if not units:
        return {}
    rows = list(_items(q, found_on__gte=start, found_on__lte=end, amount_to_recover__gt=0))
    paid = dict(Repayment.objects.filter(item_id__in=[r[0] for r in rows]).values("item_id")
                .annotate(s=Sum("amount")).values_list("item_id", "s"))
    owed, got, evidence = defaultdict(Decimal), defaultdict(Decimal), defaultdict(list)
    for pk, title, path, unit_name, *_rest, amount in rows:
        for uid in owners(path):
            owed[uid] += amount
            got[uid] += paid.get(pk) or 0
            if len(evidence[uid]) < EVIDENCE_LIMIT:
                evidence[uid].append((f"{unit_name} · {title} · {paid.get(pk) or 0}/{amount}",
                                      reverse("rectification:item_detail", args=[pk])))
    out = {}
    for uid in units:
        if not owed[uid]:
            out[uid] = MetricResult(value=None, numerator=Decimal(0), denominator=Decimal(0),
                                    note=str(_("No money to recover in the period.")))
        else:
            out[uid] = MetricResult(value=(got[uid] / owed[uid]).quantize(Decimal("0.0001")), numerator=got[uid],
                                    denominator=owed[uid], evidence=evidence[uid])
    return out


def overdue_count(unit_ids: list[int], start: date, end: date) -> dict[int, MetricResult]:
    """Items due in the period still waiting for the unit's measures after their deadline."""
    units, owners, q = _owners(unit_ids)
    if not units:
        return {}
    today = timezone.localdate()
    counts, evidence = defaultdict(int), defaultdict(list)
    for pk, title, path, unit_name, deadline, *_rest in _items(q, deadline__gte=start, deadline__lte=end,
                                                               deadline__lt=today, status=S.OPEN):
        for uid in owners(path):
            counts[uid] += 1
            if len(evidence[uid]) < EVIDENCE_LIMIT:
                evidence[uid].append((f"{unit_name} · {title} · {deadline}",
                                      reverse("rectification:item_detail", args=[pk])))
    return {uid: MetricResult(value=Decimal(counts[uid]), numerator=Decimal(counts[uid]), evidence=evidence[uid])
            for uid in units}


METRICS: dict[str, MetricSpec] = {
    "rectification.rectified_on_time": MetricSpec(
        label=_("Findings rectified on time"),
        description=_("Share of the rectification items falling due in the period (the unit and the units below "
                      "it) whose deadline has passed, or that are closed, that were closed after a rectification "
                      "submitted on or before the deadline. A unit with no such item gets 100%: it had nothing it "
                      "failed to rectify."),
        unit="ratio", compute=rectified_on_time),
    "rectification.recurrence_count": MetricSpec(
        label=_("Recurring problems"),
        description=_("Rectification items found in the period that repeat a problem of the same type the unit "
                      "had closed within the recurrence window (12 months unless configured)."),
        unit="count", compute=recurrence_count),
    "rectification.recovery_rate": MetricSpec(
        label=_("Money recovered"),
        description=_("Of the money to recover on the items found in the period, the share repaid with a "
                      "voucher or receipt."),
        unit="ratio", compute=recovery_rate),
    "rectification.overdue_count": MetricSpec(
        label=_("Overdue rectifications"),
        description=_("Rectification items due in the period still waiting for the unit's measures after "
                      "their deadline."),
        unit="count", compute=overdue_count),
}
