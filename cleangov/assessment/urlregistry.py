"""The assessment app's entries in the permission matrix (cleangov/core/urlregistry.py).

Objects: a run over the township of side "a" or "b" (the township and its village), computed with a
fixed stand-in metric so every indicator has a score. Views and exports use a published run (the
assessed village's own roles see it); publishing, adjusting and recording findings use an
unpublished one (inspecting bodies only; the village lies strictly below their assignment).
"""

from __future__ import annotations

from decimal import Decimal

from cleangov.core.urlregistry import register

from .access import ADJUST_ROLES, FRAMEWORK_ADMIN_ROLES, FRAMEWORK_VIEW_ROLES, PUBLISH_ROLES, VIEW_ROLES

MATRIX_FRAMEWORK = """
format: cleangov-assessment-framework/1
code: matrix
kind: year_end
version: "1"
name: 矩阵测试考核
indicators:
  - id: M-01
    name: 台账完整率
    weight: 10
    formula: "100 * ledgers.completeness"
"""


def matrix_metrics():
    from cleangov.core.metrics import MetricResult, MetricSpec

    def compute(unit_ids, start, end):
        return {uid: MetricResult(value=Decimal("0.8"), evidence=[("entry", "")]) for uid in unit_ids}

    return {"ledgers.completeness": MetricSpec(label="completeness", description="", unit="ratio", compute=compute)}


def matrix_run(fc, side, *, published: bool):
    from .actions import do_compute_assessment, do_load_framework, do_publish_run
    from .frameworks import parse_framework

    version = do_load_framework(parse_framework(MATRIX_FRAMEWORK), acting_user=None).version
    run = do_compute_assessment(framework_version=version, year=2026, scope_unit=fc.unit("township", side),
                                selection="all", acting_user=None, metrics=matrix_metrics())
    if published:
        do_publish_run(run, acting_user=None)
    return run


def _run(published):
    return lambda fc, side, user: {"run_id": matrix_run(fc, side, published=published).pk}


def _village_snapshot(published):
    def build(fc, side, user):
        run = matrix_run(fc, side, published=published)
        return {"snapshot_id": run.snapshots.get(unit=fc.unit("village", side)).pk}

    return build


VIEW = frozenset(str(r) for r in VIEW_ROLES)
ADJUST = frozenset(str(r) for r in ADJUST_ROLES)

register("assessment:run_list", noun="assessment_run", roles=VIEW)
register("assessment:run_detail", noun="assessment_run", roles=VIEW, kwargs=_run(True), level="village")
register("assessment:run_xlsx", noun="assessment_run", roles=VIEW, kwargs=_run(True), level="village")
register("assessment:run_pdf", noun="assessment_run", roles=VIEW, kwargs=_run(True), level="village")
register("assessment:run_publish", noun="assessment_run", roles=frozenset(str(r) for r in PUBLISH_ROLES),
         kwargs=_run(False), level="township", method="post", allowed_status=302)
register("assessment:snapshot_detail", noun="score_snapshot", roles=VIEW, kwargs=_village_snapshot(True),
         level="village")
register("assessment:snapshot_adjust", noun="score_snapshot", roles=ADJUST, kwargs=_village_snapshot(False),
         level="village", method="post", allowed_status=200)
register("assessment:finding_create", noun="inspection_finding", roles=ADJUST, kwargs=_village_snapshot(False),
         level="village", method="post", allowed_status=200)
register("assessment:finding_list", noun="inspection_finding", roles=VIEW)
register("assessment:framework_list", noun="assessment_framework",
         roles=frozenset(str(r) for r in FRAMEWORK_VIEW_ROLES))
register("assessment:framework_upload", noun="assessment_framework",
         roles=frozenset(str(r) for r in FRAMEWORK_ADMIN_ROLES))
