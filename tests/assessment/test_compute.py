"""Scores: weights, missing metrics, bands, unit levels, one metric call per run, frozen snapshots."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cleangov.assessment.actions import do_compute_assessment
from cleangov.assessment.compute import period_for, rank, score_unit
from cleangov.assessment.frameworks import parse_framework
from cleangov.assessment.models import ScoreSnapshot
from cleangov.core.models import AuditEvent

from .helpers import FRAMEWORK, FakeMetrics, load_test_framework

D = Decimal
SPEC = parse_framework(FRAMEWORK)


def test_total_is_the_weighted_mean_over_available_indicators():
    values = {"ledgers.completeness": D("0.5"), "ledgers.burst_count": D(1)}
    total, available, applicable, rows = score_unit(SPEC, "village", values)
    # T-LEDGER 50 (w30), T-BURST 60 (w10), T-FUTURE not available (w20), T-TOWNSHIP does not apply.
    assert (available, applicable) == (D(40), D(60))
    assert total == D("52.50")  # (30*50 + 10*60) / 40
    assert [r["id"] for r in rows] == ["T-LEDGER", "T-BURST", "T-FUTURE"]
    future = rows[2]
    assert future["score"] is None and future["missing"] == ["future.metric"]


def test_all_available_uses_every_weight_and_levels_change_what_applies():
    values = {"ledgers.completeness": D("0.9"), "ledgers.burst_count": D(0), "future.metric": D("0.4")}
    total, available, applicable, _rows = score_unit(SPEC, "township", values)
    assert available == applicable == D(100)
    assert total == D("81.00")  # (30*90 + 10*100 + 20*40 + 40*90) / 100


def test_nothing_available_gives_no_total():
    total, available, applicable, rows = score_unit(SPEC, "village", {})
    assert total is None and available == 0 and applicable == 60
    assert all(r["score"] is None for r in rows)


def test_scores_are_capped_to_the_band():
    spec = parse_framework(FRAMEWORK.replace('"100 * ledgers.completeness"', '"200 * ledgers.completeness"', 1))
    _total, _a, _t, rows = score_unit(spec, "village", {"ledgers.completeness": D("0.9")})
    assert rows[0]["score"] == "100.00" and rows[0]["capped"] is True and rows[0]["raw"] == "180.0000"


def test_periods():
    assert period_for("midyear", 2026) == (date(2026, 1, 1), date(2026, 6, 30))
    assert period_for("year_end", 2026) == (date(2026, 1, 1), date(2026, 12, 31))


def test_rank_per_level_with_ties_and_unavailable_last():
    class S:
        def __init__(self, level, score, path):
            self.unit_level, self.final_score = level, None if score is None else D(score)
            self.unit = type("U", (), {"path": path})()

    snaps = [S("village", "80", "/a/"), S("village", "90", "/b/"), S("village", "80", "/c/"),
             S("village", None, "/d/"), S("township", "70", "/t/")]
    ranked = rank(snaps)
    assert [(s.unit_level, s.rank) for s in ranked] == [
        ("township", 1), ("village", 1), ("village", 2), ("village", 2), ("village", None)]


@pytest.mark.django_db
def test_run_freezes_snapshots_and_recomputation_keeps_the_old(county):
    version = load_test_framework()
    township, village = county.townships["a"], county.villages["a"]
    fake = FakeMetrics({"ledgers.completeness": {township.pk: "0.5", village.pk: "0.8"},
                        "ledgers.burst_count": {township.pk: "0", village.pk: "2"}},
                       evidence={("ledgers.completeness", village.pk): [("会议记录 2026-03-01", "/ledgers/x/")]})
    run1 = do_compute_assessment(framework_version=version, year=2026, scope_unit=township, selection="all",
                                 acting_user=county.persona("county_commission"), metrics=fake.registry(),
                                 as_of=date(2026, 12, 31))
    # One call per metric for all units, never one per unit.
    assert {k: len(v) for k, v in fake.calls.items()} == {"ledgers.completeness": 1, "ledgers.burst_count": 1}
    assert sorted(fake.calls["ledgers.completeness"][0]) == sorted([township.pk, village.pk])
    assert run1.metrics_missing == ["future.metric"] and run1.unit_count == 2
    snap = run1.snapshots.get(unit=village)
    assert snap.computed_score == D("65.00")  # (30*80 + 10*20) / 40
    assert snap.metrics["ledgers.completeness"]["evidence"] == [["会议记录 2026-03-01", "/ledgers/x/"]]
    assert snap.metrics["future.metric"]["available"] is False
    assert AuditEvent.objects.filter(event_code="assessment.score_computed", subject_id=str(snap.pk)).exists()

    fake.values["ledgers.completeness"][village.pk] = "0.1"  # the records change afterwards
    run2 = do_compute_assessment(framework_version=version, year=2026, scope_unit=township, selection="village",
                                 acting_user=None, metrics=fake.registry(), as_of=date(2026, 12, 31))
    assert run2.pk != run1.pk and run2.unit_count == 1
    assert run2.snapshots.get().computed_score == D("12.50")  # (30*10 + 10*20) / 40
    snap.refresh_from_db()
    assert snap.computed_score == D("65.00")  # the frozen snapshot did not move
    assert ScoreSnapshot.objects.filter(unit=village).count() == 2


@pytest.mark.django_db
def test_runs_before_the_period_ends_cover_it_up_to_that_day(county):
    version = load_test_framework()
    fake = FakeMetrics({"ledgers.completeness": {}})
    run = do_compute_assessment(framework_version=version, year=2026, scope_unit=county.townships["a"],
                                selection="all", acting_user=None, metrics=fake.registry(), as_of=date(2026, 11, 26))
    assert (run.period_end, run.as_of) == (date(2026, 12, 31), date(2026, 11, 26))
    with pytest.raises(ValidationError):
        do_compute_assessment(framework_version=version, year=2026, scope_unit=county.townships["a"],
                              selection="all", acting_user=None, metrics=fake.registry(), as_of=date(2025, 12, 1))


@pytest.mark.django_db
def test_real_module_metrics_on_the_fixture_county(county):
    """The installed modules' metrics run through the same path; unbuilt ones are named, not invented."""
    from cleangov.assessment.setup_data import load_framework_file
    from cleangov.core.metrics import registry

    version = load_framework_file(next(p for p in __import__("cleangov.assessment.setup_data", fromlist=["x"])
                                       .default_files() if p.stem == "year_end")).version
    run = do_compute_assessment(framework_version=version, year=2026, scope_unit=county.county, selection="all",
                                acting_user=None, as_of=date(2026, 11, 26))
    published = registry()
    assert run.unit_count == 6  # two townships, two departments, two villages
    assert set(run.metrics_missing) == {m for m in version.parsed.metric_ids() if m not in published}
    # The democracy app publishes the appraisal score; a unit without a closed appraisal has no value.
    assert "democracy.appraisal_score" in published and "democracy.appraisal_score" not in run.metrics_missing
    for snap in run.snapshots.all():
        for ind in snap.indicators:
            if any(m in run.metrics_missing for m in ind["metrics"]):
                assert ind["score"] is None
