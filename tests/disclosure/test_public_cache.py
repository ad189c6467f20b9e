"""A village page read again is answered before the middleware stack, with the reader's own CSRF token,
the headers of the first answer, apart per language, and forgotten when the village publishes."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cleangov.disclosure import actions

from .helpers import published

pytestmark = pytest.mark.django_db

KEPT_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Content-Language",
                "Vary", "Referrer-Policy", "Content-Type")


def _read(client, path, **extra):
    """The answer, and whether the middleware stack behind the portal's first layer ran for it (it sets
    ``request.user``; an answer kept from before does not get that far)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    stack_ran = hasattr(response.wsgi_request, "user")
    assert stack_ran or not queries.captured_queries
    return response, stack_ran


def _token(page: str) -> str:
    start = page.index('name="csrfmiddlewaretoken" value="') + len('name="csrfmiddlewaretoken" value="')
    return page[start:page.index('"', start)]


def test_second_read_runs_no_query_keeps_headers_and_carries_a_working_token(county, client):
    path = f"/public/{county.villages['a'].code}/"
    first, stack_ran = _read(client, path)
    assert first.status_code == 200 and stack_ran
    assert settings.CSRF_COOKIE_NAME in first.cookies  # the stack set the reader's cookie once

    second, stack_ran = _read(client, path)
    assert second.status_code == 200 and not stack_ran
    for header in KEPT_HEADERS:
        assert second[header] == first[header], header
    assert int(second["Content-Length"]) == len(second.content)
    assert "@@cleangov-csrf@@" not in second.content.decode()
    assert second.content.replace(_token(second.content.decode()).encode(), b"") == \
        first.content.replace(_token(first.content.decode()).encode(), b"")

    # The token of a kept page is the reader's own: the language form it belongs to is accepted.
    csrf_client = client.__class__(enforce_csrf_checks=True)
    csrf_client.cookies = client.cookies
    switched = csrf_client.post(reverse("accounts:set_language"), {"language": "en", "next": path,
                                                   "csrfmiddlewaretoken": _token(second.content.decode())})
    assert switched.status_code == 302


def test_reader_without_a_cookie_and_each_language_go_through_the_stack(county, client):
    path = f"/public/{county.villages['a'].code}/"
    _read(client, path)
    client.cookies.clear()
    fresh, stack_ran = _read(client, path)  # no CSRF cookie: the stack runs and sets one
    assert stack_ran and settings.CSRF_COOKIE_NAME in fresh.cookies

    english, _n = _read(client, path, HTTP_ACCEPT_LANGUAGE="en")
    assert english["Content-Language"] == "en"
    again, stack_ran = _read(client, path, HTTP_ACCEPT_LANGUAGE="en")
    assert not stack_ran and again["Content-Language"] == "en" and b"Overdue" in again.content
    chinese, _n = _read(client, path, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese["Content-Language"] == "zh-hans" and b"Overdue" not in chinese.content


def test_forged_cookie_and_unknown_host_are_not_answered_from_the_kept_page(county, client):
    path = f"/public/{county.villages['a'].code}/"
    _read(client, path)
    client.cookies[settings.CSRF_COOKIE_NAME] = "<script>"
    response, stack_ran = _read(client, path)
    assert response.status_code == 200 and stack_ran and b"<script>" not in response.content
    assert response.cookies[settings.CSRF_COOKIE_NAME].value != "<script>"  # replaced by a real one
    assert client.get(path, HTTP_HOST="attacker.example").status_code == 400


def test_publication_forgets_the_kept_page(county, client):
    village = county.villages["a"]
    path = f"/public/{village.code}/"
    d = published(village)
    _read(client, path)
    assert not _read(client, path)[1]
    actions.do_submit_disclosure(d, values={"decisions": "修村道", "relief_amount": "7500"}, reason="漏列一户",
                                 acting_user=None)
    actions.do_sign_disclosure(d, acting_user=None)
    response, stack_ran = _read(client, path)
    assert stack_ran and "漏列一户" in response.content.decode()
