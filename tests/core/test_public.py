"""The public portal's shell: no login, nothing that identifies a visitor, proof-of-work and a global rate limit."""

import base64
import json
import logging

import altcha
import pytest
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from cleangov.core.public import IDENTIFYING_META, ProofOfWorkField, PublicPrivacyMiddleware, over_rate_limit

pytestmark = pytest.mark.django_db


def test_front_page_needs_no_login_and_sets_no_session(client):
    response = client.get("/public/", HTTP_USER_AGENT="Mozilla/5.0 marker-agent", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert response["Referrer-Policy"] == "same-origin"  # no-referrer makes form posts "Origin: null"
    assert b"/accounts/login/" not in response.content


def _seen_by_view(path, **meta):
    seen = {}

    def view(request):
        seen.update(request.META)
        response = HttpResponse("ok")
        response.set_cookie("tracker", "x")
        response.set_cookie(settings.CSRF_COOKIE_NAME, "token")
        return response

    request = RequestFactory().get(path, **meta)
    response = PublicPrivacyMiddleware(view)(request)
    return seen, response


def test_public_request_loses_address_agent_and_referrer_before_any_view():
    meta = {"REMOTE_ADDR": "203.0.113.7", "HTTP_USER_AGENT": "marker-agent", "HTTP_REFERER": "https://x.example/",
            "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    seen, response = _seen_by_view("/public/report/", **meta)
    assert not any(key in seen for key in IDENTIFYING_META if key != "REMOTE_ADDR")
    assert seen["REMOTE_ADDR"] == "0.0.0.0"  # noqa: S104 - the placeholder, not a bind
    assert "203.0.113.7" not in repr(seen) and "marker-agent" not in repr(seen)
    assert "tracker" not in response.cookies and settings.CSRF_COOKIE_NAME in response.cookies


def test_staff_request_is_left_alone():
    seen, response = _seen_by_view("/finance/", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="marker-agent")
    assert seen["REMOTE_ADDR"] == "203.0.113.7" and seen["HTTP_USER_AGENT"] == "marker-agent"
    assert "tracker" in response.cookies


def test_a_public_404_logs_no_address_or_agent(client, caplog):
    with caplog.at_level(logging.DEBUG):
        response = client.get("/public/no-such-page/", HTTP_USER_AGENT="marker-agent", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 404
    logged = " ".join(record.getMessage() + repr(record.__dict__) for record in caplog.records)
    assert "203.0.113.7" not in logged and "marker-agent" not in logged


class _PowForm(forms.Form):
    pow = ProofOfWorkField()


def _solved_payload():
    challenge = altcha.create_challenge(altcha.ChallengeOptions(hmac_key=settings.ALTCHA_HMAC_KEY, max_number=2000))
    solution = altcha.solve_challenge(challenge.challenge, challenge.salt, challenge.algorithm, challenge.max_number)
    payload = altcha.Payload(challenge.algorithm, challenge.challenge, solution.number, challenge.salt,
                             challenge.signature)
    return base64.b64encode(json.dumps(payload.__dict__).encode()).decode()


def test_proof_of_work_accepted_once_and_forgery_refused():
    cache.clear()
    payload = _solved_payload()
    assert _PowForm({"pow": payload}).is_valid()
    assert not _PowForm({"pow": payload}).is_valid()  # a replay
    assert not _PowForm({"pow": ""}).is_valid()
    fields = json.loads(base64.b64decode(_solved_payload()))
    fields["number"] += 1  # a wrong answer under a genuine signature
    forged = base64.b64encode(json.dumps(fields).encode()).decode()
    assert not _PowForm({"pow": forged}).is_valid()


def test_rate_limit_is_a_global_budget():
    cache.clear()
    results = [over_rate_limit("test-form", limit=3, window_seconds=60) for _ in range(5)]
    assert results == [False, False, False, True, True]
