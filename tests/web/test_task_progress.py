"""The task-progress partial: visible to the starter only, polls until the task has finished."""

import pytest
from django.urls import reverse

from cleangov.accounts.choices import RoleChoices
from cleangov.core.models import TaskProgress


def _progress(user, **fields):
    defaults = {"task_id": "task-1", "label": "导入凭证", "started_by": user, "done": 30, "total": 120,
                "status": "running", "message": "第 30 行"}
    defaults.update(fields)
    # Progress rows are written by the background worker; a fixture row stands in for it here.
    return TaskProgress.objects.create(**defaults)


def test_running_task_renders_progress_and_polls(login, county):
    user = county.persona(RoleChoices.ACCOUNTANT, "a")
    _progress(user)
    response = login(user).get(reverse("core:task_progress", args=["task-1"]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<progress max="100" value="25">' in html
    assert "25%" in html and "第 30 行" in html
    assert 'hx-trigger="every 1s"' in html and 'hx-swap="outerHTML"' in html
    assert "<html" not in html  # a fragment for htmx, not a page


@pytest.mark.parametrize(("status", "percent"), [("succeeded", 100), ("failed", 25), ("interrupted", 25)])
def test_finished_task_stops_polling(login, county, status, percent):
    user = county.persona(RoleChoices.ACCOUNTANT, "a")
    _progress(user, status=status)
    html = login(user).get(reverse("core:task_progress", args=["task-1"]), HTTP_HX_REQUEST="true").content.decode()
    assert f'value="{percent}"' in html
    assert "hx-trigger" not in html and "hx-get" not in html


def test_full_page_without_htmx(login, county):
    user = county.persona(RoleChoices.ACCOUNTANT, "a")
    _progress(user)
    html = login(user).get(reverse("core:task_progress", args=["task-1"])).content.decode()
    assert "<html" in html and "<progress" in html


def test_other_users_get_404(login, county):
    owner = county.persona(RoleChoices.ACCOUNTANT, "a")
    _progress(owner)
    other = login(county.persona(RoleChoices.COUNTY_COMMISSION))
    assert other.get(reverse("core:task_progress", args=["task-1"])).status_code == 404


def test_missing_task_is_404(login, county):
    client = login(county.persona(RoleChoices.ACCOUNTANT, "a"))
    assert client.get(reverse("core:task_progress", args=["nope"])).status_code == 404


def test_anonymous_is_sent_to_login(client, county):
    _progress(county.persona(RoleChoices.ACCOUNTANT, "a"))
    response = client.get(reverse("core:task_progress", args=["task-1"]))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
