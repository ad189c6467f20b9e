"""Login, logout and lockout through the real views (HTTP in, HTTP out)."""

import pytest
from django.urls import reverse

from cleangov.accounts.choices import RoleChoices
from tests.support.county import PASSWORD


def _post_login(client, username, password, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


def test_login_page_renders_form(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html and 'name="password"' in html
    assert 'autocomplete="current-password"' in html


def test_anonymous_home_redirects_to_login(client, db):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_login_with_persona_password_reaches_home(client, county):
    user = county.persona(RoleChoices.VILLAGE_SECRETARY, "a")
    response = _post_login(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("core:home")
    home = client.get(reverse("core:home"))
    assert home.status_code == 200
    assert user.person.name in home.content.decode()


def test_wrong_password_shows_error_and_stays_anonymous(client, county):
    user = county.persona(RoleChoices.VILLAGE_SECRETARY, "a")
    response = _post_login(client, user.username, "not-the-password")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_login_applies_saved_language(client, county):
    user = county.persona(RoleChoices.ACCOUNTANT, "a")
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    response = _post_login(client, user.username, PASSWORD)
    assert response.cookies["django_language"].value == "en"
    home = client.get(reverse("core:home"))
    assert home.content.decode().count('lang="en"') >= 1
    assert "<html lang=\"en\">" in home.content.decode()


def test_logout_is_post_only(login, county):
    client = login(county.persona(RoleChoices.VILLAGE_SECRETARY, "a"))
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    confirm = client.get(reverse("accounts:logout_confirm"))
    assert confirm.status_code == 200
    assert f'action="{reverse("accounts:logout")}"' in confirm.content.decode()
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_logout_confirm_anonymous_goes_to_login(client, db):
    response = client.get(reverse("accounts:logout_confirm"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_lockout_after_failure_limit_renders_template(client, county, settings, language):
    user = county.persona(RoleChoices.VILLAGE_SECRETARY, "b")
    client.cookies["django_language"] = language
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _post_login(client, user.username, "wrong-password-1").status_code == 200
    locked = _post_login(client, user.username, "wrong-password-1")
    assert locked.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in locked.templates]
    # Even the right password is refused while the lock lasts.
    again = _post_login(client, user.username, PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username(client, county, settings):
    victim = county.persona(RoleChoices.VILLAGE_SECRETARY, "b")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post_login(client, victim.username, "wrong-password-1")
    other = county.persona(RoleChoices.VILLAGE_SECRETARY, "a")
    assert _post_login(client, other.username, PASSWORD).status_code == 302


def test_login_page_states_the_configured_failure_limit(client, db, settings):
    settings.AXES_FAILURE_LIMIT = 7
    client.cookies["django_language"] = "en"
    assert "After 7 failed attempts" in client.get(reverse("accounts:login")).content.decode()
