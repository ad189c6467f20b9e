"""The audit trail's hash chain: intact after actions, and any direct SQL edit or delete is found."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cleangov.core.audit import verify_chain
from cleangov.core.models import AuditEvent
from cleangov.orgs.actions import do_create_unit, do_update_unit


@pytest.fixture
def chain(db):
    county = do_create_unit(acting_user=None, code="C", name="县", level="county", city="某市")
    township = do_create_unit(acting_user=None, code="C1", name="镇", level="township", parent=county, city="某市")
    do_update_unit(township, acting_user=None, name="新镇")
    return AuditEvent.objects.order_by("seq")


def test_actions_write_chained_events(chain):
    events = list(chain)
    assert [e.event_code for e in events] == ["orgs.unit_created", "orgs.unit_created", "orgs.unit_updated"]
    assert events[2].before["name"] == "镇" and events[2].after["name"] == "新镇"
    assert events[1].prev_hash == events[0].content_hash
    assert verify_chain() == (3, None)


def _sql(statement, params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_direct_sql_update_is_detected(chain):
    target = chain[1]
    _sql("UPDATE core_auditevent SET subject_repr = %s WHERE id = %s", ["篡改", target.pk])
    checked, problem = verify_chain()
    assert checked == 1
    assert problem.seq == 2 and "edited" in problem.reason


def test_direct_sql_delete_in_the_middle_is_detected(chain):
    _sql("DELETE FROM core_auditevent WHERE id = %s", [chain[1].pk])
    _checked, problem = verify_chain()
    assert problem.seq == 3 and "gap" in problem.reason


def test_direct_sql_delete_of_the_last_event_is_detected(chain):
    _sql("DELETE FROM core_auditevent WHERE id = %s", [chain[2].pk])
    _checked, problem = verify_chain()
    assert problem is not None and problem.seq is None and "head" in problem.reason


def test_rehashing_an_edited_event_still_breaks_the_next_link(chain):
    from cleangov.core.audit import compute_hash

    target = chain[0]
    target.subject_repr = "篡改"
    target.content_hash = compute_hash(target)
    _sql("UPDATE core_auditevent SET subject_repr = %s, content_hash = %s WHERE id = %s",
         [target.subject_repr, target.content_hash, target.pk])
    _checked, problem = verify_chain()
    assert problem.seq == 2 and "link" in problem.reason


def test_verify_trail_command_exit_codes(chain, capsys):
    call_command("verify_trail")
    assert "3 events verified" in capsys.readouterr().out
    _sql("UPDATE core_auditevent SET event_code = %s WHERE seq = %s", ["orgs.unit_deleted", 2])
    with pytest.raises(CommandError) as excinfo:
        call_command("verify_trail")
    assert excinfo.value.returncode == 1
    assert "event #2" in str(excinfo.value)
