"""The crawl: every demo role logs in and follows every link and every GET form it can reach from its
home page, in both languages, at 360 px and at 1366 px. It fails on any 404 or 500, any raw identifier
(a snake_case code) in the visible text, any horizontal overflow, any page slower than 1 s, any
``aria-describedby`` naming an id the page does not carry, and any serious or critical axe-core violation
(WCAG 2.1 A and AA rules).

New pages are covered without touching this file: the crawl follows links. To stay within a CI budget
it deduplicates hard: one page per URL pattern (numbers, dates and tokens in the path are wildcards; a
query string counts by its parameter names), at most ``MAX_DEPTH`` clicks from home. Each page is loaded
in the first language for every role, and in the second language by the first role that reaches its
pattern; the 360 px check resizes the loaded page rather than loading it again. Every role's page is
checked for status, words, overflow and time; axe-core runs once per URL pattern across all roles (it
checks the templates, which roles share), in Chinese at 1366 px and in English at 360 px. Login names
are not raw identifiers (the demo's are its role codes), nor are values the audit trail shows as stored
(marked ``data-verbatim``).

axe-core is installed by ``scripts/fetch_static.py --test`` into tests/browser/vendor/ (never served by
the application) and evaluated in the page by the test browser only.
"""

from __future__ import annotations

import re
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest

from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
MAX_DEPTH = 3
MAX_PAGES_PER_ROLE = 120
WIDE, NARROW = 1366, 360
LANGUAGES = ("zh-hans", "en")
SLOW_SECONDS = 1.0
# axe-core is the slowest check (about half a second a page): it runs on each URL pattern twice, in
# Chinese at the desktop width and in English on the phone, so both languages and both widths are covered.
AXE_COMBINATIONS = {(LANGUAGES[0], WIDE), (LANGUAGES[1], NARROW)}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Never followed: leaving the session, switching language (the crawl sets it), the Django admin (the
# system administrator's escape hatch, Django's own pages), static files.
SKIP_PREFIXES = ("/accounts/logout", "/accounts/language", "/i18n/", "/django-admin/", "/static/", "/media/")
# A raw identifier: two or more lower-case words joined by underscores, as codes are stored.
RAW_IDENTIFIER = re.compile(r"(?<![\w/.@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/.@-])")
# Path segments that are values, not places: ids, dates, years, tokens, codes with digits.
VALUE_SEGMENT = re.compile(r"^(\d+|\d{4}-\d{2}(-\d{2})?|[0-9a-f]{8,}|[0-9a-f-]{36}|[A-Z]+-[\w-]+)$")

VISIBLE_TEXT_JS = """() => {
  // What a reader sees, without literal code samples (a column name shown as code is documentation).
  const clone = document.body.cloneNode(true);
  // [data-verbatim] marks stored values shown as stored, on purpose (the audit trail's before → after).
  clone.querySelectorAll('code, kbd, samp, script, style, template, [hidden], [data-verbatim]')
    .forEach(e => e.remove());
  return clone.innerText || clone.textContent;
}"""
LINKS_JS = """() => {
  const out = [];
  for (const a of document.querySelectorAll('a[href]')) {
    out.push({url: a.href, download: a.hasAttribute('download')});
  }
  for (const form of document.querySelectorAll('form')) {
    if ((form.getAttribute('method') || 'get').toLowerCase() !== 'get') continue;
    const params = new URLSearchParams();
    for (const [k, v] of new FormData(form)) { if (typeof v === 'string') params.append(k, v); }
    const action = new URL(form.getAttribute('action') || location.href, location.href);
    action.search = params.toString();
    out.push({url: action.href, download: false});
  }
  return out;
}"""
# Every id an aria-describedby names must be on the page: a field whose help text a template leaves out
# otherwise points a screen reader at nothing (Django adds the reference whenever a field has help text).
DESCRIBEDBY_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('[aria-describedby]')) {
    for (const id of el.getAttribute('aria-describedby').split(/\\s+/).filter(Boolean)) {
      if (!document.getElementById(id)) out.push((el.getAttribute('name') || el.id || el.tagName) + ' → #' + id);
    }
  }
  return out;
}"""
OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
TIMING_JS = """() => { const n = performance.getEntriesByType('navigation')[0];
  return n ? (n.responseEnd - n.startTime) / 1000 : null; }"""
AXE_RUN_JS = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\\n')[1]),
    count: v.nodes.length}));
}"""


def pattern_of(url: str) -> str:
    parts = urlsplit(url)
    segments = ["#" if VALUE_SEGMENT.match(s) else s for s in parts.path.split("/")]
    keys = sorted({k for k, _v in parse_qsl(parts.query, keep_blank_values=True)})
    return "/".join(segments) + ("?" + "&".join(keys) if keys else "")


@dataclass
class RoleCrawl:
    role: str
    pages: int = 0
    downloads: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class Crawler:
    browser: object
    base_url: str
    axe_source: str
    axed: set = field(default_factory=set)
    # Login names are names people chose (the demo's are its role codes), not identifiers to translate.
    usernames: frozenset = frozenset()
    # URL patterns already checked in the second language (by any role).
    translated: set = field(default_factory=set)

    def crawl(self, username: str, password: str, role: str) -> RoleCrawl:
        result = RoleCrawl(role)
        context = self.browser.new_context(viewport={"width": WIDE, "height": 900}, locale="zh-CN")
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
        # A failed sub-resource is reported with its address by the response handler, not by the console.
        page.on("console", lambda msg: errors.append(f"console: {msg.text}")
                if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None)
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
                if r.status >= 400 and r.request.resource_type != "document" and not r.url.endswith("/favicon.ico")
                else None)
        try:
            self._login(page, username, password)
            seen: set[str] = set()
            queue = deque([(self.base_url + "/", 0, "login")])
            while queue and result.pages < MAX_PAGES_PER_ROLE:
                url, depth, source = queue.popleft()
                key = pattern_of(url)
                if key in seen:
                    continue
                seen.add(key)
                links = []
                for language in LANGUAGES:
                    if language != LANGUAGES[0]:
                        if key in self.translated:
                            continue
                        self.translated.add(key)
                    context.add_cookies([{"name": "django_language", "value": language, "url": self.base_url}])
                    errors.clear()
                    found = self._check(page, context, url, language, source, result, errors)
                    if found is None:
                        break
                    links = links or found
                if depth < MAX_DEPTH:
                    for link in links:
                        target = urljoin(url, link["url"]).split("#", 1)[0]
                        if self._follow(target) and pattern_of(target) not in seen:
                            if link["download"]:
                                seen.add(pattern_of(target))
                                self._download(context, target, url, result)
                            else:
                                queue.append((target, depth + 1, url))
        finally:
            context.close()
        return result

    def _follow(self, url: str) -> bool:
        parts = urlsplit(url)
        base = urlsplit(self.base_url)
        return (parts.scheme, parts.netloc) == (base.scheme, base.netloc) and not parts.path.startswith(SKIP_PREFIXES)

    def _login(self, page, username: str, password: str) -> None:
        page.goto(self.base_url + "/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.locator("form.form button[type=submit]").click()
        page.wait_for_load_state("load")
        assert "/accounts/login/" not in page.url, f"{username} could not log in"

    def _download(self, context, url: str, source: str, result: RoleCrawl) -> None:
        response = context.request.get(url)
        result.downloads += 1
        if response.status != 200:
            result.problems.append(f"{response.status} {url} (download, linked from {source})")

    def _check(self, page, context, url, language, source, result, errors):
        path = url[len(self.base_url):]
        where = f"{path} [{language}] (from {source[len(self.base_url):] if source.startswith('http') else source})"
        try:
            response = page.goto(url, wait_until="load")
        except Exception as exc:  # a download starts instead of a page, or the page cannot open
            if "Download is starting" in str(exc):
                self._download(context, url, source, result)
                return None
            result.problems.append(f"cannot open {where}: {exc}")
            return None
        if response is None or response.status != 200:
            result.problems.append(f"{response and response.status} {where}")
            return None
        if not (response.headers.get("content-type") or "").startswith("text/html"):
            result.downloads += 1
            return None
        if language == LANGUAGES[0]:
            result.pages += 1
        seconds = page.evaluate(TIMING_JS) or 0
        if seconds > SLOW_SECONDS:
            # The machine running the suite is shared: one slow answer is measured again before it counts.
            page.reload(wait_until="load")
            seconds = min(seconds, page.evaluate(TIMING_JS) or 0)
            if seconds > SLOW_SECONDS:
                result.problems.append(f"slow {seconds:.2f} s {where}")
        text = page.evaluate(VISIBLE_TEXT_JS)
        raw = sorted(set(RAW_IDENTIFIER.findall(text)) - self.usernames)
        if raw:
            result.problems.append(f"raw identifiers {raw[:8]} on {where}")
        dangling = page.evaluate(DESCRIBEDBY_JS)
        if dangling:
            result.problems.append(f"aria-describedby without its element {dangling[:5]} on {where}")
        links = page.evaluate(LINKS_JS)
        for width in (WIDE, NARROW):
            if width == NARROW:
                page.set_viewport_size({"width": NARROW, "height": 740})
                # Let the page's resize handlers run (they make wide tables keyboard-scrollable) before measuring.
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            overflow = page.evaluate(OVERFLOW_JS)
            if overflow > 0:
                result.problems.append(f"{overflow}px horizontal overflow at {width}px on {where}")
            axe_key = (pattern_of(url), language, width)
            combination = (language, width)
            if combination in AXE_COMBINATIONS and axe_key not in self.axed:
                self.axed.add(axe_key)
                for violation in self._axe(page):
                    result.problems.append(
                        f"axe {violation['impact']} {violation['id']} ({violation['count']} nodes) at {width}px on "
                        f"{where}: {violation['help']}: {'; '.join(violation['nodes'])}")
        page.set_viewport_size({"width": WIDE, "height": 900})
        if errors:
            result.problems.append(f"browser errors on {where}: {errors[:3]}")
        return links

    def _axe(self, page) -> list[dict]:
        if not page.evaluate("() => typeof axe !== 'undefined'"):
            # Evaluated through the DevTools protocol: the page's CSP (no inline script) is left untouched.
            page.evaluate(self.axe_source + "\n;undefined")
        return page.evaluate(AXE_RUN_JS, AXE_TAGS)


@pytest.fixture
def demo_logins(settings, tmp_path):
    """The tiny demo county, built once for the crawl (a few seconds), with a cheap password hasher."""
    from cleangov.orgs.demo.build import build_demo

    settings.DATA_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    outcome = build_demo(size="tiny", log=lambda _line: None)
    return [(login.username, login.password, login.role) for login in outcome.logins]


def test_every_role_reaches_only_good_pages(browser, live_server, demo_logins):
    assert AXE.exists(), "axe-core is missing: run `python scripts/fetch_static.py --test`"
    crawler = Crawler(browser, live_server.url, AXE.read_text(encoding="utf-8"),
                      usernames=frozenset(username for username, _p, _r in demo_logins))
    started = time.monotonic()
    results = []
    for username, password, role in demo_logins:
        role_started = time.monotonic()
        result = crawler.crawl(username, password, role)
        results.append(result)
        print(f"crawl: {role}: {result.pages} pages, {result.downloads} downloads, "
              f"{time.monotonic() - role_started:.1f} s")
    print(f"crawl: {sum(r.pages for r in results)} pages for {len(results)} roles in "
          f"{time.monotonic() - started:.1f} s; axe-core ran on {len(crawler.axed)} pattern × language × width")
    problems = [f"{r.role}: {p}" for r in results for p in r.problems]
    # The whole list goes to a file; the failure message names each kind of problem once with an example.
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "crawl-problems.txt").write_text("\n".join(problems) + "\n", encoding="utf-8")
    kinds: dict[str, list[str]] = {}
    for problem in problems:
        kinds.setdefault(_kind(problem), []).append(problem)
    summary = [f"{len(v)} × {k}\n    e.g. {v[0][:600]}" for k, v in sorted(kinds.items(), key=lambda kv: -len(kv[1]))]
    assert all(r.pages > 1 for r in results), [(r.role, r.pages) for r in results]
    assert not problems, (f"{len(problems)} problems (all in {ARTIFACTS / 'crawl-problems.txt'}):\n"
                          + "\n".join(summary))


def _kind(problem: str) -> str:
    """A problem's kind for the summary: the axe rule, the status code, or the check that failed."""
    text = problem.split(": ", 1)[1]
    if text.startswith("axe "):
        return " ".join(text.split()[:3])
    if text.startswith("raw identifiers"):
        return "raw identifier " + text.split("]", 1)[0].split("[", 1)[1]
    if "horizontal overflow" in text:
        return "horizontal overflow on " + pattern_of("http://x" + text.split(" on ", 1)[1].split(" [", 1)[0])
    return text.split(" [", 1)[0]


def test_pattern_of_deduplicates_values_not_places():
    # A literal specification of the deduplication: values collapse, places and parameter names stay.
    cases = [
        ("http://x/finance/findings/12/", "/finance/findings/#/"),
        ("http://x/finance/findings/?page=2&rule=iou", "/finance/findings/?page&rule"),
        ("http://x/ledgers/QH-T01-V01/2025-03/", "/ledgers/#/#/"),
        ("http://x/orgs/", "/orgs/"),
    ]
    assert [pattern_of(url) for url, _ in cases] == [expected for _, expected in cases]
