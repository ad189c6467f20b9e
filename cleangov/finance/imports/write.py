"""Validate and write: refuse a plan as a whole, or write it as one immutable batch in one transaction.

The checks that read the database (line ids already active, periods already covered, the same file
already imported) were made by :func:`.plan.plan_import` before the transaction; two imports of the
same unit at the same moment could both pass them. So the write takes the lock of every unit it
writes (:func:`cleangov.finance.locks.lock_units_for_import`) and, when another import changed those
units since the plan was made, plans again under the lock and refuses what no longer holds. The
unique file hash is a database constraint as well; a second writer of the same file is refused as a
duplicate.

The lines are read back from the parsed file's spool and written a block at a time, all inside the one
transaction (:class:`RowsToWrite`), so memory holds one block, not the file.

The write is idempotent given its batch token (the ``task_id`` of the task that imports it): a
retried import whose first attempt committed returns the batch already written and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleangov.core.audit import PendingEvent, record_events
from cleangov.finance.choices import ImportBatchStatusChoices
from cleangov.finance.lines_sql import insert_lines
from cleangov.finance.locks import lock_units_for_import
from cleangov.finance.models import BatchUnit, ImportBatch
from cleangov.finance.spool import STAGE_READ, STAGE_RECHECK

from .errors import ImportRefused
from .plan import ImportPlan, active_batches, plan_import

WRITE_BLOCK_ROWS = 100_000  # lines read back from the spool and written at a time


def _duplicate(dup: ImportBatch) -> ImportRefused:
    return ImportRefused(
        _("This file has already been imported as batch #%(id)s (%(name)s) on %(when)s; nothing was imported "
          "again. To correct that batch, upload the corrected file as its replacement.")
        % {"id": dup.pk, "name": dup.file_name, "when": timezone.localtime(dup.uploaded_at).strftime("%Y-%m-%d")},
        code="duplicate_file")


def _overlap(plan: ImportPlan) -> ImportRefused:
    code, other, start, end = plan.overlaps[0]
    return ImportRefused(
        _("Unit %(unit)s: the period is already covered by batch #%(id)s (%(start)s – %(end)s). "
          "Upload the file as a replacement of that batch instead.")
        % {"unit": code, "id": other.pk, "start": start, "end": end}, code="period_overlap")


class RowsToWrite:
    """The rows an import writes: a query over the parsed file's spool (the valid lines of the planned
    units without a problem), read back a block at a time in the order of the file."""

    def __init__(self, plan: ImportPlan):
        self.spool = plan.parsed.lines()
        codes = ", ".join("'" + c.replace("'", "''") + "'" for c in plan.units) or "NULL"
        self.sql = (f"SELECT * FROM lines WHERE org_code IN ({codes}) "  # noqa: S608 - unit codes, quoted
                    f"AND _row NOT IN {self.spool.bad_rows_sql(plan.stages)}")
        self.num_rows = self.spool.con.execute(f"SELECT COUNT(*) FROM ({self.sql})").fetchall()[0][0]  # noqa: S608

    def blocks(self, size: int | None = None) -> Iterator:
        import pyarrow as pa

        size = size or WRITE_BLOCK_ROWS
        reader = self.spool.con.sql(f"{self.sql} ORDER BY _row").to_arrow_reader(size)
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                return
            yield pa.Table.from_batches([batch])


def validate(plan: ImportPlan, *, skip_invalid: bool = False, supersedes: ImportBatch | None = None) -> RowsToWrite:
    """The rows to write, or :class:`ImportRefused` saying why nothing will be."""
    parsed = plan.parsed
    if plan.duplicate_of is not None:
        raise _duplicate(plan.duplicate_of)
    if parsed.missing_columns:
        raise ImportRefused(_("Required columns are missing: %(cols)s.") % {"cols": ", ".join(parsed.missing_columns)},
                            code="missing_columns")
    if plan.error_total and not skip_invalid:
        raise ImportRefused(_("%(n)s invalid rows: nothing was imported.") % {"n": plan.error_total},
                            plan.errors, code="invalid", total=plan.error_total)
    if plan.overlaps:
        raise _overlap(plan)
    if supersedes is not None and supersedes.status != ImportBatchStatusChoices.ACTIVE:
        raise ImportRefused(_("Batch #%(id)s has already been replaced.") % {"id": supersedes.pk}, code="invalid")
    if parsed.lines() is None:
        raise ImportRefused(_("The file has no valid voucher lines."), plan.errors, code="invalid",
                            total=plan.error_total)
    rows = RowsToWrite(plan)
    if rows.num_rows == 0:
        raise ImportRefused(_("The file has no valid voucher lines."), plan.errors, code="invalid",
                            total=plan.error_total)
    return rows


def _recheck_under_lock(plan: ImportPlan) -> None:
    """With the units locked: refuse when another import, committed since the plan was made, now
    covers the period or holds the same line ids."""
    if active_batches([u.pk for u in plan.units.values()], plan.supersedes) == plan.seen_batches:
        return  # nothing was imported for these units since the plan: its checks still hold
    fresh = plan_import(plan.parsed, scope_unit=plan.scope_unit, allowed_units=plan.allowed_units,
                        sha256=plan.sha256, supersedes=plan.supersedes, stage=STAGE_RECHECK)
    spool = plan.parsed.lines()
    try:
        if fresh.duplicate_of is not None:
            raise _duplicate(fresh.duplicate_of)
        if fresh.overlaps:
            raise _overlap(fresh)
        if spool is None:
            return
        # problems of the fresh plan that the first plan did not have, by row and column
        new = (f"AND NOT EXISTS (SELECT 1 FROM problems o WHERE o.stage IN ('{STAGE_READ}', '{plan.stage}') "  # noqa: S608
               "AND o.row IS NOT DISTINCT FROM problems.row AND o.col IS NOT DISTINCT FROM problems.col)")
        total = spool.problem_total((STAGE_RECHECK,), where=new)
        if total:
            raise ImportRefused(
                _("%(n)s lines were imported for the same units by another import while this file was being "
                  "checked: nothing was imported. Check the file again.") % {"n": total},
                spool.problems(plan.parsed.file_name, stages=(STAGE_RECHECK,), where=new), code="invalid",
                total=total)
    finally:
        if spool is not None:
            spool.clear_problems(STAGE_RECHECK)


def write_batch(plan: ImportPlan, *, acting_user, sha256: str, source: str, skip_invalid: bool = False,
                supersedes: ImportBatch | None = None, task_id: str = "",
                progress: Callable[[int], None] | None = None) -> ImportBatch:
    """Write one immutable batch with its lines, or refuse with :class:`ImportRefused`."""
    if task_id:
        done = ImportBatch.objects.filter(task_id=task_id).first()
        if done is not None:
            return done  # a retry of an import that committed: nothing is written twice
    rows = validate(plan, skip_invalid=skip_invalid, supersedes=supersedes)
    parsed = plan.parsed
    starts = [p[0] for p in plan.periods.values()]
    ends = [p[1] for p in plan.periods.values()]
    with transaction.atomic():
        lock_units_for_import([u.pk for u in plan.units.values()])
        if task_id:
            done = ImportBatch.objects.filter(task_id=task_id).first()
            if done is not None:
                return done
        _recheck_under_lock(plan)
        try:
            with transaction.atomic():  # a savepoint: the unique file hash may be taken meanwhile
                batch = ImportBatch.objects.create(
                    sha256=sha256, file_name=parsed.file_name[:255], source=source, scope_unit=plan.scope_unit,
                    uploaded_by=acting_user if getattr(acting_user, "pk", None) else None,
                    uploaded_at=timezone.now(), period_start=min(starts), period_end=max(ends),
                    rows_read=parsed.rows_read, rows_imported=rows.num_rows,
                    rows_skipped=parsed.rows_read - rows.num_rows,
                    skipped_report=[e.as_dict() for e in plan.errors[:1000]], supersedes=supersedes,
                    task_id=task_id)
        except IntegrityError:
            dup = ImportBatch.objects.filter(sha256=sha256).first()
            if dup is None:
                raise
            raise _duplicate(dup) from None
        BatchUnit.objects.bulk_create([
            BatchUnit(batch=batch, unit=plan.units[c], period_start=s, period_end=e, lines=n)
            for c, (s, e, n) in sorted(plan.periods.items())])
        # a block at a time, inside the one transaction: the batch is written whole or not at all
        unit_ids = {c: u.pk for c, u in plan.units.items()}
        for block in rows.blocks():
            insert_lines(batch, block, unit_ids, progress=progress)
        events = [PendingEvent("finance.batch_imported", batch, None, {
            "file_name": batch.file_name, "sha256": sha256, "source": source, "rows_imported": batch.rows_imported,
            "rows_skipped": batch.rows_skipped, "period": [batch.period_start, batch.period_end],
            "units": sorted(plan.periods), "supersedes": supersedes.pk if supersedes else None,
        }, plan.scope_unit)]
        if supersedes is not None:
            locked = ImportBatch.objects.select_for_update().get(pk=supersedes.pk)
            if locked.status != ImportBatchStatusChoices.ACTIVE:
                raise ImportRefused(_("Batch #%(id)s has already been replaced.") % {"id": supersedes.pk})
            ImportBatch.objects.filter(pk=supersedes.pk).update(status=ImportBatchStatusChoices.SUPERSEDED)
            events.append(PendingEvent("finance.batch_superseded", supersedes,
                                       {"status": ImportBatchStatusChoices.ACTIVE},
                                       {"status": ImportBatchStatusChoices.SUPERSEDED, "by": batch.pk},
                                       supersedes.scope_unit))
        record_events(acting_user=acting_user, events=events)
    return batch
