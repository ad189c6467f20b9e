from __future__ import annotations

from pathlib import Path

from cleangov.finance.actions import do_create_audit_run, execute_audit_run
from cleangov.finance.choices import ImportBatchSourceChoices
from cleangov.finance.imports import import_file
from tests.support.finance import csv_bytes, sample_rows


def write_csv(tmp_path: Path, name: str, rows, header=None) -> Path:
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows, header))
    return path


def import_rows(county, tmp_path, rows, *, name="v.csv", user=None, scope=None, **kwargs):
    from cleangov.finance.access import import_units

    path = write_csv(tmp_path, name, rows)
    user = user or county.persona("accountant")
    return import_file(path, file_name=name, scope_unit=scope or county.townships["a"], acting_user=user,
                       source=ImportBatchSourceChoices.WEB, allowed_units=import_units(user), **kwargs)


def audit(unit):
    return execute_audit_run(do_create_audit_run(acting_user=None, scope_unit=unit, trigger="manual"))


__all__ = ["audit", "import_rows", "sample_rows", "write_csv"]
