"""A handler's personal key follows their password: carried over when they change it themselves,
marked for a new set-up when an administrator resets it (the office key then comes back through a
colleague's unlock). Argon2id runs for real, at the tests' cost (conftest.cheap_kdf)."""

import json

import pytest
from django.conf import settings
from django.test import Client

from cleangov.accounts.actions import do_create_user, do_set_password
from cleangov.accounts.choices import RoleChoices as R
from cleangov.core.models import AuditEvent
from cleangov.whistleblowing import actions, keys
from cleangov.whistleblowing.models import HandlerKey, OfficeKeyShare
from tests.support.county import PASSWORD

from .helpers import unlock

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Changed-pass-2026!"
RESET_PASSWORD = "Admin-reset-2026!"


def _report(wb, marker):
    return actions.do_submit_report(subject_unit=wb.villages["a"], subject_name="", category="corruption",
                                    what=marker).report


def _events_text(code):
    rows = AuditEvent.objects.filter(event_code=code)
    return json.dumps([{k: str(v) for k, v in row.__dict__.items() if not k.startswith("_")} for row in rows])


def test_own_password_change_carries_the_key_over(wb):
    handler = wb.persona(R.TOWNSHIP_DISCIPLINE, "a")
    report = _report(wb, "MARKER-rewrap-5521")
    old_blob = bytes(HandlerKey.objects.get(user=handler).encrypted_private_key)
    client = Client()
    client.force_login(handler, backend="django.contrib.auth.backends.ModelBackend")
    assert "Change your password" in client.get("/accounts/password/").content.decode()
    # a wrong current password changes nothing
    response = client.post("/accounts/password/", {"old_password": "not-it", "new_password1": NEW_PASSWORD,
                                                    "new_password2": NEW_PASSWORD})
    assert response.status_code == 200
    assert bytes(HandlerKey.objects.get(user=handler).encrypted_private_key) == old_blob
    response = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                                    "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    handler.refresh_from_db()
    assert handler.check_password(NEW_PASSWORD)
    key = HandlerKey.objects.get(user=handler)
    assert not key.needs_new_setup and bytes(key.encrypted_private_key) != old_blob
    with pytest.raises(keys.WrongPassword):  # the old password opens nothing any more
        keys.open_office_keys(handler, PASSWORD)
    assert wb.townships["a"].pk in keys.open_office_keys(handler, NEW_PASSWORD)
    # the same browser stays logged in, unlocks with the new password and reads the report
    assert client.post("/whistleblowing/keys/", {"password": NEW_PASSWORD}).status_code == 302
    assert "MARKER-rewrap-5521" in client.get(f"/whistleblowing/{report.pk}/").content.decode()
    assert AuditEvent.objects.filter(event_code="whistleblowing.handler_key_rewrapped", actor=handler).count() == 1
    assert AuditEvent.objects.filter(event_code="accounts.password_changed", actor=handler).count() == 1
    for code in ("whistleblowing.handler_key_rewrapped", "accounts.password_changed"):
        text = _events_text(code)
        assert PASSWORD not in text and NEW_PASSWORD not in text


def _admin_reset(wb, user):
    """The Django admin's set-password page, as a system administrator uses it."""
    admin = do_create_user(acting_user=None, username="root-admin", password=PASSWORD, is_superuser=True)
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(f"/django-admin/accounts/user/{user.pk}/password/",
                           {"password1": RESET_PASSWORD, "password2": RESET_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert user.check_password(RESET_PASSWORD)
    return admin


def test_reset_by_an_administrator_needs_a_new_set_up_and_a_colleague(wb):
    handler = wb.persona(R.TOWNSHIP_DISCIPLINE, "a")
    report = _report(wb, "MARKER-reset-8830")
    admin = _admin_reset(wb, handler)
    key = HandlerKey.objects.get(user=handler)
    assert key.needs_new_setup
    event = AuditEvent.objects.get(event_code="whistleblowing.handler_key_needs_setup")
    assert event.actor == admin
    assert RESET_PASSWORD not in _events_text("whistleblowing.handler_key_needs_setup")
    with pytest.raises(keys.WrongPassword):  # the key is under the old password: the server cannot carry it
        keys.open_office_keys(handler, RESET_PASSWORD)
    client = Client()
    client.force_login(handler, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get("/whistleblowing/keys/").content.decode()
    assert 'id="key-needs-setup"' in page and "could not be carried over" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get("/whistleblowing/keys/").content.decode()
    assert 'id="key-needs-setup"' in page and "无法转到新密码" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # typing the new password sets up a new key; no office key is shared with it yet
    assert client.post("/whistleblowing/keys/", {"password": RESET_PASSWORD}).status_code == 302
    key = HandlerKey.objects.get(user=handler)
    assert not key.needs_new_setup and not OfficeKeyShare.objects.filter(handler_key=key).exists()
    assert "MARKER-reset-8830" not in client.get(f"/whistleblowing/{report.pk}/").content.decode()
    # a colleague who holds the office key (the county, through escrow) unlocks: the share is made
    unlock(Client(), wb.persona(R.COUNTY_COMMISSION))
    assert OfficeKeyShare.objects.filter(handler_key=key, office_key__office=wb.townships["a"]).exists()
    assert client.post("/whistleblowing/keys/", {"password": RESET_PASSWORD}).status_code == 302
    assert "MARKER-reset-8830" in client.get(f"/whistleblowing/{report.pk}/").content.decode()


def test_a_password_saved_outside_the_actions_also_marks_the_key(wb):
    """Django's own ``changepassword`` command (and a shell) call set_password and save: the key is
    marked all the same; the demo's password reset goes through do_set_password."""
    county_handler = wb.persona(R.COUNTY_COMMISSION)
    county_handler.set_password(RESET_PASSWORD)
    county_handler.save()
    assert HandlerKey.objects.get(user=county_handler).needs_new_setup
    other = wb.persona(R.TOWNSHIP_DISCIPLINE, "b")
    do_set_password(other, acting_user=None, password=RESET_PASSWORD)
    assert HandlerKey.objects.get(user=other).needs_new_setup
    # while marked, a colleague's unlock shares nothing with the stale key
    stale = HandlerKey.objects.get(user=other)
    before = OfficeKeyShare.objects.filter(handler_key=stale).count()
    unlock(Client(), wb.persona(R.TOWNSHIP_DISCIPLINE, "a"))
    assert OfficeKeyShare.objects.filter(handler_key=stale).count() == before
    # a login that re-hashes a password is not a change
    fresh = wb.persona(R.TOWNSHIP_DISCIPLINE, "a")
    fresh.check_password(PASSWORD)
    assert not HandlerKey.objects.get(user=fresh).needs_new_setup
