"""The worker's schedule rows survive the move of PeriodicSchedule from deadlines to core: an upgraded
county keeps its deadline tick's next run (no tick storm, no skipped period)."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("deadlines", "0001_initial"), ("core", "0002_periodic_schedule")]
AFTER = [("deadlines", "0002_periodic_schedule_moved_to_core")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def back_to_latest():
    """Leave the test database fully migrated for the tests after this one, whatever happens here."""
    yield
    _migrate(_latest())


@pytest.mark.django_db(transaction=True)
def test_schedule_rows_are_copied_to_core_and_back(back_to_latest):
    old_apps = _migrate(BEFORE)
    next_run = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    old_apps.get_model("deadlines", "PeriodicSchedule").objects.create(
        name="deadlines.tick", next_run_at=next_run, last_task_id="t-41")

    new_apps = _migrate(AFTER)
    row = new_apps.get_model("core", "PeriodicSchedule").objects.get(name="deadlines.tick")
    assert (row.next_run_at, row.last_task_id) == (next_run, "t-41")

    # Reversible: going back puts the row where the old code reads it.
    old_apps = _migrate(BEFORE)
    row = old_apps.get_model("deadlines", "PeriodicSchedule").objects.get(name="deadlines.tick")
    assert (row.next_run_at, row.last_task_id) == (next_run, "t-41")
