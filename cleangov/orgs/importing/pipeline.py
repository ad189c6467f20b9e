"""The import as the CLI and the web UI call it: parse → report → import (or not).

    result = run_import([ImportFile(name=f.name, data=f.read())], acting_user=request.user, dry_run=True)
    result.report.errors   # list of Problem: source, sheet, row, column, reason (in the active language)
    result.imported        # True only when there were no errors and dry_run was False

A file with any error imports nothing: the plan is validated as a whole first, then written in
one transaction by ``cleangov.orgs.actions.do_import_orgs``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from cleangov.core import uploads
from cleangov.orgs.actions import do_import_orgs

from .columns import KINDS, kind_from_name
from .parse import guess_kind, parse_table
from .plan import ImportReport, Location, OrgImportPlan
from .readers import ImportFile, RawTable, UnreadableFile, read_tables
from .validate import validate_plan


@dataclass
class ImportResult:
    plan: OrgImportPlan
    report: ImportReport
    imported: bool = False
    counts: dict[str, int] = field(default_factory=dict)  # created objects per kind (planned ones on a dry run)
    rows_read: int = 0


def as_import_file(item) -> ImportFile:
    """An ImportFile from a path, an ImportFile, or anything with ``name`` and ``read()`` (an upload)."""
    if isinstance(item, ImportFile):
        return item
    if isinstance(item, str | Path):
        return ImportFile.from_path(item)
    name = Path(getattr(item, "name", "upload")).name
    return ImportFile(name=name, data=uploads.read_bytes(item, name=name))


def _kind_of(table: RawTable, forced: str | None, single_table: bool) -> str | None:
    if forced:
        return forced
    if table.sheet is not None:
        kind = kind_from_name(table.sheet)
        if kind:
            return kind
    if table.sheet is None or single_table:
        kind = kind_from_name(table.source)
        if kind:
            return kind
    return guess_kind(table)


def parse_files(files: Iterable, *, kind: str | None = None, progress=None) -> tuple[OrgImportPlan, ImportReport, int]:
    """Read every file into one plan; returns (plan, report, data rows read). No database writes."""
    if kind is not None and kind not in KINDS:
        raise ValueError(kind)
    plan, report, rows = OrgImportPlan(), ImportReport(), 0
    for item in files:
        try:
            file = as_import_file(item)
        except uploads.ReadError as exc:  # past the size limit: nothing of it was read
            report.error(Location(exc.file, None, None), None, uploads.reason_lazy(exc))
            continue
        try:
            tables = read_tables(file)
        except UnreadableFile as exc:
            report.error(Location(file.name, exc.sheet, exc.row or 1), exc.column, exc.message, **exc.params)
            continue
        non_empty = [t for t in tables if any(any(v not in (None, "") for v in values) for _n, values in t.rows)]
        for table in non_empty:
            table_kind = _kind_of(table, kind, len(non_empty) == 1)
            if table_kind is None:
                report.warning(Location(table.source, table.sheet, 1), None,
                               _("Ignored: cannot tell whether this holds units, people, posts or relations "
                                 "(name the sheet 单位, 人员, 任职 or 亲属关系, or pass --kind)."))
                continue
            read = parse_table(table, table_kind, plan, report)
            rows += read
            if progress is not None:
                progress(read)
    return plan, report, rows


def run_import(files: Iterable, *, acting_user, kind: str | None = None, dry_run: bool = False,
               progress=None) -> ImportResult:
    """Parse, validate and (unless ``dry_run`` or any error) import. ``progress(n)`` is called as
    rows are read and as objects are written, for a progress bar."""
    plan, report, rows = parse_files(files, kind=kind, progress=progress)
    validate_plan(plan, report)
    result = ImportResult(plan=plan, report=report, counts=plan.counts(), rows_read=rows)
    if not plan.total() and report.ok:
        report.warning(None, None, _("The files hold no rows to import."))
    if report.ok and not dry_run and plan.total():
        result.counts = do_import_orgs(plan, acting_user=acting_user, progress=progress)
        result.imported = True
    return result


__all__ = ["ImportFile", "ImportResult", "as_import_file", "parse_files", "run_import"]
