"""Permission-matrix entries for every finance URL (see cleangov/core/urlregistry.py)."""

from __future__ import annotations

from cleangov.core.urlregistry import register

from .access import (
    BATCH_VIEW_ROLES,
    FINDING_COMMENT_ROLES,
    FINDING_VIEW_ROLES,
    IMPORT_ROLES,
    RULE_STATS_ROLES,
    RUN_START_ROLES,
    TASK_ROLES,
)

LIST_ROLES = frozenset(BATCH_VIEW_ROLES)


def _finding(fc, side, user):
    from .testing import make_sample_finding

    return {"finding_id": make_sample_finding(fc.unit("village", side)).pk}


def _batch(fc, side, user):
    from .testing import make_sample_finding

    finding = make_sample_finding(fc.unit("village", side))
    return {"batch_id": finding.lines.get().batch_id}


def _run(fc, side, user):
    from .testing import make_sample_finding

    return {"run_id": make_sample_finding(fc.unit("village", side)).first_run_id}


def _owner(fc, side, user):
    return user if side == "a" else next(u for u in fc.users.values() if u.pk != user.pk)


def _staged(fc, side, user):
    import tempfile
    from pathlib import Path

    from .models import StagedUpload
    from .testing import csv_bytes, sample_rows

    owner = _owner(fc, side, user)
    unit = fc.unit("village", "a")
    path = Path(tempfile.mkdtemp()) / "matrix.csv"
    path.write_bytes(csv_bytes(sample_rows(unit.code)))
    staged = StagedUpload.objects.create(owner=owner, unit=unit, file_name="matrix.csv", path=str(path),
                                         sha256="0" * 64)
    return {"staged_id": staged.pk}


def _task(fc, side, user):
    import uuid

    from cleangov.core.models import TaskProgress

    progress = TaskProgress.objects.create(task_id=uuid.uuid4().hex, label="matrix", started_by=_owner(fc, side, user),
                                           status="succeeded")
    return {"task_id": progress.task_id}


register("finance:home", noun="finance_home")
register("finance:import_upload", noun="import", roles=IMPORT_ROLES)
register("finance:import_preview", noun="staged_upload", roles=IMPORT_ROLES, kwargs=_staged, owner_only=True)
# not previewed yet (no worker in the matrix): the download sends the owner to the preview page
register("finance:import_problems", noun="staged_upload", roles=IMPORT_ROLES, kwargs=_staged, owner_only=True,
         allowed_status=302)
register("finance:task_status", noun="finance_task", roles=TASK_ROLES, kwargs=_task, owner_only=True)
register("finance:batch_list", noun="import_batch", roles=LIST_ROLES)
register("finance:batch_detail", noun="import_batch", roles=BATCH_VIEW_ROLES, kwargs=_batch)
register("finance:run_list", noun="audit_run", roles=LIST_ROLES)
register("finance:run_start", noun="audit_run", roles=RUN_START_ROLES)
register("finance:run_detail", noun="audit_run", roles=BATCH_VIEW_ROLES, kwargs=_run)
register("finance:finding_list", noun="finding", roles=FINDING_VIEW_ROLES)
register("finance:finding_detail", noun="finding", roles=FINDING_VIEW_ROLES, kwargs=_finding)
# An empty POST re-renders the page with the form's errors (200); nothing changes.
register("finance:finding_action", noun="finding", roles=FINDING_COMMENT_ROLES, kwargs=_finding, method="post")
register("finance:rule_stats", noun="rule_statistics", roles=RULE_STATS_ROLES)
register("finance:api_tokens", noun="api_token", roles=IMPORT_ROLES)
