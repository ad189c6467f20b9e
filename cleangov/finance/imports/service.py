"""The import service: read → plan → validate → write, the one path by which voucher lines enter the
platform. The upload page (through its background task), the JSON API, the CLI and the demo call it;
nothing else writes batches.

* :func:`read_file` reads a CSV/XLSX within the platform's read limits (``core.uploads.read_limits``).
* :func:`.plan.plan_import` checks the rows against the platform (units, line ids, periods).
* :func:`.write.validate` refuses a plan as a whole; :func:`.write.write_batch` writes it in one
  transaction, under the per-unit lock, idempotent given its batch token.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from cleangov.core.uploads import read_limits
from cleangov.finance import engine as E
from cleangov.finance.models import ImportBatch
from cleangov.orgs.models import Unit

from .errors import ImportRefused
from .plan import ImportPlan, plan_import
from .write import write_batch


def read_file(path: Path, *, file_name: str, mapping: dict | None = None) -> E.Parsed:
    """Read within the read limits, a block at a time, into a spool in the temporary directory."""
    return E.read_upload(path, file_name=file_name, mapping=mapping, limits=read_limits())


def plan_file(path: Path, *, file_name: str, scope_unit: Unit, mapping: dict | None = None, allowed_units=None,
              supersedes: ImportBatch | None = None, sha256: str | None = None) -> ImportPlan:
    """Read and plan one file (nothing written). A file already imported is not read again."""
    sha = sha256 or E.sha256_of(path)
    duplicate = ImportBatch.objects.filter(sha256=sha).exists()
    parsed = read_file(path, file_name=file_name, mapping=mapping) if not duplicate else E.Parsed(file_name, [], 0)
    return plan_import(parsed, scope_unit=scope_unit, allowed_units=allowed_units, sha256=sha, supersedes=supersedes)


def import_file(path: Path, *, file_name: str, scope_unit: Unit, acting_user, source: str,
                mapping: dict | None = None, skip_invalid: bool = False, supersedes: ImportBatch | None = None,
                allowed_units=None, task_id: str = "", on_total: Callable[[int], None] | None = None,
                on_rows: Callable[[int], None] | None = None) -> ImportBatch:
    """Read, check, plan and write one file. Raises :class:`ImportRefused`. ``task_id`` is the batch
    token: importing again under the same token returns the batch it wrote."""
    if task_id:
        done = ImportBatch.objects.filter(task_id=task_id).first()
        if done is not None:
            return done
    plan = plan_file(path, file_name=file_name, scope_unit=scope_unit, mapping=mapping, allowed_units=allowed_units,
                     supersedes=supersedes)
    parsed = plan.parsed
    try:
        if on_total:
            on_total(parsed.rows_read)
        if parsed.errors and not parsed.has_lines and plan.duplicate_of is None:
            raise ImportRefused(_("The file cannot be read: %(reason)s") % {"reason": parsed.errors[0].reason},
                                parsed.errors)
        return write_batch(plan, acting_user=acting_user, sha256=plan.sha256, source=source,
                           skip_invalid=skip_invalid, supersedes=supersedes, task_id=task_id, progress=on_rows)
    finally:
        parsed.close()


def records_sha256(unit: Unit, records: list) -> str:
    """The identity of pushed lines: the unit and the lines in a canonical JSON form."""
    canonical = json.dumps(records, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{unit.code}\n{canonical}".encode()).hexdigest()


def import_records(records: list[dict], *, file_name: str, scope_unit: Unit, acting_user, source: str,
                   allowed_units=None, skip_invalid: bool = False,
                   supersedes: ImportBatch | None = None) -> ImportBatch:
    """Lines pushed as JSON (the API): the same plan, checks and write as a file."""
    sha = records_sha256(scope_unit, records)
    parsed = E.table_from_records(records, file_name[:255])
    plan = plan_import(parsed, scope_unit=scope_unit, allowed_units=allowed_units, sha256=sha, supersedes=supersedes)
    return write_batch(plan, acting_user=acting_user, sha256=sha, source=source, skip_invalid=skip_invalid,
                       supersedes=supersedes)
