"""TOTP two-factor authentication: enrolment, verification after login, enforcement per role."""

from binascii import unhexlify

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cleangov.accounts.choices import RoleChoices
from cleangov.accounts.views import PENDING_KEY_SESSION
from cleangov.core.models import AuditEvent
from tests.support.county import PASSWORD


def code_for(key_hex: str, *, offset_steps: int = 0) -> str:
    return f"{totp(unhexlify(key_hex), t0=-offset_steps * 30):06d}"


def _start_enrolment(client) -> str:
    page = client.get(reverse("accounts:two_factor_setup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "qr" in html  # the QR code is drawn inline on the server
    assert "<img" not in html  # no external QR service
    return client.session[PENDING_KEY_SESSION]


def _enrol(client) -> TOTPDevice:
    key = _start_enrolment(client)
    response = client.post(reverse("accounts:two_factor_setup"), {"token": code_for(key), "name": "phone"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return TOTPDevice.objects.get(key=key)


def test_enrol_with_correct_code_creates_confirmed_device_and_audit_event(login, county):
    user = county.persona(RoleChoices.TOWNSHIP_DISCIPLINE, "a")
    client = login(user)
    device = _enrol(client)
    assert device.user == user and device.confirmed and device.name == "phone"
    event = AuditEvent.objects.get(event_code="accounts.totp_device_enrolled")
    assert event.after == {"device": device.pk, "name": "phone"}
    assert device.key not in str(event.after)  # the secret never reaches the trail
    # The enrolling session counts as verified: the home page opens without another code.
    assert client.get(reverse("core:home")).status_code == 200


def test_secret_shown_for_manual_entry_matches_key(login, county):
    from base64 import b32encode

    client = login(county.persona(RoleChoices.ACCOUNTANT, "a"))
    key = _start_enrolment(client)
    page = client.get(reverse("accounts:two_factor_setup")).content.decode()
    secret = b32encode(unhexlify(key)).decode()
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in page


def test_wrong_code_is_rejected_and_nothing_stored(login, county):
    user = county.persona(RoleChoices.TOWNSHIP_DISCIPLINE, "a")
    client = login(user)
    key = _start_enrolment(client)
    wrong = f"{(int(code_for(key)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:two_factor_setup"), {"token": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(event_code="accounts.totp_device_enrolled").exists()


def test_non_numeric_code_is_a_form_error(login, county):
    client = login(county.persona(RoleChoices.TOWNSHIP_DISCIPLINE, "a"))
    _start_enrolment(client)
    response = client.post(reverse("accounts:two_factor_setup"), {"token": "abcdef"})
    assert response.status_code == 200
    assert "token" in response.context["form"].errors


def test_enrolled_user_must_verify_after_password_login(client, county):
    user = county.persona(RoleChoices.COUNTY_COMMISSION)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = _enrol(client)
    client.post(reverse("accounts:logout"))

    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor_verify"))
    # Every other page sends the half-logged-in user back to the code page.
    home = client.get(reverse("core:home"))
    assert home.status_code == 302 and home.url.startswith(reverse("accounts:two_factor_verify"))
    # Adding a second device is not a way around the first one.
    setup = client.get(reverse("accounts:two_factor_setup"))
    assert setup.status_code == 302 and setup.url.startswith(reverse("accounts:two_factor_verify"))

    wrong = f"{(int(code_for(device.key)) + 1) % 1_000_000:06d}"
    bad = client.post(reverse("accounts:two_factor_verify"), {"token": wrong})
    assert bad.status_code == 200 and bad.context["form"].errors
    device.refresh_from_db()
    device.throttling_failure_count = 0  # a real user waits out the throttle; the test need not
    device.throttling_failure_timestamp = None
    device.last_t = -1
    device.save()
    ok = client.post(reverse("accounts:two_factor_verify") + "?next=/", {"token": code_for(device.key)})
    assert ok.status_code == 302 and ok.url == "/"
    assert client.get(reverse("core:home")).status_code == 200


def test_verify_rejects_offsite_next(client, county):
    user = county.persona(RoleChoices.COUNTY_COMMISSION)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = _enrol(client)
    client.post(reverse("accounts:logout"))
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device.last_t = -1
    device.save()
    response = client.post(reverse("accounts:two_factor_verify") + "?next=https://evil.example/",
                           {"token": code_for(device.key)})
    assert response.status_code == 302
    assert response.url == reverse("core:home")


def test_enforced_role_is_sent_to_setup(login, county, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = [RoleChoices.COUNTY_COMMISSION]
    client = login(county.persona(RoleChoices.COUNTY_COMMISSION))
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor_setup"))
    # Set-up, logout and the language switch stay reachable.
    assert client.get(reverse("accounts:two_factor_setup")).status_code == 200
    assert client.get(reverse("accounts:logout_confirm")).status_code == 200


def test_role_not_enforced_passes_without_device(login, county, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = [RoleChoices.COUNTY_COMMISSION]
    client = login(county.persona(RoleChoices.VILLAGE_SECRETARY, "a"))
    assert client.get(reverse("core:home")).status_code == 200


def test_enforced_role_passes_once_verified(login, county, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = [RoleChoices.COUNTY_COMMISSION]
    client = login(county.persona(RoleChoices.COUNTY_COMMISSION))
    response = client.get(reverse("core:home"))
    assert response.url.startswith(reverse("accounts:two_factor_setup"))
    _enrol(client)
    assert client.get(reverse("core:home")).status_code == 200


def test_security_page_lists_device_and_removal_needs_current_code(login, county):
    user = county.persona(RoleChoices.TOWNSHIP_DISCIPLINE, "a")
    client = login(user)
    device = _enrol(client)
    page = client.get(reverse("accounts:security"))
    assert page.status_code == 200 and "phone" in page.content.decode()

    wrong = client.post(reverse("accounts:security"), {"device_id": device.pk, "token": "12345x"})
    assert wrong.status_code == 200
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    # A code from the next time step: the enrolment code's step may not be reused.
    response = client.post(reverse("accounts:security"),
                           {"device_id": device.pk, "token": code_for(device.key, offset_steps=1)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert AuditEvent.objects.filter(event_code="accounts.totp_device_removed").exists()


def test_cannot_remove_another_users_device(login, county):
    owner = county.persona(RoleChoices.TOWNSHIP_DISCIPLINE, "a")
    owner_client = login(owner)
    device = _enrol(owner_client)
    owner_client.post(reverse("accounts:logout"))
    other = login(county.persona(RoleChoices.TOWNSHIP_DISCIPLINE, "b"))
    response = other.post(reverse("accounts:security"), {"device_id": device.pk, "token": code_for(device.key)})
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


@pytest.mark.parametrize("token", ["", "12345", "1234567"])
def test_malformed_tokens_rejected_by_form(login, county, token):
    client = login(county.persona(RoleChoices.ACCOUNTANT, "a"))
    _start_enrolment(client)
    response = client.post(reverse("accounts:two_factor_setup"), {"token": token})
    assert response.status_code == 200 and "token" in response.context["form"].errors
