"""Error pages share the site's look; the health check answers for load balancers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import path, reverse

from cleangov import urls as project_urls
from cleangov.accounts.choices import RoleChoices


def test_404_page_uses_site_template(client, db, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    assert "css/cleangov.css" in response.content.decode()


def test_csrf_failure_page(db, settings):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "403_csrf.html" in [t.name for t in response.templates]


def test_500_template_renders_without_request_context():
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "500" in html and "cleangov.css" in html


def test_403_template_renders():
    from django.template import loader

    html = loader.get_template("403.html").render({})
    assert "403" in html


def test_healthz(client, db):
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200 and response.content == b"ok"


def test_healthz_reachable_during_two_factor_setup(login, county, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = [RoleChoices.COUNTY_COMMISSION]
    client = login(county.persona(RoleChoices.COUNTY_COMMISSION))
    assert client.get(reverse("core:healthz")).status_code == 200



def _boom(request):
    raise RuntimeError("secret detail of a failure")


# A URLconf for the 500 test: the project's, plus one view that fails.
urlpatterns = [path("boom/", _boom), *project_urls.urlpatterns]


def test_500_page_for_a_failing_view_shows_no_details(settings):
    """CleanGov's own 500 page, without a database: no ``db`` fixture, so any query would fail the test."""
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "500" in html and "cleangov.css" in html
    assert "secret detail" not in html and "Traceback" not in html


def test_404_lists_no_url_patterns(client, db, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in html and "django-admin/" not in html and "URLconf" not in html
    zh = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "页面不存在" in zh


@pytest.mark.parametrize(("env", "expected"), [({}, "False"), ({"CLEANGOV_DEBUG": "1"}, "True")])
def test_debug_is_off_unless_asked_for(tmp_path, env, expected):
    """The settings themselves (pytest-django forces DEBUG off, so this runs them in a fresh process)."""
    base = {k: v for k, v in os.environ.items() if k not in {"CLEANGOV_DEBUG", "CLEANGOV_ENV"}}
    result = subprocess.run(
        [sys.executable, "-c", "import django.conf as c, os; os.environ['DJANGO_SETTINGS_MODULE']='cleangov.settings';"
                               "print(c.settings.DEBUG, c.settings.ALLOWED_HOSTS)"],
        env={**base, **env, "CLEANGOV_DATA_DIR": str(tmp_path)}, capture_output=True, text=True, timeout=60,
        check=True, cwd=Path(__file__).resolve().parents[2],
    )
    debug, hosts = result.stdout.strip().split(" ", 1)
    assert debug == expected
    assert "127.0.0.1" in hosts and "localhost" in hosts
