"""``cleangov setup`` and ``cleangov createadmin``."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cleangov.accounts.models import RoleAssignment, User
from cleangov.core.models import AuditEvent
from cleangov.orgs.importing.rank_mapping import read_rank_mapping
from cleangov.orgs.models import RankMapping

pytestmark = pytest.mark.django_db
STRONG = "Qinghe-admin-2025!"


def test_setup_loads_rank_mappings_once(capsys):
    call_command("cleangov_setup")
    out = capsys.readouterr().out
    rows = read_rank_mapping()
    assert f"rank mappings (rank_mapping.csv): {len(rows)} created, 0 changed" in out
    assert dict(RankMapping.objects.values_list("local_grade", "rank")) == dict(rows)
    assert RankMapping.objects.get(local_grade="厅局级副职").rank == "bureau"
    assert RankMapping.objects.get(local_grade="省部级正职").rank == "provincial"
    assert RankMapping.objects.get(local_grade="县处级正职").rank == "other"
    events = AuditEvent.objects.count()
    call_command("cleangov_setup")
    assert "0 created, 0 changed" in capsys.readouterr().out
    assert AuditEvent.objects.count() == events


def test_setup_repairs_a_changed_mapping(capsys):
    call_command("cleangov_setup")
    RankMapping.objects.filter(local_grade="厅局级正职").update(rank="other")
    call_command("cleangov_setup")
    assert "0 created, 1 changed" in capsys.readouterr().out
    assert RankMapping.objects.get(local_grade="厅局级正职").rank == "bureau"


def test_createadmin_needs_a_county(db):
    with pytest.raises(CommandError) as exc:
        call_command("createadmin", "--username", "root", "--password", STRONG)
    assert exc.value.returncode == 2
    assert "no county" in str(exc.value)


def test_createadmin_creates_a_sysadmin_on_the_county_root(county):
    person = county.persona("sysadmin").person
    county.persona("sysadmin").delete()  # free the person for the new account
    call_command("createadmin", "--username", "root", "--password", STRONG, "--person-code", person.code,
                 stdout=io.StringIO())
    user = User.objects.get(username="root")
    assert user.is_superuser and user.is_staff and user.check_password(STRONG)
    assert user.person == person
    assignment = RoleAssignment.objects.get(user=user)
    assert (assignment.role, assignment.unit, assignment.include_subtree) == ("sysadmin", county.county, True)
    assert AuditEvent.objects.filter(event_code="accounts.user_created", subject_id=str(user.pk)).exists()


def test_createadmin_reads_the_password_from_stdin(county, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(STRONG + "\n"))
    call_command("createadmin", "--username", "root", "--password-stdin", stdout=io.StringIO())
    assert User.objects.get(username="root").check_password(STRONG)


@pytest.mark.parametrize(("args", "message"), [
    (["--username", "root", "--password", "12345"], "too short"),
    (["--username", "root", "--password", "password123"], "too common"),
    (["--username", "county_commission_a", "--password", STRONG], "already taken"),
    (["--username", "root", "--password", STRONG, "--person-code", "NOPE"], "no person"),
])
def test_createadmin_rejects_bad_input_with_exit_code_2(county, settings, args, message):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(CommandError) as exc:
        call_command("createadmin", *args, stdout=io.StringIO())
    assert exc.value.returncode == 2
    assert message in str(exc.value)
    assert not User.objects.filter(username="root").exists()
