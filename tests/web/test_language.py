"""The language switcher: zh-Hans by default, English on request, remembered for logged-in users."""

from django.urls import reverse

from cleangov.accounts.choices import RoleChoices
from cleangov.core.models import AuditEvent


def test_default_language_is_simplified_chinese(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="zh-hans">' in html


def test_anonymous_switch_sets_cookie_only(client, db):
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302 and response.url == "/accounts/login/"
    assert response.cookies["django_language"].value == "en"
    assert '<html lang="en">' in client.get(reverse("accounts:login")).content.decode()


def test_switch_persists_preference_for_logged_in_user(login, county):
    user = county.persona(RoleChoices.VILLAGE_SECRETARY, "a")
    client = login(user)
    client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "en"
    event = AuditEvent.objects.get(event_code="accounts.language_set")
    assert event.after == {"preferred_language": "en"}
    # Switching to the language already saved writes nothing new.
    client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    assert AuditEvent.objects.filter(event_code="accounts.language_set").count() == 1


def test_unknown_language_is_ignored(login, county):
    user = county.persona(RoleChoices.VILLAGE_SECRETARY, "a")
    client = login(user)
    client.post(reverse("accounts:set_language"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == ""


def test_switch_refuses_offsite_next(client, db):
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil.example" not in response.url


def test_switcher_is_on_every_page_and_posts_to_wrapper(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert f'action="{reverse("accounts:set_language")}"' in html
    assert 'value="zh-hans"' in html and 'value="en"' in html


def test_get_is_not_allowed(client, db):
    assert client.get(reverse("accounts:set_language")).status_code == 405
