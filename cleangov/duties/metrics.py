"""Duty metrics for inspections and assessments (cleangov/core/metrics.py).

Each compute takes many units at once and makes a fixed number of queries. A unit's value covers
the items of the unit itself and of every unit below it (a township answers for its villages:
一级抓一级, 中发〔2010〕19号 Art. 5). Cancelled and draft items are not duties yet (or any more).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cleangov.core.metrics import MetricResult, MetricSpec
from cleangov.core.scores import ratio
from cleangov.deadlines.choices import DeadlineStatusChoices
from cleangov.deadlines.models import Deadline
from cleangov.orgs.models import Unit

from .choices import DutyItemStatusChoices as S
from .choices import LetterSideChoices
from .models import DutyItem, LetterSignature, LetterVersion, ResponsibilityLetter
from .workflow import COMPLETED_STATUSES

ACTIVE = (S.ASSIGNED, S.IN_PROGRESS, S.DONE, S.VERIFIED)
EVIDENCE_LIMIT = 200


def _ratio(num: int, den: int) -> Decimal | None:
    return ratio(num, den)


def _owners(unit_ids: list[int]):
    """(units by id, function mapping a unit path to the requested unit ids whose subtree holds it)."""
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids).only("pk", "path")}

    def owners(path: str) -> list[int]:
        return [uid for uid, u in units.items() if path.startswith(u.path)]

    return units, owners


def _subtree_filter(units) -> dict:
    from django.db.models import Q

    q = Q(pk__in=[])
    for u in units.values():
        q |= Q(unit__path__startswith=u.path)
    return q


def completion_on_time(unit_ids: list[int], start: date, end: date) -> dict[int, MetricResult]:
    """Items due in [start, end]: the share completed on or before their deadline."""
    units, owners = _owners(unit_ids)
    if not units:
        return {}
    rows = (DutyItem.objects.filter(_subtree_filter(units), due_date__gte=start, due_date__lte=end,
                                    status__in=ACTIVE)
            .values_list("pk", "title", "unit__path", "unit__name", "due_date", "completed_on", "status"))
    due = defaultdict(int)
    on_time = defaultdict(int)
    evidence = defaultdict(list)
    for pk, title, path, unit_name, due_date, completed_on, status in rows:
        ok = status in COMPLETED_STATUSES and completed_on is not None and completed_on <= due_date
        for uid in owners(path):
            due[uid] += 1
            on_time[uid] += int(ok)
            if len(evidence[uid]) < EVIDENCE_LIMIT:
                verdict = "✓" if ok else "✗"
                evidence[uid].append((f"{verdict} {unit_name} · {title} · {due_date}",
                                      reverse("duties:item_detail", args=[pk])))
    out = {}
    for uid in units:
        if not due[uid]:
            out[uid] = MetricResult(value=None, numerator=Decimal(0), denominator=Decimal(0),
                                    note=str(_("No duty item falls due in the period.")))
            continue
        out[uid] = MetricResult(value=_ratio(on_time[uid], due[uid]), numerator=Decimal(on_time[uid]),
                                denominator=Decimal(due[uid]), evidence=evidence[uid])
    return out


def overdue_count(unit_ids: list[int], start: date, end: date) -> dict[int, MetricResult]:
    """Items due in the period whose completion clock the deadline tick marked overdue (met late or
    still open); the deadline engine is the single source of "overdue"."""
    units, owners = _owners(unit_ids)
    if not units:
        return {}
    items = dict(DutyItem.objects.filter(_subtree_filter(units), due_date__gte=start, due_date__lte=end,
                                         status__in=ACTIVE).values_list("pk", "unit__path"))
    late = (Deadline.objects.filter(subject_type="duties.dutyitem", rule="duties.item_completion",
                                    overdue_at__isnull=False)
            .exclude(status=DeadlineStatusChoices.CANCELLED)
            .values_list("subject_id", "subject_repr").distinct())
    counts = defaultdict(int)
    evidence = defaultdict(list)
    seen = set()
    for subject_id, label in late:
        pk = int(subject_id)
        if pk not in items or pk in seen:
            continue
        seen.add(pk)
        for uid in owners(items[pk]):
            counts[uid] += 1
            if len(evidence[uid]) < EVIDENCE_LIMIT:
                evidence[uid].append((label, reverse("duties:item_detail", args=[pk])))
    return {uid: MetricResult(value=Decimal(counts[uid]), evidence=evidence[uid]) for uid in units}


def letters_signed(unit_ids: list[int], start: date, end: date) -> dict[int, MetricResult]:
    """Letters of the years in the period whose current version both sides signed, over all letters
    (by the recipient's unit)."""
    units, owners = _owners(unit_ids)
    if not units:
        return {}
    from django.db.models import Q

    q = Q(pk__in=[])
    for u in units.values():
        q |= Q(recipient_unit__path__startswith=u.path)
    letters = list(ResponsibilityLetter.objects.filter(q, year__gte=start.year, year__lte=end.year)
                   .values_list("pk", "current_version", "recipient_unit__path", "recipient_person__name"))
    # Each letter's current version, then the signed sides of those versions: two queries in all.
    version_of_letter = {}
    for vid, letter_id, number, vhash in LetterVersion.objects.filter(
            letter_id__in=[r[0] for r in letters]).values_list("pk", "letter_id", "number", "content_hash"):
        version_of_letter[(letter_id, number)] = (vid, vhash)
    wanted = {version_of_letter[(pk, cv)][0]: pk for pk, cv, _p, _n in letters if (pk, cv) in version_of_letter}
    hashes = {vid: h for (_l, _n), (vid, h) in version_of_letter.items()}
    sides = defaultdict(set)
    for vid, side, signed_hash in LetterSignature.objects.filter(version_id__in=list(wanted)).values_list(
            "version_id", "side", "content_hash"):
        if signed_hash == hashes[vid]:
            sides[wanted[vid]].add(side)
    total = defaultdict(int)
    signed = defaultdict(int)
    evidence = defaultdict(list)
    both = {LetterSideChoices.ISSUER, LetterSideChoices.RECIPIENT}
    for pk, _cv, path, name in letters:
        ok = sides[pk] >= both
        for uid in owners(path):
            total[uid] += 1
            signed[uid] += int(ok)
            if len(evidence[uid]) < EVIDENCE_LIMIT:
                evidence[uid].append((f"{'✓' if ok else '✗'} {name}", reverse("duties:letter_detail", args=[pk])))
    out = {}
    for uid in units:
        if not total[uid]:
            out[uid] = MetricResult(value=None, numerator=Decimal(0), denominator=Decimal(0),
                                    note=str(_("No letter of responsibility for the period.")))
        else:
            out[uid] = MetricResult(value=_ratio(signed[uid], total[uid]), numerator=Decimal(signed[uid]),
                                    denominator=Decimal(total[uid]), evidence=evidence[uid])
    return out


METRICS: dict[str, MetricSpec] = {
    "duties.completion_on_time": MetricSpec(
        label=_("Duties completed on time"),
        description=_("Share of the duty items falling due in the period (the unit and the units below it) that "
                      "were reported done on or before their deadline."),
        unit="ratio", compute=completion_on_time),
    "duties.overdue_count": MetricSpec(
        label=_("Overdue duties"),
        description=_("Number of duty items due in the period whose completion deadline went overdue."),
        unit="count", compute=overdue_count),
    "duties.letters_signed": MetricSpec(
        label=_("Letters of responsibility signed"),
        description=_("Share of the letters of responsibility of the period's years whose current version both "
                      "sides have signed (by the recipient's unit and the units above it)."),
        unit="ratio", compute=letters_signed),
}
