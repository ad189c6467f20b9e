"""State changes of the assessment app. Views, CLI, tasks, demo and tests all call these."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cleangov.core.access import conflicted_person_ids
from cleangov.core.audit import PendingEvent, record_event, record_events
from cleangov.core.matters import MatterRef
from cleangov.core.scores import round_score
from cleangov.core.signals import problem_found
from cleangov.core.workflow import find_transition
from cleangov.deadlines.api import create_deadline
from cleangov.orgs.choices import PostTypeChoices as P
from cleangov.orgs.conflicts import check_conflict_of_interest
from cleangov.orgs.models import Person, Post, Unit

from .choices import UnitSelectionChoices
from .compute import compute_scores, final_score, period_for, select_units
from .frameworks import FrameworkSpec
from .models import AssessmentRun, Framework, FrameworkVersion, InspectionFinding, ScoreAdjustment, ScoreSnapshot
from .workflow import ADJUSTABLE_STATUSES, RUN_WORKFLOW

FINDING_DEADLINE_RULE = "assessment.finding_rectification"
MIN_REASON_LENGTH = 5

# Leading posts of a unit: holders (and their registered relatives) may not adjust its score. These
# are the team members who answer for the unit's clean-government work (中发〔2010〕19号 Art. 6: the
# first responsible person and the members with "one post, two responsibilities").
LEADING_POSTS = frozenset({
    P.COUNTY_PARTY_SECRETARY, P.COUNTY_HEAD, P.COMMISSION_SECRETARY, P.PARTY_SECRETARY, P.TOWNSHIP_HEAD, P.DEPUTY,
    P.DISCIPLINE_SECRETARY, P.DEPARTMENT_HEAD, P.VILLAGE_PARTY_SECRETARY, P.COMMITTEE_DIRECTOR,
})


# --- frameworks -----------------------------------------------------------------------------------
@dataclass
class FrameworkLoad:
    framework: Framework
    version: FrameworkVersion
    created: bool  # a new version was stored (False: the same content was already current)
    unknown_metrics: list[str] = field(default_factory=list)


@transaction.atomic
def do_load_framework(spec: FrameworkSpec, *, acting_user, source_file: str = "") -> FrameworkLoad:
    """Store ``spec`` as the framework's new current version, unless the current one has the same content."""
    from cleangov.core.metrics import registry

    unknown = [m for m in spec.metric_ids() if m not in registry()]
    framework = Framework.objects.select_for_update().filter(code=spec.code).first()
    if framework is None:
        framework = Framework.objects.create(code=spec.code, kind=spec.kind)
    elif framework.kind != spec.kind:
        raise ValidationError({"kind": _("The framework %(code)s is a %(kind)s; a new version cannot change its kind.")
                               % {"code": spec.code, "kind": framework.get_kind_display()}})
    current = framework.current_version
    if current is not None and current.content_hash == spec.content_hash:
        return FrameworkLoad(framework, current, False, unknown)
    number = (current.number + 1) if current else 1
    version = FrameworkVersion.objects.create(
        framework=framework, number=number, version_label=spec.version_label, name=spec.name, name_en=spec.name_en,
        spec=spec.to_json(), content_hash=spec.content_hash, source_file=source_file[:200],
        loaded_by=acting_user if getattr(acting_user, "pk", None) else None)
    framework.current_version = version
    framework.save(update_fields=["current_version", "updated_at"])
    record_event(acting_user=acting_user, event_code="assessment.framework_loaded", subject=version,
                 before={"version": current.number} if current else None,
                 after={"code": spec.code, "version": number, "label": spec.version_label,
                        "hash": spec.content_hash, "indicators": [i.id for i in spec.indicators],
                        "source_file": source_file})
    return FrameworkLoad(framework, version, True, unknown)


# --- runs -----------------------------------------------------------------------------------------
def do_compute_assessment(*, framework_version: FrameworkVersion, year: int, scope_unit: Unit, selection: str,
                          acting_user, progress=None, metrics=None, as_of: date | None = None) -> AssessmentRun:
    """Compute the framework for the period over the selected units of ``scope_unit``'s subtree and freeze
    the scores as snapshots of a new run (earlier runs are kept as they were).

    The metrics are read before the write transaction opens, so a long computation never holds the
    database's write lock; the run, its snapshots and their audit events are then written at once."""
    selection = UnitSelectionChoices(selection)
    spec = framework_version.parsed
    start, end = period_for(spec.kind, year)
    units = select_units(scope_unit, selection)
    if not units:
        raise ValidationError(_("There is no unit of the chosen kind under %(unit)s.") % {"unit": scope_unit.name})
    began = time.monotonic()
    as_of = min(end, as_of or timezone.localdate())
    if as_of < start:
        raise ValidationError(_("The period has not started yet."))
    scores = compute_scores(spec, units, start, as_of, progress=progress, metrics=metrics)
    now = timezone.now()
    with transaction.atomic():
        run = AssessmentRun.objects.create(
            framework_version=framework_version, year=year, period_start=start, period_end=end, as_of=as_of,
            scope_unit=scope_unit, selection=selection, unit_count=len(units),
            metrics_available=scores.metrics_available, metrics_missing=scores.metrics_missing,
            started_by=acting_user if getattr(acting_user, "pk", None) else None)
        snapshots = [ScoreSnapshot(
            run=run, unit=s.unit, unit_level=s.unit.level, computed_score=s.computed_score,
            available_weight=s.available_weight, total_weight=s.total_weight,
            final_score=final_score(s.computed_score, Decimal(0)), indicators=s.indicators, metrics=s.metrics,
            computed_at=now) for s in scores.scores]
        ScoreSnapshot.objects.bulk_create(snapshots, batch_size=200)
        ids = dict(ScoreSnapshot.objects.filter(run=run).values_list("unit_id", "pk"))
        events = [PendingEvent("assessment.run_computed", run, after={
            "framework": spec.code, "version": framework_version.number, "year": year,
            "period": [start, end], "as_of": as_of, "scope": scope_unit.code, "selection": selection,
            "units": len(units),
            "metrics_missing": scores.metrics_missing}, unit=scope_unit)]
        for snap in snapshots:
            snap.pk = ids[snap.unit_id]
            events.append(PendingEvent("assessment.score_computed", snap, unit=snap.unit, after={
                "run": run.pk, "computed_score": snap.computed_score, "available_weight": snap.available_weight,
                "total_weight": snap.total_weight,
                "indicators": {i["id"]: i["score"] for i in snap.indicators}}))
        record_events(acting_user=acting_user, events=events)
        run.seconds = round(time.monotonic() - began, 3)
        run.save(update_fields=["seconds"])
    return run


@transaction.atomic
def do_publish_run(run: AssessmentRun, *, acting_user) -> AssessmentRun:
    run = AssessmentRun.objects.select_for_update().get(pk=run.pk)
    step = find_transition(RUN_WORKFLOW, run.status, "publish")
    if step is None:
        raise ValidationError(_("This run is already published."))
    before = run.status
    run.status = step.target
    run.published_at = timezone.now()
    run.published_by = acting_user if getattr(acting_user, "pk", None) else None
    run.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    record_event(acting_user=acting_user, event_code="assessment.run_published", subject=run,
                 before={"status": before}, after={"status": run.status}, unit=run.scope_unit)
    return run


# --- adjustments ----------------------------------------------------------------------------------
def leading_post_holders(unit: Unit, start: date, end: date) -> set[int]:
    """People who held a leading post in the unit at any time in [start, end]."""
    overlapping = Q(start_date__lte=end) & (Q(end_date__isnull=True) | Q(end_date__gte=start))
    return set(Post.objects.filter(overlapping, unit=unit, post_type__in=LEADING_POSTS)
               .values_list("person_id", flat=True))


def adjustment_conflict(user, snapshot: ScoreSnapshot) -> bool:
    """True when the user, or a registered relative, holds (or held during the period, or holds today) a
    leading post in the assessed unit: they may not change its score (conflict of interest, docs/design.md §3)."""
    run = snapshot.run
    today = timezone.localdate()
    holders = leading_post_holders(snapshot.unit, min(run.period_start, today), max(run.period_end, today))
    return bool(conflicted_person_ids(user) & holders)


@transaction.atomic
def do_adjust_score(snapshot: ScoreSnapshot, *, points, reason: str, indicator_id: str = "",
                    acting_user) -> ScoreAdjustment:
    """Add a manual adjustment (positive or negative points) with a reason; the computed values stay."""
    snapshot = ScoreSnapshot.objects.select_for_update().select_related("run", "unit").get(pk=snapshot.pk)
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError({"reason": _("Give the reason for the adjustment (at least %(n)s characters).")
                               % {"n": MIN_REASON_LENGTH}})
    try:
        points = round_score(Decimal(str(points)))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"points": _("Enter a number of points.")}) from exc
    if points == 0 or abs(points) > 100:
        raise ValidationError({"points": _("An adjustment is between -100 and +100 points, and not zero.")})
    if snapshot.run.status not in ADJUSTABLE_STATUSES:
        raise ValidationError(_("Published results are final: recompute to correct them."))
    if snapshot.computed_score is None:
        raise ValidationError(_("This unit has no computed score to adjust."))
    if indicator_id and indicator_id not in {i["id"] for i in snapshot.indicators}:
        raise ValidationError({"indicator_id": _("This indicator does not apply to the unit.")})
    if adjustment_conflict(acting_user, snapshot):
        raise ValidationError(_("You or a relative hold a leading post in this unit: you may not adjust its score."))
    before = {"adjustment_total": snapshot.adjustment_total, "final_score": snapshot.final_score}
    adjustment = ScoreAdjustment.objects.create(snapshot=snapshot, indicator_id=indicator_id, points=points,
                                                reason=reason, adjusted_by=acting_user if acting_user else None)
    snapshot.adjustment_total += points
    snapshot.final_score = final_score(snapshot.computed_score, snapshot.adjustment_total)
    snapshot.save(update_fields=["adjustment_total", "final_score"])
    record_event(acting_user=acting_user, event_code="assessment.score_adjusted", subject=adjustment,
                 unit=snapshot.unit, before=before,
                 after={"snapshot": snapshot.pk, "points": points, "reason": reason, "indicator": indicator_id,
                        "adjustment_total": snapshot.adjustment_total, "final_score": snapshot.final_score})
    return adjustment


# --- inspection findings --------------------------------------------------------------------------
@transaction.atomic
def do_record_inspection_finding(*, unit: Unit, description: str, responsible_person: Person, deadline: date,
                                 indicator_id: str = "", run: AssessmentRun | None = None,
                                 acting_user) -> InspectionFinding:
    """Record a problem found in an inspection, with the person who must rectify it and a deadline clock."""
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Describe the problem found.")})
    if deadline <= timezone.localdate():
        raise ValidationError({"deadline": _("The rectification deadline must be in the future.")})
    if run is not None and indicator_id and indicator_id not in {i.id for i in run.framework_version.parsed.indicators}:
        raise ValidationError({"indicator_id": _("This indicator is not part of the inspection's framework.")})
    check_conflict_of_interest(acting_user, named_people=responsible_person)
    finding = InspectionFinding.objects.create(
        run=run, unit=unit, indicator_id=indicator_id, description=description,
        responsible_person=responsible_person, deadline=deadline,
        recorded_by=acting_user if getattr(acting_user, "pk", None) else None)
    record_event(acting_user=acting_user, event_code="assessment.finding_recorded", subject=finding, unit=unit,
                 after={"run": run.pk if run else None, "indicator": indicator_id, "description": description,
                        "responsible_person": responsible_person.pk, "deadline": deadline})
    # Rectification takes the problem over (core.signals.problem_found, inside this transaction);
    # without a receiver the finding keeps its own clock.
    responses = problem_found.send(
        sender=InspectionFinding, source=MatterRef.of(finding), source_code=f"indicator:{indicator_id}",
        unit_id=unit.pk, title=description[:300], detail=description, responsible_person_id=responsible_person.pk,
        deadline=deadline, amount=None, acting_user=acting_user)
    if any(response for _receiver, response in responses):
        return finding
    assignee = getattr(responsible_person, "user", None) if _has_user(responsible_person) else None
    create_deadline(finding, FINDING_DEADLINE_RULE, due_date=deadline, assignee=assignee, unit=unit,
                    acting_user=acting_user, title=_("Rectify: %(text)s") % {"text": description[:80]},
                    link=reverse("assessment:finding_list") + f"#finding-{finding.pk}")
    return finding


def _has_user(person: Person) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return person.user is not None
    except ObjectDoesNotExist:
        return False
