"""Access gates of the assessment app.

| noun              | roles          | reach                                                                    |
| ----------------- | -------------- | ------------------------------------------------------------------------ |
| score snapshot    | OVERSEER_ROLES | units strictly below the assignment unit, any time; the assignment unit  |
|                   |                | itself only once the run is published                                    |
|                   | UNIT_ROLES     | the assignment unit and its subtree, once the run is published           |
| run (ranking)     | as snapshots   | a run is visible when one of its snapshots is; the page lists only those |
| start a run       | START_ROLES    | scope unit inside the assignment                                         |
| publish a run     | workflow table | scope unit inside the assignment                                         |
| adjust a score    | ADJUST_ROLES   | units strictly below the assignment unit, never where the user or a      |
|                   |                | relative holds a leading post (actions.adjustment_conflict)              |
| inspection finding| VIEW_ROLES     | unit in scope (the assessed unit must see what it has to rectify), and   |
|                   |                | the responsible person; recording: ADJUST_ROLES, units strictly below    |
| frameworks        | FRAMEWORK_VIEW | read by everyone who reads results; loading: FRAMEWORK_ADMIN_ROLES       |

Why: the party committee organises the 检查考核 and the discipline commission coordinates it
(中发〔2010〕19号 Art. 4); county bodies see every unit, a township's secretary and discipline
secretary see their villages (the township inspects them, 一级抓一级). An assessed unit sees its own
results only when they are published, so nobody argues with a draft; nobody assesses themselves.
Missing and forbidden give the same 404.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from cleangov.accounts.choices import RoleChoices as R
from cleangov.core.access import assignments_with, get_or_404, scope_q
from cleangov.core.workflow import available_transitions
from cleangov.orgs.models import Unit

from .choices import AssessmentRunStatusChoices
from .models import AssessmentRun, InspectionFinding, ScoreSnapshot
from .workflow import RUN_WORKFLOW

OVERSEER_ROLES = frozenset({R.COUNTY_COMMISSION, R.COUNTY_LEADER, R.AUDITOR, R.TOWNSHIP_SECRETARY,
                            R.TOWNSHIP_DISCIPLINE})
UNIT_ROLES = frozenset({R.TOWNSHIP_LEADER, R.DEPARTMENT_HEAD, R.DEPARTMENT_STAFF, R.VILLAGE_SECRETARY,
                        R.COMMITTEE_DIRECTOR, R.LIAISON_CADRE, R.SUPERVISION_MEMBER})
VIEW_ROLES = OVERSEER_ROLES | UNIT_ROLES
START_ROLES = frozenset({R.COUNTY_COMMISSION, R.TOWNSHIP_DISCIPLINE})
ADJUST_ROLES = frozenset({R.COUNTY_COMMISSION, R.TOWNSHIP_DISCIPLINE})
PUBLISH_ROLES = RUN_WORKFLOW.roles("publish")
FRAMEWORK_ADMIN_ROLES = frozenset({R.COUNTY_COMMISSION, R.SYSADMIN})
FRAMEWORK_VIEW_ROLES = VIEW_ROLES | FRAMEWORK_ADMIN_ROLES
PUBLISHED = AssessmentRunStatusChoices.PUBLISHED


def snapshot_q(user, *, prefix: str = "") -> Q:
    """Snapshots the user may read (``prefix`` for a lookup from another model, e.g. "snapshot__")."""
    q = Q(pk__in=[])
    unit_path, unit_id, status = f"{prefix}unit__path", f"{prefix}unit_id", f"{prefix}run__status"
    for a in assignments_with(user, VIEW_ROLES):
        own = Q(**{unit_id: a.unit_id})
        below = (Q(**{f"{unit_path}__startswith": a.unit.path}) & ~own) if a.include_subtree else Q(pk__in=[])
        if a.role in OVERSEER_ROLES:
            q |= below | (own & Q(**{status: PUBLISHED}))
        else:
            q |= (below | own) & Q(**{status: PUBLISHED})
    return q


def visible_snapshots(user) -> QuerySet[ScoreSnapshot]:
    return ScoreSnapshot.objects.filter(snapshot_q(user))


def visible_runs(user) -> QuerySet[AssessmentRun]:
    inner = ScoreSnapshot.objects.filter(snapshot_q(user), run=OuterRef("pk"))
    return AssessmentRun.objects.filter(Exists(inner))


def _below_q(user, roles, *, path_field: str, id_field: str) -> Q:
    q = Q(pk__in=[])
    for a in assignments_with(user, roles):
        if a.include_subtree:
            q |= Q(**{f"{path_field}__startswith": a.unit.path}) & ~Q(**{id_field: a.unit_id})
    return q


def access_run_by_id(user, run_id, *, action: str = "view") -> AssessmentRun:
    qs = visible_runs(user).select_related("framework_version", "scope_unit")
    if action == "publish":
        qs = qs.filter(scope_q(user, roles=PUBLISH_ROLES, path_field="scope_unit__path"))
    elif action != "view":
        raise Http404
    return get_or_404(qs, pk=run_id)


def access_snapshot_by_id(user, snapshot_id, *, action: str = "view") -> ScoreSnapshot:
    qs = visible_snapshots(user).select_related("run", "run__framework_version", "unit", "unit__parent")
    if action in {"adjust", "record_finding"}:
        qs = qs.filter(_below_q(user, ADJUST_ROLES, path_field="unit__path", id_field="unit_id"))
    elif action != "view":
        raise Http404
    return get_or_404(qs, pk=snapshot_id)


def can_publish(user, run: AssessmentRun) -> bool:
    return any(t.name == "publish" for t in available_transitions(RUN_WORKFLOW, user, run))


def can_act_on_snapshot(user, snapshot: ScoreSnapshot) -> bool:
    return ScoreSnapshot.objects.filter(_below_q(user, ADJUST_ROLES, path_field="unit__path", id_field="unit_id"),
                                        pk=snapshot.pk).exists()


def start_scopes(user) -> QuerySet[Unit]:
    """Units the user may start a run over (their assignment units for START_ROLES)."""
    ids = [a.unit_id for a in assignments_with(user, START_ROLES)]
    return Unit.objects.filter(pk__in=ids).order_by("path")


def can_start_run(user, scope_unit: Unit) -> bool:
    return Unit.objects.filter(scope_q(user, roles=START_ROLES, path_field="path"), pk=scope_unit.pk).exists()


def visible_findings(user) -> QuerySet[InspectionFinding]:
    q = scope_q(user, roles=VIEW_ROLES, path_field="unit__path")
    person_id = getattr(user, "person_id", None)
    if person_id:
        q |= Q(responsible_person_id=person_id)
    return InspectionFinding.objects.filter(q)
