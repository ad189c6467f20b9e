"""The home page answers "what do I have to do today": the apps' declared open items merged by due date, and
what changed in the user's scope since their previous visit, for every role, in a bounded number of queries."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cleangov.core.models import HomeVisit, Notification
from cleangov.deadlines.models import Deadline
from tests.support.county import ROLE_SCOPE_LEVEL
from tests.support.finance import make_sample_finding

pytestmark = pytest.mark.django_db


def _section(html: str, section_id: str) -> str:
    return html.split(f'id="{section_id}"', 1)[1].split("</section>", 1)[0]


def _home(client) -> str:
    client.cookies["django_language"] = "en"
    return client.get(reverse("core:home")).content.decode()


def _back_from_holiday(user, hours=3):
    """As if the user's previous visit ended ``hours`` ago (what was made since then counts as new)."""
    then = timezone.now() - timedelta(hours=hours)
    HomeVisit.objects.update_or_create(user=user, defaults={"seen_at": then, "previous_at": None})


def test_deadlines_of_the_user_and_of_their_post_come_first_by_due_date(login, county):
    user = county.persona("village_secretary")
    post = user.person.posts.get()
    common = {"subject_type": "test.thing", "rule": "test.rule", "unit": county.villages["a"]}
    today = timezone.localdate()
    Deadline.objects.create(subject_id="1", title="回复村民提问", due_date=today + timedelta(days=5), status="open",
                            assignee=user, link="/disclosure/", **common)
    Deadline.objects.create(subject_id="2", title="公开三月财务", due_date=today - timedelta(days=2), status="overdue",
                            responsible_post=post, **common)
    Deadline.objects.create(subject_id="3", title="别人的事项", due_date=today, status="open",
                            assignee=county.persona("village_secretary", "b"), **common)
    todo = _section(_home(login(user)), "todo")
    assert todo.index("公开三月财务") < todo.index("回复村民提问")  # overdue first
    assert f"overdue since {(today - timedelta(days=2)):%Y-%m-%d}" in todo and "1 overdue" in todo
    assert '<a href="/disclosure/">回复村民提问</a>' in todo
    assert "别人的事项" not in todo


def test_each_role_reads_its_own_open_items(login, county):
    for _ in range(2):
        make_sample_finding(county.villages["a"])
    discipline = _section(_home(login(county.persona("township_discipline"))), "todo")
    assert "2 findings wait for your decision" in discipline and "/finance/findings/?status=open" in discipline
    member = _section(_home(login(county.persona("supervision_member"))), "todo")
    assert "2 open findings in your units: read them and comment" in member
    accountant = _section(_home(login(county.persona("accountant"))), "todo")
    assert reverse("finance:import_upload") in accountant
    # A township secretary does not read vouchers' findings: nothing of them on their list.
    assert "finding" not in _section(_home(login(county.persona("township_secretary"))), "todo")


def test_letters_to_sign_and_concerns_to_answer(login, county):
    from cleangov.democracy.actions import do_record_concern
    from cleangov.duties.actions import do_create_letter

    village, secretary = county.villages["a"], county.persona("village_secretary")
    letter = do_create_letter(acting_user=None, year=2026, issuer_unit=county.townships["a"],
                              issuer_person=county.persona("township_secretary").person, recipient_unit=village,
                              recipient_person=secretary.person)
    today = timezone.localdate()
    concern = do_record_concern(acting_user=county.persona("liaison_cadre"), unit=village, channel="visit",
                                category="dispute", received_on=today, summary="邻里宅基地纠纷", promise="一周内调解",
                                promised_by=today + timedelta(days=7))
    client = login(secretary)
    todo = _section(_home(client), "todo")
    letter_url = reverse("duties:letter_detail", kwargs={"letter_id": letter.pk})
    concern_url = reverse("democracy:concern_detail", kwargs={"concern_id": concern.pk})
    assert f'href="{letter_url}"' in todo and county.persona("township_secretary").person.name in todo
    assert f'href="{concern_url}"' in todo and concern.code in todo
    assert "邻里宅基地纠纷" not in todo  # what the villager said stays on the concern's page
    assert client.get(letter_url).status_code == 200 and client.get(concern_url).status_code == 200
    # The other village's secretary has neither.
    other = _section(_home(login(county.persona("village_secretary", "b"))), "todo")
    assert letter_url not in other and concern_url not in other


def test_since_the_last_visit(login, county):
    user = county.persona("township_discipline")
    client = login(user)
    assert "This is your first visit" in _section(_home(client), "changes")
    _back_from_holiday(user)
    Notification.objects.create(recipient=user, kind="deadline_overdue", text="逾期：整改事项未完成")
    make_sample_finding(county.villages["a"])
    changes = _section(_home(client), "changes")
    assert "1 new notification" in changes and "1 new finding in your units" in changes
    assert "Your last visit" in changes
    # The trail's new events by kind, linked to the trail filtered on that kind.
    assert 'href="/audit/?event=' in changes
    # Reloading within the visit keeps the same baseline.
    assert "1 new finding in your units" in _section(_home(client), "changes")
    # Someone else's scope: the other township's discipline secretary sees no new finding.
    other = county.persona("township_discipline", "b")
    _back_from_holiday(other)
    assert "new finding" not in _section(_home(login(other)), "changes")


def test_nothing_new_is_said_plainly(login, county):
    user = county.persona("villager_representative")
    HomeVisit.objects.create(user=user, seen_at=timezone.now() - timedelta(hours=1),
                             previous_at=timezone.now() + timedelta(minutes=5))
    # (a previous visit after everything the fixture made: nothing is new)
    assert "Nothing new in your units since then." in _section(_home(login(user)), "changes")


def test_a_new_visit_moves_the_baseline(county):
    from cleangov.core.todo import VISIT_GAP, record_visit

    user = county.persona("village_secretary")
    start = timezone.now()
    assert record_visit(user, start) is None
    assert record_visit(user, start + timedelta(minutes=5)) is None  # the same visit
    later = start + timedelta(minutes=5) + VISIT_GAP + timedelta(seconds=1)
    assert record_visit(user, later) == start + timedelta(minutes=5)
    assert record_visit(user, later + timedelta(minutes=1)) == start + timedelta(minutes=5)


def test_every_role_has_the_panel_every_link_answers_and_queries_are_bounded(login, county,
                                                                             django_assert_max_num_queries):
    make_sample_finding(county.villages["a"])
    for role in ROLE_SCOPE_LEVEL:
        user = county.persona(role)
        client = login(user)
        _back_from_holiday(user, hours=24)
        with django_assert_max_num_queries(60):
            html = _home(client)
        todo, changes = _section(html, "todo"), _section(html, "changes")
        assert "To do today" in todo and "Since your last visit" in changes, role
        for url in set(re.findall(r'href="([^"#][^"]*)"', todo + changes)):
            url = url.replace("&amp;", "&")
            assert client.get(url).status_code == 200, (role, url)
        HomeVisit.objects.filter(user=user).delete()


def test_todo_dates_sort_undated_last():
    from cleangov.core.declarations import Todo
    from cleangov.core.todo import _sort_key

    items = [Todo("c"), Todo("b", due=date(2026, 5, 1)), Todo("a", due=date(2026, 4, 1))]
    assert [t.label for t in sorted(items, key=_sort_key)] == ["a", "b", "c"]


def test_only_a_get_remembers_the_visit(login, county):
    user = county.persona("village_secretary")
    client = login(user)
    client.post(reverse("core:home"))
    assert not HomeVisit.objects.filter(user=user).exists()
    client.get(reverse("core:home"))
    assert HomeVisit.objects.filter(user=user).exists()
