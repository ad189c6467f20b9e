"""Demo assessments: the mid-year inspection (published, with problems found) and the year-end assessment
(computed, two manual adjustments with reasons, not yet published) of the whole demo county.

Runs after the duties and ledgers demo data (contributors run in INSTALLED_APPS order and assessment
comes after them), so the snapshots hold real duty and record-book metrics. The finance app comes
AFTER assessment, so its metrics (if it publishes any) are not in these snapshots: recompute with
``cleangov assess --framework year_end --period YEAR`` to include them (docs/assessment.md).
"""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError

from cleangov.orgs.models import Post

from .actions import do_adjust_score, do_compute_assessment, do_publish_run, do_record_inspection_finding
from .choices import UnitSelectionChoices
from .models import Framework
from .setup_data import default_files, load_framework_file

FINDINGS = [
    ("MY-LEDGER-01", "三会一课台账缺失：上半年支委会记录不全，部分月份未召开或未记录。"),
    ("MY-LEDGER-02", "多条台账为事后补记，录入时间明显晚于会议日期。"),
    ("MY-DUTY-01", "责任清单中两项工作逾期未完成，未见佐证材料。"),
    ("MY-LEDGER-03", "检查通知下发后集中补记台账，存在突击补台账问题。"),
]


def build(context) -> None:
    log = getattr(context, "log", print)
    for path in default_files():
        load_framework_file(path)
    versions = {f.code: f.current_version for f in Framework.objects.select_related("current_version")}
    year = context.today.year
    county = context.county
    commission = context.users.get("county_commission")
    leader = context.users.get("county_leader") or commission

    started = time.monotonic()
    midyear = do_compute_assessment(framework_version=versions["midyear"], year=year, scope_unit=county,
                                    selection=UnitSelectionChoices.ALL, acting_user=commission, as_of=context.today)
    log(f"assessment: mid-year inspection, {midyear.unit_count} units in {time.monotonic() - started:.1f} s")
    _findings(context, midyear, commission)
    do_publish_run(midyear, acting_user=leader)

    started = time.monotonic()
    year_end = do_compute_assessment(framework_version=versions["year_end"], year=year, scope_unit=county,
                                     selection=UnitSelectionChoices.ALL, acting_user=commission, as_of=context.today)
    log(f"assessment: year-end assessment, {year_end.unit_count} units in {time.monotonic() - started:.1f} s")
    _adjustments(year_end, commission)


def _findings(context, run, actor) -> None:
    """Problems found at the mid-year inspection in the lowest-scoring villages, for their party secretaries."""
    villages = list(run.snapshots.filter(unit_level="village", computed_score__isnull=False)
                    .select_related("unit").order_by("computed_score", "unit__path")[:len(FINDINGS)])
    secretaries = dict(Post.objects.filter(Post.held_on(context.today), unit__in=[s.unit for s in villages],
                                           post_type="village_party_secretary").values_list("unit_id", "person"))
    from cleangov.orgs.models import Person

    people = Person.objects.in_bulk(list(secretaries.values()))
    for (indicator, text), snap in zip(FINDINGS, villages, strict=False):
        person_id = secretaries.get(snap.unit_id)
        if person_id is None:
            continue
        do_record_inspection_finding(unit=snap.unit, run=run, indicator_id=indicator, description=text,
                                     responsible_person=people[person_id],
                                     deadline=context.today + timedelta(days=30), acting_user=actor)


def _adjustments(run, actor) -> None:
    snaps = list(run.snapshots.filter(computed_score__isnull=False).select_related("run", "unit")
                 .order_by("unit__path"))
    plans = [
        ("township", snaps, Decimal("2"), "", "承办全县警示教育现场会，经县纪委常委会研究加2分。"),
        ("village", list(reversed(snaps)), Decimal("-3"), "YE-LEDGER-01",
         "抽查发现村务监督委员会会议记录代签，经核实扣3分。"),
    ]
    for level, candidates, points, indicator, reason in plans:
        for snap in (s for s in candidates if s.unit_level == level):
            try:
                do_adjust_score(snap, points=points, indicator_id=indicator, reason=reason, acting_user=actor)
            except ValidationError:  # the demo actor is conflicted for this unit: take the next one
                continue
            break
