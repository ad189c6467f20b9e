"""The assessment app's entries in the permission matrix (tests/support/urlregistry/__init__.py).

Objects: a run over the township of side "a" or "b" (the township and its village), computed with a
fixed stand-in metric so every indicator has a score. Views and exports use a published run (the
assessed village's own roles see it); publishing, adjusting and recording findings use an
unpublished one (inspecting bodies only; the village lies strictly below their assignment).
"""

from __future__ import annotations

from decimal import Decimal

from . import act, register, view

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
    from cleangov.assessment.actions import do_compute_assessment, do_load_framework, do_publish_run
    from cleangov.assessment.frameworks import parse_framework

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


# A run over township A covers the township and its villages; a persona sees it when any of its
# snapshots is in scope (the snapshot pages check the one village).
RUN_UNITS = ("township", "village")
# An empty POST on the run list (start a run) or an adjustment/finding form re-renders the page
# with the form's errors (200); publishing redirects to the run (302).
register("assessment:run_list", get=view("assessment_run"), post=act("assessment_run"))
register("assessment:run_detail", get=view("assessment_run"), kwargs=_run(True), level=RUN_UNITS)
register("assessment:run_xlsx", get=view("assessment_run"), kwargs=_run(True), level=RUN_UNITS)
register("assessment:run_pdf", get=view("assessment_run"), kwargs=_run(True), level=RUN_UNITS)
register("assessment:run_publish", post=act("assessment_publication", 302), kwargs=_run(False), level="township")
register("assessment:snapshot_detail", get=view("score_snapshot"), kwargs=_village_snapshot(True), level="village")
register("assessment:snapshot_adjust", post=act("score_snapshot"), kwargs=_village_snapshot(False), level="village")
register("assessment:finding_create", post=act("inspection_finding"), kwargs=_village_snapshot(False),
         level="village")
register("assessment:finding_list", get=view("inspection_finding"))
register("assessment:framework_list", get=view("assessment_framework"))
register("assessment:framework_upload", get=act("assessment_framework"), post=act("assessment_framework"))
