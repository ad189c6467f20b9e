"""Villagers' questions: proof-of-work and a global rate limit on the form, no address stored, the
answer clock on the deadline engine, escalation to the township by `cleangov tick --date`, public
moderation."""

import base64
import json
from datetime import UTC, date, datetime, timedelta

import altcha
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command

from cleangov.core.models import AuditEvent
from cleangov.deadlines.models import Deadline
from cleangov.disclosure import actions
from cleangov.disclosure.choices import QuestionStatusChoices
from cleangov.disclosure.models import Question

from .helpers import published

pytestmark = pytest.mark.django_db


def _pow():
    challenge = altcha.create_challenge(altcha.ChallengeOptions(hmac_key=settings.ALTCHA_HMAC_KEY, max_number=2000))
    solution = altcha.solve_challenge(challenge.challenge, challenge.salt, challenge.algorithm, challenge.max_number)
    payload = altcha.Payload(challenge.algorithm, challenge.challenge, solution.number, challenge.salt,
                             challenge.signature)
    return base64.b64encode(json.dumps(payload.__dict__).encode()).decode()


def test_asking_needs_proof_of_work_and_stores_no_address(county, client):
    cache.clear()
    d = published(county.villages["a"])
    url = f"/public/{d.unit.code}/item/{d.pk}/ask/"
    refused = client.post(url, {"text": "钱花到哪里了？", "pow": ""}, REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 400 and not Question.objects.exists()
    response = client.post(url, {"text": "钱花到哪里了？", "pow": _pow()}, REMOTE_ADDR="203.0.113.9",
                           HTTP_USER_AGENT="marker-agent")
    assert response.status_code == 302
    q = Question.objects.get()
    assert response["Location"].endswith(f"?ref={q.reference}")
    stored = json.dumps([list(Question.objects.values().get().values()),
                         list(AuditEvent.objects.filter(event_code="disclosure.question_asked").values())],
                        default=str)
    assert "203.0.113.9" not in stored and "marker-agent" not in stored
    assert q.asker_name == "" and q.is_public
    page = client.get(f"/public/questions/?ref={q.reference}").content.decode()
    assert "钱花到哪里了" in page


def test_the_rate_limit_is_a_global_budget_on_the_form(county, client, monkeypatch):
    cache.clear()
    d = published(county.villages["a"])
    monkeypatch.setattr("cleangov.disclosure.public_views.ASK_LIMIT", (1, 60))
    url = f"/public/{d.unit.code}/item/{d.pk}/ask/"
    assert client.post(url, {"text": "一", "pow": _pow()}).status_code == 302
    assert client.post(url, {"text": "二", "pow": _pow()}).status_code == 400
    assert Question.objects.count() == 1


def test_unanswered_question_escalates_to_the_township_and_counts_against_the_village(county):
    village = county.villages["a"]
    d = published(village)
    asked = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Monday
    q = actions.do_ask_question(d, text="补助发给了谁？", acting_user=None, at=asked)
    assert q.due_date == date(2026, 3, 12)  # 10 days (configurable in the catalog)
    clock = Deadline.objects.get(subject_type="disclosure.question", subject_id=str(q.pk))
    call_command("tick", "--date", "2026-03-12")
    clock.refresh_from_db()
    assert clock.status == "open"
    call_command("tick", "--date", "2026-03-13")
    clock.refresh_from_db()
    assert clock.status == "overdue" and clock.escalated_to == county.townships["a"]
    late = actions.do_answer_question(q, answer="见附件名单", acting_user=county.persona("village_secretary"),
                                      at=asked + timedelta(days=15))
    assert late.answered_on_time is False
    clock.refresh_from_db()
    assert clock.status == "met"
    from cleangov.disclosure.metrics import compute_on_time

    result = compute_on_time([village.pk], date(2026, 3, 1), date(2026, 3, 31))[village.pk]
    assert (result.numerator, result.denominator) == (0, 1)


def test_moderation_leaves_a_public_trace(county, client):
    d = published(county.villages["a"])
    q = actions.do_ask_question(d, text="广告：……", acting_user=None)
    private = actions.do_ask_question(d, text="我家的补贴少了", is_public=False, acting_user=None)
    actions.do_hide_question(q, reason="广告", acting_user=county.persona("township_discipline"))
    q.refresh_from_db()
    assert q.status == QuestionStatusChoices.HIDDEN and Question.objects.filter(pk=q.pk).exists()
    page = client.get(f"/public/{d.unit.code}/item/{d.pk}/").content.decode()
    assert "广告：……" not in page and "广告" in page  # the reason, not the text
    assert "我家的补贴少了" not in page
    assert private.reference not in page
