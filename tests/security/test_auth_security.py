"""CSRF on login, lockout through the real login view, Argon2 for new passwords."""

from django.contrib.auth.hashers import identify_hasher
from django.test import Client
from django.urls import reverse

from cleangov.accounts.actions import do_set_password
from cleangov.accounts.choices import RoleChoices
from tests.support.county import PASSWORD


def test_login_post_without_csrf_token_is_refused(county):
    user = county.persona(RoleChoices.VILLAGE_SECRETARY, "a")
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_login_post_with_csrf_token_succeeds(county):
    user = county.persona(RoleChoices.VILLAGE_SECRETARY, "a")
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("accounts:login"))
    token = page.context["csrf_token"]
    response = client.post(reverse("accounts:login"),
                           {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_logout_without_csrf_token_is_refused(county):
    user = county.persona(RoleChoices.VILLAGE_SECRETARY, "a")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post(reverse("accounts:logout")).status_code == 403
    assert "_auth_user_id" in client.session


def test_lockout_after_five_failures(client, county, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    user = county.persona(RoleChoices.TOWNSHIP_DISCIPLINE, "a")
    codes = [client.post(reverse("accounts:login"), {"username": user.username, "password": f"wrong-{i}-x"}
                         ).status_code for i in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    right = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session



def test_lockout_is_per_username_and_address(client, county):
    """Colleagues behind one NAT address are not locked out by one person's failures (docs/access.md)."""
    locked = county.persona(RoleChoices.TOWNSHIP_DISCIPLINE, "a")
    for i in range(5):
        client.post(reverse("accounts:login"), {"username": locked.username, "password": f"wrong-{i}-x"})
    colleague = county.persona(RoleChoices.TOWNSHIP_SECRETARY, "a")
    response = client.post(reverse("accounts:login"), {"username": colleague.username, "password": PASSWORD})
    assert response.status_code == 302
    # The same user from another address is not locked out either.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(reverse("accounts:login"), {"username": locked.username, "password": PASSWORD}
                      ).status_code == 302


def test_unlock_lifts_the_lockout_and_is_audited(client, county):
    from cleangov.accounts.actions import do_unlock_user
    from cleangov.core.models import AuditEvent

    user = county.persona(RoleChoices.TOWNSHIP_DISCIPLINE, "a")
    for i in range(5):
        client.post(reverse("accounts:login"), {"username": user.username, "password": f"wrong-{i}-x"})
    assert client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
                       ).status_code == 429
    admin = county.persona(RoleChoices.SYSADMIN)
    assert do_unlock_user(user, acting_user=admin) >= 1
    event = AuditEvent.objects.get(event_code="accounts.user_unlocked")
    assert event.actor_id == admin.pk and event.subject_id == str(user.pk)
    assert client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
                       ).status_code == 302

def test_success_before_limit_resets_the_counter(client, county):
    user = county.persona(RoleChoices.TOWNSHIP_DISCIPLINE, "a")
    for i in range(4):
        client.post(reverse("accounts:login"), {"username": user.username, "password": f"wrong-{i}-x"})
    assert client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
                       ).status_code == 302
    client.post(reverse("accounts:logout"))
    for i in range(4):
        assert client.post(reverse("accounts:login"), {"username": user.username, "password": f"again-{i}-x"}
                           ).status_code == 200


def test_new_passwords_are_hashed_with_argon2(county):
    user = county.persona(RoleChoices.VILLAGE_SECRETARY, "a")
    do_set_password(user, acting_user=None, password="A-new-long-passphrase-9")
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password("A-new-long-passphrase-9")


def test_session_cookie_is_httponly_and_samesite(client, county):
    user = county.persona(RoleChoices.VILLAGE_SECRETARY, "a")
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
