"""What a person clicks: log in, switch language, home, organisation tree, a village — on a
desktop and on a 360 px phone. No console errors (CSP violations are console errors), no
sideways scrolling on the phone, and screenshots in test-artifacts/ to look at."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cleangov.accounts.choices import RoleChoices
from tests.support.county import PASSWORD

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}


class Walk:
    """One browser context at one width, collecting console errors and checking every page."""

    def __init__(self, browser, base_url, width_name, artifacts):
        self.context = browser.new_context(viewport=VIEWPORTS[width_name], locale="zh-CN")
        self.page = self.context.new_page()
        self.base_url = base_url
        self.width_name = width_name
        self.artifacts = artifacts
        self.errors: list[str] = []
        self.page.on("console", lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error"
                     else None)
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        self.page.on("requestfailed", self._request_failed)

    def _request_failed(self, request):
        # A navigation cancels what the previous page still had in flight (the favicon, say): that is the
        # browser's normal behaviour, not a broken resource. Every other failure is recorded.
        if request.failure == "net::ERR_ABORTED":
            return
        self.errors.append(f"request failed: {request.url} ({request.failure})")

    def goto(self, path):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        self.page.wait_for_load_state("networkidle")

    def check(self, name):
        """No console errors so far, no horizontal overflow on the phone; save a screenshot."""
        self.page.wait_for_load_state("networkidle")
        self.page.screenshot(path=str(self.artifacts / f"{self.width_name}-{name}.png"), full_page=True)
        assert not self.errors, self.errors
        if self.width_name == "phone":
            scroll_width = self.page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= 360, f"{name}: page is {scroll_width}px wide at 360px"

    def close(self):
        self.context.close()


@pytest.fixture
def walk(browser, live_server, artifacts):
    walks = []

    def _make(width_name):
        w = Walk(browser, live_server.url, width_name, artifacts)
        walks.append(w)
        return w

    yield _make
    for w in walks:
        w.close()


def _open_menu_if_collapsed(w):
    toggle = w.page.locator(".navtoggle")
    if toggle.is_visible():
        assert w.page.locator("#mainnav").is_hidden()
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert w.page.locator("#mainnav").is_visible()


@pytest.mark.parametrize("width_name", ["desktop", "phone"])
def test_login_language_home_tree_village(walk, county, width_name):
    user = county.persona(RoleChoices.TOWNSHIP_SECRETARY, "a")
    village = county.villages["a"]
    w = walk(width_name)
    page = w.page

    # The login page opens in Simplified Chinese by default.
    w.goto(reverse("accounts:login"))
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h1").is_visible()
    assert page.locator("input[name=username]").is_visible()
    w.check("01-login-zh")

    # Switch to English with the switcher; the same page comes back in English.
    page.locator(".langswitch button[value=en]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Log in to CleanGov").is_visible()
    w.check("02-login-en")

    # Log in as the township party secretary of township A.
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("heading", name=f"Hello, {user.person.name}").is_visible()
    assert page.get_by_text("Township 1", exact=False).first.is_visible()
    assert page.get_by_role("heading", name="Notifications").is_visible()
    w.check("03-home")

    # The organisation tree, through the main navigation (behind the menu button on a phone).
    _open_menu_if_collapsed(w)
    w.check("04-home-menu-open")
    page.locator("#mainnav").get_by_role("link", name="Organisation").click()
    page.wait_for_url(re.compile(re.escape(reverse("orgs:tree"))))
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Organisation tree").is_visible()
    assert page.locator(".tree").first.get_by_text(village.name_en or village.name).first.is_visible()
    w.check("05-tree")

    # A village page: its name is the heading.
    page.locator(".tree").first.get_by_role("link", name=village.name_en or village.name).first.click()
    page.wait_for_url(re.compile(re.escape(reverse("orgs:unit_detail", args=[village.pk]))))
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").filter(has_text=village.name).is_visible()
    w.check("06-village")

    # The two-factor set-up page (QR code drawn inline) fits the screen too.
    w.goto(reverse("accounts:two_factor_setup"))
    assert page.locator(".qr-box svg").is_visible()
    w.check("07-two-factor-setup")


@pytest.mark.parametrize("width_name", ["desktop", "phone"])
def test_lockout_page_in_chinese(walk, county, settings, width_name):
    user = county.persona(RoleChoices.VILLAGE_SECRETARY, "b")
    w = walk(width_name)
    page = w.page
    w.goto(reverse("accounts:login"))
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", "wrong-password-x")
        page.locator("form.form button[type=submit]").click()
        page.wait_for_load_state("networkidle")
    assert page.locator(".alert-error").is_visible()
    # The 429 response of the last attempt is logged by Chromium as a failed resource load.
    w.errors = [e for e in w.errors if "429" not in e]
    w.check("08-locked-out")


def test_task_progress_polls_until_finished(walk, county):
    from cleangov.core.models import TaskProgress

    user = county.persona(RoleChoices.ACCOUNTANT, "a")
    progress = TaskProgress.objects.create(task_id="browser-task", label="Import vouchers", started_by=user,
                                           total=10, done=3, status="running")
    w = walk("desktop")
    page = w.page
    w.goto(reverse("accounts:login"))
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))
    w.goto(reverse("core:task_progress", args=[progress.task_id]))
    assert page.locator("progress").get_attribute("value") == "30"
    # The worker finishes; the bar, polling every second, picks it up without a reload.
    TaskProgress.objects.filter(pk=progress.pk).update(done=10, status="succeeded", message="10 rows imported")
    # (expect() polls from Playwright's side: page.wait_for_function would need eval, which the CSP forbids.)
    expect(page.locator("progress")).to_have_attribute("value", "100", timeout=5000)
    assert page.get_by_text("10 rows imported").is_visible()
    assert page.locator("[hx-trigger]").count() == 0  # polling stopped
    w.check("09-task-progress")


def test_two_factor_enrolment_on_a_phone(walk, county):
    """Enrol with the key shown for manual entry, as a person without a QR scanner would."""
    from base64 import b32decode

    from django_otp.oath import totp

    user = county.persona(RoleChoices.TOWNSHIP_DISCIPLINE, "a")
    w = walk("phone")
    page = w.page
    w.goto(reverse("accounts:login"))
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))
    w.goto(reverse("accounts:security"))
    page.locator(f"a[href='{reverse('accounts:two_factor_setup')}']").first.click()
    page.wait_for_load_state("networkidle")
    secret = page.locator(".secret").inner_text().replace(" ", "")
    page.fill("input[name=token]", f"{totp(b32decode(secret)):06d}")
    page.fill("input[name=name]", "手机")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(reverse("accounts:security"))))
    page.wait_for_load_state("networkidle")
    assert page.locator(".message-success").is_visible()
    assert page.locator("table").get_by_text("手机").is_visible()
    w.check("10-security-enrolled")
