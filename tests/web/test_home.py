"""The home page per role: greeting, scopes, notifications, honest empty states, links."""

import pytest
from django.urls import reverse
from django.utils import translation

from cleangov.accounts.choices import RoleChoices
from cleangov.core.models import AuditEvent, Notification


def _notify(user, text="逾期：整改事项未完成"):
    # Notifications are created by the deadline engine; a fixture row stands in for it here.
    return Notification.objects.create(recipient=user, kind="deadline_overdue", text=text)


def test_greets_with_name_role_and_scope(login, county):
    user = county.persona(RoleChoices.TOWNSHIP_SECRETARY, "a")
    html = login(user).get(reverse("core:home")).content.decode()
    assert user.person.name in html
    with translation.override("zh-hans"):
        assert str(RoleChoices.TOWNSHIP_SECRETARY.label) in html
    assert county.townships["a"].name in html
    assert county.townships["b"].name not in html


def test_scope_names_in_english(login, county):
    user = county.persona(RoleChoices.VILLAGE_SECRETARY, "a")
    client = login(user)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("core:home")).content.decode()
    assert "Village 1" in html
    assert "Village party secretary" in html


def test_notifications_listed_and_marked_read(login, county):
    user = county.persona(RoleChoices.VILLAGE_SECRETARY, "a")
    note = _notify(user)
    client = login(user)
    html = client.get(reverse("core:home")).content.decode()
    assert note.text in html
    response = client.post(reverse("core:notification_read", args=[note.pk]))
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    assert AuditEvent.objects.filter(event_code="core.notification_read", subject_id=str(note.pk)).count() == 1
    # Marking again changes nothing and writes no second event.
    client.post(reverse("core:notification_read", args=[note.pk]))
    assert AuditEvent.objects.filter(event_code="core.notification_read", subject_id=str(note.pk)).count() == 1


def test_mark_read_with_htmx_returns_the_item(login, county):
    user = county.persona(RoleChoices.VILLAGE_SECRETARY, "a")
    note = _notify(user)
    response = login(user).post(reverse("core:notification_read", args=[note.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith("<li") and f'id="notification-{note.pk}"' in html
    assert "notification-read" in html


def test_cannot_mark_someone_elses_notification(login, county):
    owner = county.persona(RoleChoices.VILLAGE_SECRETARY, "a")
    note = _notify(owner)
    client = login(county.persona(RoleChoices.VILLAGE_SECRETARY, "b"))
    assert client.post(reverse("core:notification_read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None
    assert note.text not in client.get(reverse("core:home")).content.decode()


def test_mark_read_is_post_only(login, county):
    user = county.persona(RoleChoices.VILLAGE_SECRETARY, "a")
    note = _notify(user)
    assert login(user).get(reverse("core:notification_read", args=[note.pk])).status_code == 405


def test_empty_states_are_honest(login, county, monkeypatch):
    from cleangov.core import views
    from cleangov.core.planned import PlannedModule

    client = login(county.persona(RoleChoices.COUNTY_COMMISSION, "a"))
    client.cookies["django_language"] = "en"
    html = client.get(reverse("core:home")).content.decode()
    assert "No notifications" in html
    # Installed modules link to their landing page; every module of the roadmap is installed today.
    assert f'href="{reverse("finance:home")}"' in html
    assert f'href="{reverse("duties:my_duties")}"' in html
    assert "Reports (tip-offs)" in html
    assert "module is not installed" not in html
    # A module still to come says so instead of showing figures.
    monkeypatch.setattr(views, "PLANNED_MODULES", (
        PlannedModule("wells", "Village wells", "A register of wells.", frozenset({"county_commission"})),))
    html = client.get(reverse("core:home")).content.decode()
    assert "Nothing here yet — the “Village wells” module is not installed." in html


@pytest.mark.parametrize("role", [RoleChoices.COUNTY_COMMISSION, RoleChoices.AUDITOR])
def test_county_roles_get_audit_trail_link(login, county, role):
    html = login(county.persona(role)).get(reverse("core:home")).content.decode()
    assert f'href="{reverse("core:audit_event_list")}"' in html


def test_village_roles_get_no_audit_trail_link(login, county):
    html = login(county.persona(RoleChoices.VILLAGE_SECRETARY, "a")).get(reverse("core:home")).content.decode()
    assert f'href="{reverse("core:audit_event_list")}"' not in html


def test_user_without_roles_sees_an_explanation(login, county):
    from cleangov.accounts.actions import do_create_user

    user = do_create_user(acting_user=None, username="newcomer", password=None)
    client = login(user)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("core:home")).content.decode()
    assert "You have no role yet" in html
    assert "Your work in CleanGov" not in html


def test_organisation_tree_link(login, county):
    html = login(county.persona(RoleChoices.VILLAGE_SECRETARY, "a")).get(reverse("core:home")).content.decode()
    assert f'href="{reverse("orgs:tree")}"' in html


def test_nav_marks_current_page(login, county):
    html = login(county.persona(RoleChoices.VILLAGE_SECRETARY, "a")).get(reverse("core:home")).content.decode()
    assert f'<a href="{reverse("core:home")}" aria-current="page">' in html


def test_open_and_overdue_deadlines_listed(login, county):
    from datetime import date

    from cleangov.deadlines.models import Deadline

    user = county.persona(RoleChoices.VILLAGE_SECRETARY, "a")
    village = county.villages["a"]
    # Deadlines are opened by the modules' actions; rows stand in for them here.
    common = {"subject_type": "test.thing", "rule": "test.rule", "unit": village, "assignee": user}
    Deadline.objects.create(subject_id="1", title="公开三月财务", due_date=date(2026, 3, 31), status="overdue",
                            **common)
    Deadline.objects.create(subject_id="2", title="回复村民提问", due_date=date(2026, 12, 1), status="open", **common)
    Deadline.objects.create(subject_id="3", title="已完成的事项", due_date=date(2026, 1, 1), status="met", **common)
    html = login(user).get(reverse("core:home")).content.decode()
    assert "公开三月财务" in html and "回复村民提问" in html
    assert "已完成的事项" not in html
    assert "badge-overdue" in html


def test_no_deadlines_empty_state(login, county):
    client = login(county.persona(RoleChoices.VILLAGE_SECRETARY, "a"))
    client.cookies["django_language"] = "en"
    assert "Nothing to do today: no open items and no deadlines." in client.get(reverse("core:home")).content.decode()


def test_navigation_links_only_to_pages_the_role_may_open(login, county):
    commission = login(county.persona(RoleChoices.COUNTY_COMMISSION)).get(reverse("core:home")).content.decode()
    assert f'href="{reverse("finance:home")}"' in commission
    assert f'href="{reverse("ledgers:index")}"' in commission
    finance_home = login(county.persona(RoleChoices.COUNTY_COMMISSION)).get(reverse("finance:home")).content.decode()
    assert f'href="{reverse("finance:dash_home")}"' in finance_home


def test_navigation_hides_record_books_from_the_system_administrator(client, county):
    client.force_login(county.persona(RoleChoices.SYSADMIN), backend="django.contrib.auth.backends.ModelBackend")
    html = client.get(reverse("core:home")).content.decode()
    assert f'<a href="{reverse("ledgers:index")}"' not in html
    assert client.get(reverse("ledgers:index")).status_code == 404
