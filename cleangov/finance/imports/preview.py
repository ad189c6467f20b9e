"""The upload preview, computed once in the background and kept.

Reading and checking a file is the expensive part of an import (a million-line workbook, or a hostile
one), so the preview page never does it: :func:`start_preview` enqueues :func:`preview_upload_task`,
which plans the file (the same :func:`.service.plan_file` the import uses, within the read limits)
and keeps the result with the staged upload: a summary with the first problems in
``StagedUpload.preview``, and every problem in a CSV file next to the uploaded file, which the page
offers for download. Changing the column mapping computes it again; nothing else does.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from cleangov.core.progress import ProgressReporter, create_progress
from cleangov.finance.models import FinanceProfile, StagedUpload

from .service import plan_file

PROBLEMS_SHOWN = 1000
PROBLEM_COLUMNS = ("row", "column", "value", "reason")


def mapping_for(staged: StagedUpload) -> dict[str, str]:
    """The staged upload's own mapping, else the one remembered for its unit."""
    if staged.mapping:
        return staged.mapping
    profile = FinanceProfile.objects.filter(unit=staged.unit).first()
    return dict(profile.column_mapping) if profile else {}


def problems_path(staged: StagedUpload) -> Path:
    return Path(f"{staged.path}.problems.csv")


def compute_preview(staged: StagedUpload, *, allowed_units, progress=None) -> dict:
    """Plan the staged file and keep what the page shows; nothing is imported."""
    mapping = mapping_for(staged)
    plan = plan_file(Path(staged.path), file_name=staged.file_name, scope_unit=staged.unit, mapping=mapping,
                     allowed_units=allowed_units, sha256=staged.sha256)
    if progress:
        progress()
    parsed = plan.parsed
    try:
        return _summary(staged, plan, mapping, progress)
    finally:
        parsed.close()


def _summary(staged: StagedUpload, plan, mapping: dict[str, str], progress) -> dict:
    parsed = plan.parsed
    spool = parsed.lines()
    # every problem, a block at a time from the spool (the plan keeps only the first in memory)
    rows = spool.iter_problems(plan.stages) if spool is not None else (
        (e.row, e.column, e.value, e.reason) for e in plan.errors)
    with problems_path(staged).open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(PROBLEM_COLUMNS)
        for row, column, value, reason in rows:
            writer.writerow(["" if row is None else row, column or "", "" if value is None else value, reason])
    if progress:
        progress()
    dup = plan.duplicate_of
    return {
        "mapping": mapping,
        "headers": list(parsed.headers),
        "mapped": dict(parsed.mapped),
        "missing_columns": list(parsed.missing_columns),
        "ignored_columns": list(parsed.ignored_columns),
        "rows_read": parsed.rows_read,
        "rows_to_import": plan.rows_to_import,
        "bad_rows": plan.bad_rows,
        "problems_total": plan.error_total,
        "problems": [{"row": e.row, "column": e.column, "value": None if e.value is None else str(e.value),
                      "reason": e.reason} for e in plan.errors[:PROBLEMS_SHOWN]],
        "periods": [[code, start.isoformat(), end.isoformat(), n]
                    for code, (start, end, n) in sorted(plan.periods.items())],
        "overlaps": [[code, other.pk, start.isoformat(), end.isoformat()]
                     for code, other, start, end in plan.overlaps],
        "duplicate_of": dup.pk if dup is not None else None,
    }


def start_preview(staged: StagedUpload, *, acting_user) -> str:
    """Enqueue the preview of a staged upload (again, after its mapping changed); the task id."""
    with transaction.atomic():
        StagedUpload.objects.filter(pk=staged.pk).update(preview={}, preview_task_id="")
        result = preview_upload_task.enqueue(staged.pk)
        create_progress(task_id=result.id, label=_("Preview of %(name)s") % {"name": staged.file_name},
                        started_by=acting_user, total=2)
        StagedUpload.objects.filter(pk=staged.pk).update(preview_task_id=str(result.id))
    staged.refresh_from_db()
    return str(result.id)


def preview_ready(staged: StagedUpload) -> bool:
    return bool(staged.preview) and staged.preview.get("task") == staged.preview_task_id


def iter_problems_csv(staged: StagedUpload, chunk: int = 1 << 16) -> Iterator[bytes]:
    """Every problem of the preview, as stored, a block at a time (a response streams it)."""
    with problems_path(staged).open("rb") as f:
        while block := f.read(chunk):
            yield block


@task(takes_context=True)
def preview_upload_task(context, staged_id: int) -> dict:
    from cleangov.finance.access import import_units
    from cleangov.finance.tasks import _language

    task_id = str(context.task_result.id)
    staged = StagedUpload.objects.select_related("owner", "unit").filter(pk=staged_id).first()
    if staged is None:
        return {"error": "staged upload not found"}
    error = None
    with translation.override(_language(staged.owner)), ProgressReporter(task_id, label="preview") as report:
        report.set_total(2)
        try:
            summary = compute_preview(staged, allowed_units=import_units(staged.owner), progress=report.advance)
        except Exception as exc:
            # The reader's or the database's own words are for the log; the user reads these.
            error = exc
            StagedUpload.objects.filter(pk=staged.pk).update(preview={"task": task_id, "failed": True})
            report.fail(_("The file could not be checked. Upload it again; if it fails again, tell the system "
                          "administrator."))
        else:
            summary["task"] = task_id
            StagedUpload.objects.filter(pk=staged.pk).update(preview=summary)
            report.succeed(_("%(rows)s rows read; %(n)s problems.")
                           % {"rows": summary["rows_read"], "n": summary["problems_total"]})
    if error is not None:
        raise error
    return {"staged": staged.pk, "problems": summary["problems_total"]}
