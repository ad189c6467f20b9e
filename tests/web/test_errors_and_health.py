"""Error pages share the site's look; the health check answers for load balancers."""

from django.test import Client
from django.urls import reverse

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
