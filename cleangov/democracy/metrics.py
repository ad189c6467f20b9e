"""Metrics the democracy app publishes for the assessments (cleangov/data/assessment/year_end.yaml)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cleangov.core.metrics import MetricResult, MetricSpec
from cleangov.orgs.models import Unit

from .choices import AppraisalResultChoices, AppraisalStatusChoices
from .models import AppraisalCandidate, MonthlyReview


def appraisal_score(unit_ids: list[int], start: date, end: date) -> dict[int, MetricResult]:
    """0..100: the share of "satisfied" and "basically satisfied" ratings among the published results
    (cadres rated on at least five ballots) of the appraisals closed in the period, in the unit and
    below. A cadre rated not competent counts with their actual ratings; units without a closed
    appraisal have no value."""
    units = list(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "path"))
    rows = list(AppraisalCandidate.objects.filter(
        appraisal__status=AppraisalStatusChoices.CLOSED, appraisal__closed_on__gte=start,
        appraisal__closed_on__lte=end).exclude(result=AppraisalResultChoices.SUPPRESSED)
        .values_list("appraisal_id", "appraisal__title", "appraisal__unit__path", "satisfied", "basic",
                     "dissatisfied"))
    out = {}
    for unit_id, path in units:
        mine = [r for r in rows if r[2].startswith(path)]
        good = sum(r[3] + r[4] for r in mine)
        total = sum(r[3] + r[4] + r[5] for r in mine)
        if not total:
            continue
        evidence = sorted({(r[1], reverse("democracy:appraisal_detail", args=[r[0]])) for r in mine})
        out[unit_id] = MetricResult(value=(Decimal(100) * good / total).quantize(Decimal("0.1")),
                                    numerator=Decimal(good), denominator=Decimal(total), evidence=evidence[:200])
    return out


def financial_review_on_time(unit_ids: list[int], start: date, end: date) -> dict[int, MetricResult]:
    """0..1: monthly financial reviews due in the period that were completed by their due date (a month
    not reviewed, or reviewed late, counts against the village)."""
    units = list(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "path"))
    reviews = list(MonthlyReview.objects.filter(due_date__gte=start, due_date__lte=end).values_list(
        "unit__path", "due_date", "completed_on"))
    out = {}
    for unit_id, path in units:
        mine = [r for r in reviews if r[0].startswith(path)]
        if not mine:
            continue
        on_time = sum(1 for r in mine if r[2] is not None and r[2] <= r[1])
        out[unit_id] = MetricResult(value=Decimal(on_time) / len(mine), numerator=Decimal(on_time),
                                    denominator=Decimal(len(mine)))
    return out


METRICS = {
    "democracy.appraisal_score": MetricSpec(
        _("Democratic appraisal satisfaction"),
        _("Share of satisfied and basically satisfied ratings in the democratic appraisals closed in the period "
          "(cadres rated on at least five ballots)."), "score", appraisal_score),
    "democracy.financial_review_on_time": MetricSpec(
        _("Monthly financial reviews on time"),
        _("Months whose vouchers the financial management group reviewed by the due date, out of those due."),
        "ratio", financial_review_on_time),
}
