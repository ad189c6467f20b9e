"""Set-rule findings belong to the scope they were computed over, and concurrent imports and audit
runs on PostgreSQL: two imports of the same unit at once make one batch; two audit runs of
overlapping scopes both finish, with no duplicate finding. The races run real ``cleangov``
processes against the test database."""

from __future__ import annotations

import subprocess

import pytest
from django.db import connection

from cleangov.finance.choices import AuditRunFailureChoices, AuditRunStatusChoices, AuditRunTriggerChoices
from cleangov.finance.models import AuditRun, BatchUnit, Finding, ImportBatch, VoucherLine
from tests.deadlines.helpers import cleangov_executable, env_for_test_database
from tests.support.finance import sample_rows

from .helpers import audit, import_rows, write_csv

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="a race between processes; SQLite takes one writer at a time by design")


def many_rows(code: str, n_blocks: int, *, year: int = 2025, start_no: int = 1) -> list[list[str]]:
    """``6 × n_blocks`` lines of one unit, every amount starting with 3 (far from Benford's law)."""
    rows = []
    for b in range(n_blocks):
        rows += sample_rows(code, start_no=start_no + 6 * b, year=year, month=1 + b % 12)
    for r in rows:
        r[5] = "320.00" if r[5] != "1800.00" else "3800.00"
    return rows


def benford_over_all(scope):
    return Finding.objects.filter(rule="benford_nonconformity", computed_over=scope)


def seed_two_units(county, tmp_path, blocks: int = 27):
    """``6 × blocks`` lines for the township's own books and as many for its village: by default each
    unit below Benford's minimum of 300 amounts, the township's books together above it."""
    township, village = county.townships["a"], county.villages["a"]
    import_rows(county, tmp_path, many_rows(township.code, blocks), name="t.csv")
    import_rows(county, tmp_path, many_rows(village.code, blocks, start_no=100_000), name="v.csv")
    return township, village


@pytest.mark.django_db
def test_a_statistic_over_all_books_belongs_to_the_scope_it_was_computed_over(county, tmp_path):
    township, village = seed_two_units(county, tmp_path)
    audit(township)
    (ours,) = benford_over_all(township)
    assert ours.unit == township and ours.current
    assert f"（计算范围：{township.name}的账目）" in ours.message_zh and "全县" not in ours.message_zh
    assert f"computed over the books of {township.display_name('en')}" in ours.message_en
    assert "whole county" not in ours.message_en
    # no unit-year statistic: each unit alone has fewer than 300 amounts
    assert not Finding.objects.filter(rule="benford_nonconformity", computed_over__isnull=True).exists()

    audit(county.county)  # the county's run makes the county's statistic; the township's stays its own
    (theirs,) = benford_over_all(county.county)
    assert theirs.pk != ours.pk and theirs.fingerprint != ours.fingerprint and theirs.unit == county.county
    assert f"computed over the books of {county.county.display_name('en')}" in theirs.message_en
    ours.refresh_from_db()
    assert ours.unit == township and ours.current  # not moved, not "no longer found"

    audit(township)  # found again: the same finding, updated
    assert list(benford_over_all(township)) == [ours]
    # per-line findings are the same findings whichever run finds them
    assert Finding.objects.filter(rule="iou_receipt", unit=village).count() == 27


@pytest.mark.django_db
def test_set_findings_of_one_unit_name_that_unit(county, tmp_path):
    village = county.villages["a"]
    rows = many_rows(village.code, 1)
    rows[1][2] = rows[0][2].replace("0001", "0009")  # a gap in the voucher numbers
    import_rows(county, tmp_path, rows)
    audit(county.county)
    gaps = Finding.objects.filter(rule="voucher_number_gap")
    assert gaps and all(f.unit == village and f.computed_over is None for f in gaps)
    assert all(f"computed over the books of {village.display_name('en')}" in f.message_en for f in gaps)


@pytest.mark.django_db
def test_migration_gives_old_countywide_statistics_their_runs_scope(county):
    import hashlib
    import importlib

    from django.apps import apps
    from django.utils import timezone

    township = county.townships["a"]
    run = AuditRun.objects.create(scope_unit=township, trigger=AuditRunTriggerChoices.MANUAL,
                                  created_at=timezone.now(), status="succeeded")
    old = Finding.objects.create(
        fingerprint=hashlib.sha256(b"benford_nonconformity\n*\n*").hexdigest(), rule="benford_nonconformity",
        severity="info", unit=county.county, message_zh="全县（各单位、各年度合并）金额首位数字 MAD = 0.1452",
        message_en="First-digit MAD for the whole county (all units and years) is 0.1452", source="s",
        standards_version="central", first_run=run, last_run=run)
    migration = importlib.import_module("cleangov.finance.migrations.0003_finding_computed_over")
    migration.scope_the_countywide_statistics(apps, None)
    old.refresh_from_db()
    assert old.unit == township and old.computed_over == township
    assert old.message_en == ("First-digit MAD for all the books audited (all units and years) is 0.1452 "
                              f"(computed over the books of {township.display_name('en')})")
    assert "全县" not in old.message_zh and township.name in old.message_zh
    assert old.fingerprint == hashlib.sha256(f"benford_nonconformity\n{township.code}\n*".encode()).hexdigest()


def test_a_failed_run_says_why_in_words():
    from django.db import OperationalError

    from cleangov.finance.actions import failure_of

    class Deadlock(Exception):
        sqlstate = "40P01"

    try:
        raise OperationalError("deadlock detected") from Deadlock()
    except OperationalError as exc:
        assert failure_of(exc) == AuditRunFailureChoices.CONCURRENT
    assert failure_of(ValueError("boom")) == AuditRunFailureChoices.ERROR
    assert "deadlock" not in str(AuditRunFailureChoices.CONCURRENT.label).lower()


# ---------------------------------------------------------------- races between processes (PostgreSQL)

def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([*cleangov_executable(), *args], env=env_for_test_database(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(procs: list[subprocess.Popen]) -> list[tuple[int, str]]:
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=300)
        out.append((p.returncode, stdout + stderr))
    return out


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_imports_of_one_unit_make_one_batch(county, tmp_path):
    village = county.villages["a"]
    # Two different files (two hashes) over the same period and line ids: only one may be imported.
    first = write_csv(tmp_path, "first.csv", many_rows(village.code, 500))
    second_rows = many_rows(village.code, 500)
    second_rows[0][6] = "另一份文件"
    second = write_csv(tmp_path, "second.csv", second_rows)
    procs = [start("import-vouchers", str(path), "--unit", village.code, "--no-audit", "--quiet")
             for path in (first, second)]
    results = finish(procs)
    codes = sorted(code for code, _out in results)
    assert codes == [0, 2], results
    refused = next(out for code, out in results if code == 2)
    assert "nothing imported" in refused and "IntegrityError" not in refused and "Traceback" not in refused
    assert ImportBatch.objects.count() == 1 and BatchUnit.objects.count() == 1
    assert VoucherLine.objects.count() == 3000


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_overlapping_audit_runs_in_two_workers_both_finish(county, tmp_path):
    # Every line is the township's, so both runs read the same lines and write the same findings
    # (thousands: a write long enough for the two to meet).
    township, _village = seed_two_units(county, tmp_path, blocks=1500)
    runs = []
    for _attempt in range(2):  # twice: the second round updates the findings the first one made
        from cleangov.finance.tasks import start_audit_run

        pair = [start_audit_run(acting_user=None, scope_unit=scope, trigger=AuditRunTriggerChoices.MANUAL)
                for scope in (township, county.county)]
        procs = [start("worker", "--once", "--max-tasks", "1", "--no-startup-delay", "--no-reload",
                       "--tick-seconds", "0") for _ in pair]
        results = finish(procs)
        assert all(code == 0 for code, _out in results), results
        for run in pair:
            run.refresh_from_db()
            assert run.status == AuditRunStatusChoices.SUCCEEDED, (run.failure, run.message)
        runs += pair
    fingerprints = list(Finding.objects.values_list("fingerprint", flat=True))
    assert len(fingerprints) == len(set(fingerprints))
    assert benford_over_all(township).count() == 1 and benford_over_all(county.county).count() == 1
    # one finding per line problem, whichever run found it first
    assert Finding.objects.filter(rule="iou_receipt").count() == 3000
    assert all(r.findings_total > 0 for r in runs)

