"""The offline recovery key: made once from a handler who holds the county key, written once to a
0600 file and never stored; when every holder of the county office key has lost it, the key file
gives a new handler the office keys again. Wrong or malformed files are refused with exit 2."""

import base64
import io
import os
import stat

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from nacl.public import PrivateKey

from cleangov.accounts.choices import RoleChoices as R
from cleangov.core.models import AuditEvent
from cleangov.whistleblowing import actions, keys
from cleangov.whistleblowing.models import HandlerKey, OfficeKey, OfficeKeyShare, RecoveryKey, RecoverySeal
from tests.support.county import PASSWORD

from .helpers import unlock

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "After-the-loss-2026!"


def _make(monkeypatch, path, *, rotate=False, handler=None, password=PASSWORD):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out, err = io.StringIO(), io.StringIO()
    call_command("reporting_recovery_key", out=str(path), handler=handler, password_stdin=True, rotate=rotate,
                 stdout=out, stderr=err)
    return out.getvalue()


def _recover(path, username):
    out = io.StringIO()
    call_command("reporting_recover", key_file=str(path), handler=username, stdout=out)
    return out.getvalue()


def _refused(call, *args, **kwargs) -> str:
    with pytest.raises(CommandError) as info:
        call(*args, **kwargs)
    assert info.value.returncode == 2
    message = str(info.value)
    assert message and "\n" not in message  # one line
    return message


def _report(unit, marker):
    return actions.do_submit_report(subject_unit=unit, subject_name="", category="corruption", what=marker).report


def _private_of(path) -> bytes:
    return keys.parse_recovery_key(path.read_text())


def _stored_anywhere(secret: bytes) -> list[str]:
    """Every row of every table, searched for the secret as bytes, base64 and hex."""
    forms = [secret, base64.b64encode(secret), secret.hex().encode()]
    found = []
    for model in apps.get_models():
        for row in model.objects.values():
            for name, value in row.items():
                blob = bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode()
                if any(form in blob for form in forms):
                    found.append(f"{model._meta.label}.{name}")
    return found


def test_all_holders_lost_then_recovered(wb, tmp_path, monkeypatch):
    county_handler = wb.persona(R.COUNTY_COMMISSION)
    county_report = _report(wb.departments["a"], "MARKER-county-4410")
    township_report = _report(wb.villages["a"], "MARKER-township-4411")
    path = tmp_path / "recovery.key"
    _make(monkeypatch, path, handler=county_handler.username)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    private = _private_of(path)
    recovery = RecoveryKey.objects.get()
    assert bytes(PrivateKey(private).public_key) == bytes(recovery.public_key)
    county_key = OfficeKey.objects.get(office=wb.county)
    assert RecoverySeal.objects.filter(office_key=county_key, recovery_key=recovery).exists()
    assert _stored_anywhere(private) == []  # only the public half is kept
    assert AuditEvent.objects.filter(event_code="whistleblowing.recovery_key_made").count() == 1

    # Every holder loses their key: passwords reset, keys set up again, nobody holds the county key.
    HandlerKey.objects.all().delete()
    keys.set_up_handler_key(county_handler, NEW_PASSWORD)
    assert keys.open_office_keys(county_handler, NEW_PASSWORD) == {}
    output = _recover(path, county_handler.username)
    assert wb.county.name in output
    assert OfficeKeyShare.objects.filter(office_key=county_key, handler_key__user=county_handler).exists()
    event = AuditEvent.objects.get(event_code="whistleblowing.office_key_recovered")
    assert event.unit_id == wb.county.pk and base64.b64encode(private).decode() not in str(event.__dict__)
    client = unlock(Client(), county_handler, NEW_PASSWORD)
    assert "MARKER-county-4410" in client.get(f"/whistleblowing/{county_report.pk}/").content.decode()
    # the township's key comes with it through escrow
    assert "MARKER-township-4411" in client.get(f"/whistleblowing/{township_report.pk}/").content.decode()


def test_wrong_malformed_and_missing_key_files_are_refused(wb, tmp_path, monkeypatch):
    county_handler = wb.persona(R.COUNTY_COMMISSION)
    path = tmp_path / "recovery.key"
    _make(monkeypatch, path, handler=county_handler.username)
    wrong = tmp_path / "wrong.key"
    other = PrivateKey.generate()
    wrong.write_text(keys.recovery_key_text(bytes(other), bytes(other.public_key)))
    assert "not the current recovery key" in _refused(_recover, wrong, county_handler.username)
    malformed = tmp_path / "malformed.key"
    malformed.write_text("cleangov-recovery-v1:not*base64\n")
    assert "base64" in _refused(_recover, malformed, county_handler.username)
    short = tmp_path / "short.key"
    short.write_text("cleangov-recovery-v1:" + base64.b64encode(b"x" * 12).decode() + "\n")
    assert "12 bytes" in _refused(_recover, short, county_handler.username)
    _refused(_recover, tmp_path / "absent.key", county_handler.username)
    assert "no user" in _refused(_recover, path, "nobody")
    # a handler without a key, and a user who handles none of the offices
    HandlerKey.objects.filter(user=county_handler).delete()
    assert "no handler key" in _refused(_recover, path, county_handler.username)
    assert not AuditEvent.objects.filter(event_code="whistleblowing.office_key_recovered").exists()


def test_rotation_needs_the_flag_and_retires_the_old_file(wb, tmp_path, monkeypatch):
    county_handler = wb.persona(R.COUNTY_COMMISSION)
    first = tmp_path / "first.key"
    _make(monkeypatch, first, handler=county_handler.username)
    second = tmp_path / "second.key"
    assert "--rotate" in _refused(_make, monkeypatch, second, handler=county_handler.username)
    assert not second.exists()
    assert "exists" in _refused(_make, monkeypatch, first, handler=county_handler.username, rotate=True)
    assert "does not open" in _refused(_make, monkeypatch, second, handler=county_handler.username, rotate=True,
                                       password="wrong-password")
    assert not second.exists()
    # a township handler cannot open the county key: no recovery key is made from them
    township = wb.persona(R.TOWNSHIP_DISCIPLINE, "a")
    assert wb.county.name in _refused(_make, monkeypatch, second, handler=township.username, rotate=True)
    assert not second.exists() and RecoveryKey.objects.count() == 1
    _make(monkeypatch, second, handler=county_handler.username, rotate=True)
    assert RecoveryKey.objects.count() == 1
    assert AuditEvent.objects.filter(event_code="whistleblowing.recovery_key_rotated").count() == 1
    assert "not the current recovery key" in _refused(_recover, first, county_handler.username)
    assert wb.county.name in _recover(second, county_handler.username)


def test_standard_output_and_offices_made_later(wb, tmp_path, monkeypatch, capsys):
    county_handler = wb.persona(R.COUNTY_COMMISSION)
    OfficeKey.objects.filter(office=wb.townships["b"]).delete()  # township B has no office key yet
    text = _make(monkeypatch, "-", handler=county_handler.username)
    private = keys.parse_recovery_key(text)
    assert _stored_anywhere(private) == []
    later = keys.ensure_office_key(wb.townships["b"])  # made after the recovery key: sealed to it too
    assert RecoverySeal.objects.filter(office_key=later).exists()
    assert wb.townships["b"].pk in keys.open_with_recovery_key(private)
