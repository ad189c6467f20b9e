"""Every page the shell renders carries a strict CSP and contains no inline script or style."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from cleangov.accounts.choices import RoleChoices
from cleangov.core.models import Notification, TaskProgress


class InlineCodeFinder(HTMLParser):
    """Collects inline <script> bodies, on* handler attributes, style attributes and <style> tags."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            if not attrs.get("src"):
                self.problems.append("inline <script>")
            self._in_script = True
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"handler attribute {name} on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name.startswith("hx-on"):
                self.problems.append(f"{name} (htmx eval) on <{tag}>")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL on <{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append("script body")


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems


def script_src(response) -> str:
    policy = response["Content-Security-Policy"]
    directives = {part.strip().split(" ", 1)[0]: part.strip() for part in policy.split(";") if part.strip()}
    return directives.get("script-src", directives.get("default-src", ""))


def assert_page_is_clean(response):
    assert "Content-Security-Policy" in response, "CSP header missing"
    src = script_src(response)
    assert "'self'" in src
    assert "'unsafe-inline'" not in src and "'unsafe-eval'" not in src
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    if response["Content-Type"].startswith("text/html"):
        problems = inline_code(response.content.decode())
        assert not problems, problems


def test_parser_catches_inline_code():
    """The checker itself must be able to fail."""
    assert inline_code("<script>alert(1)</script>")
    assert inline_code('<button onclick="x()">')
    assert inline_code('<div style="color:red">')
    assert not inline_code('<script src="/static/x.js" defer></script><div class="a"></div>')


@pytest.mark.parametrize("url_name", ["accounts:login", "core:healthz"])
def test_anonymous_pages(client, db, url_name):
    assert_page_is_clean(client.get(reverse(url_name)))


def test_error_pages(client, db, settings):
    settings.DEBUG = False
    response = client.get("/definitely-missing/")
    assert response.status_code == 404
    assert_page_is_clean(response)
    csrf = Client(enforce_csrf_checks=True).post(reverse("accounts:login"), {"username": "a", "password": "b"})
    assert csrf.status_code == 403
    assert_page_is_clean(csrf)


def test_lockout_page(client, county, settings):
    user = county.persona(RoleChoices.VILLAGE_SECRETARY, "a")
    response = None
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("accounts:login"), {"username": user.username, "password": "nope-nope-1"})
    assert response.status_code == 429
    assert_page_is_clean(response)


def test_logged_in_pages(login, county):
    user = county.persona(RoleChoices.COUNTY_COMMISSION)
    Notification.objects.create(recipient=user, kind="x", text="a <b>note</b>")
    TaskProgress.objects.create(task_id="t1", label="L", started_by=user, total=4, done=1, status="running")
    client = login(user)
    pages = [
        reverse("core:home"),
        reverse("accounts:security"),
        reverse("accounts:two_factor_setup"),
        reverse("accounts:logout_confirm"),
        reverse("core:task_progress", args=["t1"]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_page_is_clean(response)
    partial = client.get(reverse("core:task_progress", args=["t1"]), HTTP_HX_REQUEST="true")
    assert_page_is_clean(partial)


def test_notification_text_is_escaped(login, county):
    user = county.persona(RoleChoices.VILLAGE_SECRETARY, "a")
    Notification.objects.create(recipient=user, kind="x", text="<script>alert(1)</script>")
    html = login(user).get(reverse("core:home")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_orgs_pages_if_present(login, county):
    """The orgs UI pages render inside this shell too."""
    urls = [reverse("orgs:tree"), reverse("orgs:unit_detail", args=[county.villages["a"].pk])]
    client = login(county.persona(RoleChoices.COUNTY_COMMISSION))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_page_is_clean(response)


def test_two_factor_verify_and_security_pages_with_a_device(login, county):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = county.persona(RoleChoices.TOWNSHIP_DISCIPLINE, "a")
    # A confirmed device stands in for one enrolled through the set-up page (tested in tests/web).
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = login(user)
    verify = client.get(reverse("accounts:two_factor_verify"))
    assert verify.status_code == 200
    assert_page_is_clean(verify)
    # Unverified, the security page is out of reach; the redirect target is the verify page.
    assert client.get(reverse("accounts:security")).url.startswith(reverse("accounts:two_factor_verify"))
