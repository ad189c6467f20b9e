"""Permission-matrix entries for every finance URL (tests/support/urlregistry/__init__.py)."""

from __future__ import annotations

from tests.support.finance import csv_bytes, make_sample_finding, sample_rows

from . import act, register, view


def _finding(fc, side, user):
    from cleangov.finance.models import VoucherLine

    finding = make_sample_finding(fc.unit("village", side))
    # A category and an invoice type whose codes have underscores, so that a page showing a code
    # instead of its label fails tests/i18n/test_no_codes_on_pages.py.
    VoucherLine.objects.filter(findings=finding).update(category="travel_lodging", invoice_type="vat_normal")
    return {"finding_id": finding.pk}


def _batch(fc, side, user):
    finding = make_sample_finding(fc.unit("village", side))
    return {"batch_id": finding.lines.get().batch_id}


def _run(fc, side, user):
    return {"run_id": make_sample_finding(fc.unit("village", side)).first_run_id}


def _owner(fc, side, user):
    return user if side == "a" else next(u for u in fc.users.values() if u.pk != user.pk)


def _staged(fc, side, user):
    import tempfile
    from pathlib import Path

    from cleangov.finance.models import StagedUpload

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


# Forms (import, start a run, API tokens, the finding's action form): an empty POST re-renders the
# page with the form's errors (200); nothing changes.
register("finance:home", get=view("finance_home"))
register("finance:import_upload", get=act("voucher_import"), post=act("voucher_import"))
# The sample voucher files are for whoever imports vouchers; they name no unit.
for _name in ("sample_clean_csv", "sample_clean_xlsx", "sample_bad_csv", "sample_bad_xlsx"):
    register(f"finance:{_name}", get=act("voucher_import"))
# The staged file is for village A: an accountant holding township A without its subtree may not import it.
register("finance:import_preview", get=act("voucher_import"), post=act("voucher_import"), kwargs=_staged,
         owner_only=True, owner_in_scope=True)
# Not previewed yet (the matrix runs no worker): the download sends the owner to the preview page.
register("finance:import_problems", get=act("voucher_import", 302), kwargs=_staged, owner_only=True,
         owner_in_scope=True)
register("finance:task_status", get=view("finance_task"), kwargs=_task, owner_only=True)
register("finance:batch_list", get=view("import_batch"))
register("finance:batch_detail", get=view("import_batch"), kwargs=_batch)
register("finance:run_list", get=view("audit_run"))
register("finance:run_start", get=act("audit_run"), post=act("audit_run"))
register("finance:run_detail", get=view("audit_run"), kwargs=_run)
register("finance:finding_list", get=view("finding"))
register("finance:finding_detail", get=view("finding"), kwargs=_finding)
register("finance:finding_action", post=act("finding"), kwargs=_finding)
register("finance:rule_stats", get=view("rule_statistics"))
register("finance:api_tokens", get=view("api_token"), post=act("api_token"))
