"""Who reaches which finance object. Every request goes through an ``access_<noun>_by_id`` gate;
missing, out of scope and conflicted all answer 404.

| noun            | roles (scoped to their assignment's subtree)                                     |
| --------------- | -------------------------------------------------------------------------------- |
| import (upload) | accountant (township agency centre: all villages of the township)               |
| batch, run      | accountant, township discipline, county commission, auditor                      |
| start a run     | township discipline (own township), county commission (any unit)                 |
| finding: view   | county commission, township discipline, auditor, accountant, supervision member  |
| finding: comment| county commission, township discipline, supervision member (own village)         |
| finding: decide | county commission, township discipline — per the workflow table                  |
| rule statistics | county commission, system administrator (rates only, no finding contents)        |

Conflict of interest (docs/design.md §3): a finding names its subject people (claimant, handler, witness,
approver) in :class:`FindingPerson`; they and their registered relatives never reach the finding, on
any route, whatever their role.
"""

from __future__ import annotations

from django.db.models import QuerySet

from cleangov.accounts.choices import RoleChoices as R
from cleangov.core.access import exclude_conflicts, get_or_404, has_role, restrict
from cleangov.core.declarations import LinkGate
from cleangov.core.links import visible_ids
from cleangov.core.models import TaskProgress
from cleangov.orgs.models import Unit

from .models import AuditRun, Finding, FindingPerson, ImportBatch, StagedUpload
from .workflow import FINDING_WORKFLOW

IMPORT_ROLES = frozenset({R.ACCOUNTANT})
BATCH_VIEW_ROLES = frozenset({R.ACCOUNTANT, R.TOWNSHIP_DISCIPLINE, R.COUNTY_COMMISSION, R.AUDITOR})
RUN_START_ROLES = frozenset({R.TOWNSHIP_DISCIPLINE, R.COUNTY_COMMISSION})
FINDING_VIEW_ROLES = frozenset({R.COUNTY_COMMISSION, R.TOWNSHIP_DISCIPLINE, R.AUDITOR, R.ACCOUNTANT,
                                R.SUPERVISION_MEMBER})
FINDING_COMMENT_ROLES = frozenset({R.COUNTY_COMMISSION, R.TOWNSHIP_DISCIPLINE, R.SUPERVISION_MEMBER})
# Derived from the review table, which says per step and state who decides (a second copy would drift).
FINDING_DECIDE_ROLES = FINDING_WORKFLOW.roles()
RULE_STATS_ROLES = frozenset({R.COUNTY_COMMISSION, R.SYSADMIN})
TASK_ROLES = IMPORT_ROLES | RUN_START_ROLES
FINDING_ACTION_ROLES = {"view": FINDING_VIEW_ROLES, "comment": FINDING_COMMENT_ROLES, "decide": FINDING_DECIDE_ROLES}


def import_units(user) -> QuerySet[Unit]:
    """Units the user imports vouchers for: the subtree of each accountant assignment."""
    return restrict(Unit.objects.all(), user, roles=IMPORT_ROLES, path_field="path")


def run_units(user) -> QuerySet[Unit]:
    return restrict(Unit.objects.all(), user, roles=RUN_START_ROLES, path_field="path")


def findings_for(user, *, action: str = "view") -> QuerySet[Finding]:
    qs = restrict(Finding.objects.all(), user, roles=FINDING_ACTION_ROLES[action], path_field="unit__path")
    return exclude_conflicts(qs, user, through_model=FindingPerson, object_field="finding")


def access_finding_by_id(user, finding_id, *, action: str = "view") -> Finding:
    if action not in FINDING_ACTION_ROLES:
        raise ValueError(action)
    return get_or_404(findings_for(user, action=action).select_related("unit"), pk=finding_id)


def batches_for(user) -> QuerySet[ImportBatch]:
    return restrict(ImportBatch.objects.all(), user, roles=BATCH_VIEW_ROLES, path_field="scope_unit__path")


def access_batch_by_id(user, batch_id, *, action: str = "view") -> ImportBatch:
    if action == "supersede":
        qs = restrict(ImportBatch.objects.all(), user, roles=IMPORT_ROLES, path_field="scope_unit__path")
    else:
        qs = batches_for(user)
    return get_or_404(qs.select_related("scope_unit", "uploaded_by"), pk=batch_id)


def runs_for(user) -> QuerySet[AuditRun]:
    return restrict(AuditRun.objects.all(), user, roles=BATCH_VIEW_ROLES, path_field="scope_unit__path")


def access_run_by_id(user, run_id, *, action: str = "view") -> AuditRun:
    return get_or_404(runs_for(user).select_related("scope_unit", "batch"), pk=run_id)


def access_staged_upload_by_id(user, staged_id, *, action: str = "view") -> StagedUpload:
    """A staged upload belongs to the user who uploaded it, within their import scope."""
    if not getattr(user, "is_authenticated", False) or not has_role(user, IMPORT_ROLES):
        return get_or_404(StagedUpload.objects.none(), pk=staged_id)
    qs = StagedUpload.objects.filter(owner=user, unit__in=import_units(user))
    return get_or_404(qs.select_related("unit"), pk=staged_id)


def access_task_by_id(user, task_id, *, action: str = "view") -> TaskProgress:
    """The status page of an import or a run: only the user who started it."""
    if not getattr(user, "is_authenticated", False) or not has_role(user, TASK_ROLES):
        return get_or_404(TaskProgress.objects.none(), task_id=task_id)
    return get_or_404(TaskProgress.objects.filter(started_by=user), task_id=task_id)


# Pages other apps link to (a score's evidence, a rectification item's source): shown only to whom they answer.
LINK_GATES = (LinkGate("finance:finding_detail", "finding_id", visible_ids(findings_for)),)
