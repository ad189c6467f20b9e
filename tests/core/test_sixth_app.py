"""Adding an app touches no file of core: a sixth app (tests/sixth_app), declared through
CleanGovAppConfig and added to INSTALLED_APPS and the URL root only, shows up on the home page, in the
navigation, in the worker's periodic jobs, in the audit trail's labels and filter, in the metrics
registry, in setup and in the demo, and its masked field is masked."""

import io

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from cleangov.accounts.choices import RoleChoices
from cleangov.core.audit_ui import event_label, masked_fields_for
from cleangov.core.demo import contributors
from cleangov.core.management.commands.cleangov_setup import setup_hooks
from cleangov.core.metrics import registry
from cleangov.core.periodic import periodic_jobs, schedule_periodic_jobs


@pytest.fixture
def sixth_app(settings):
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "tests.sixth_app"]
    settings.ROOT_URLCONF = "tests.sixth_app.root_urls"


def test_not_there_without_the_app():
    assert "sixth_app.sweep" not in {job.name for job in periodic_jobs()}
    assert event_label("sixth_app.well_inspected") == "sixth_app.well_inspected"


@pytest.mark.usefixtures("sixth_app")
def test_home_card_nav_and_panel_for_the_roles_of_its_access_table(login, county):
    wells = reverse("sixth_app:index")
    village = login(county.persona(RoleChoices.VILLAGE_SECRETARY, "a"))
    html = village.get(reverse("core:home")).content.decode()
    assert "Wells register" in html and "Every village well with its last inspection." in html
    assert html.count(f'href="{wells}"') == 2  # the card and the navigation entry
    assert "Wells panel for " in html
    assert village.get(wells).status_code == 200

    township = login(county.persona(RoleChoices.TOWNSHIP_SECRETARY, "a"))
    html = township.get(reverse("core:home")).content.decode()
    assert "Wells register" not in html and f'href="{wells}"' not in html
    assert township.get(wells).status_code == 404


@pytest.mark.usefixtures("sixth_app")
def test_event_label_in_the_trail_filter(login, county):
    assert event_label("sixth_app.well_inspected") == "Well inspected"
    html = login(county.persona(RoleChoices.COUNTY_COMMISSION)).get(reverse("core:audit_event_list")).content.decode()
    assert 'value="sixth_app.well_inspected"' in html and "Well inspected" in html


@pytest.mark.usefixtures("sixth_app")
def test_periodic_job_is_enqueued_by_the_worker_schedule(db):
    assert "sixth_app.sweep" in {job.name for job in periodic_jobs()}
    schedule_periodic_jobs(every_seconds=600)
    assert DBTaskResult.objects.filter(task_path="tests.sixth_app.tasks.sweep_task").count() == 1


@pytest.mark.usefixtures("sixth_app")
def test_metrics_setup_demo_and_masked_fields(county):
    assert "sixth_app.wells" in registry()
    hooks = dict(setup_hooks())
    out = io.StringIO()
    hooks["sixth_app"](out)
    assert out.getvalue() == "wells ready"
    assert "sixth_app" in dict(contributors())
    assert "gps" in masked_fields_for(county.persona(RoleChoices.COUNTY_COMMISSION))
