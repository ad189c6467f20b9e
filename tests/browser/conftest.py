"""Playwright with Debian's Chromium (never ``playwright install``), against pytest-django's live server."""

import os
import re
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (scripts/ensure_chromium.sh installs it)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API refuses to start inside a running asyncio loop; Django's async-unsafe
    # guard would then trip on database access from the same thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


class PhoneSession:
    """A 360 px wide, Chinese-locale page that records console errors; ``fits`` screenshots the page and
    fails on any console error or horizontal overflow."""

    def __init__(self, browser, artifacts: Path, prefix: str, width: int = 360):
        self.artifacts, self.prefix, self.width = artifacts, prefix, width
        self.context = browser.new_context(viewport={"width": width, "height": 740}, locale="zh-CN")
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def fits(self, name: str) -> None:
        self.page.wait_for_load_state("networkidle")
        self.page.screenshot(path=str(self.artifacts / f"phone-{self.prefix}-{name}.png"), full_page=True)
        assert not self.errors, self.errors
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.width, f"{name}: page is {width}px wide at {self.width}px"

    def login(self, base_url: str, username: str) -> None:
        from django.urls import reverse

        from tests.support.county import PASSWORD

        self.page.goto(base_url + reverse("accounts:login"))
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.locator("form.form button[type=submit]").click()
        self.page.wait_for_url(re.compile(r"/$"))


@pytest.fixture
def phone(browser, artifacts):
    """Open phone sessions (``phone("ledgers")``); each is closed after the test."""
    sessions: list[PhoneSession] = []

    def open_session(prefix: str) -> PhoneSession:
        sessions.append(PhoneSession(browser, artifacts, prefix))
        return sessions[-1]

    yield open_session
    for session in sessions:
        session.context.close()
