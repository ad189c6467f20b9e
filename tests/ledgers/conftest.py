import pytest
from django.utils import timezone

from cleangov.ledgers.actions import do_record_ledger_entry
from cleangov.ledgers.models import LedgerKind
from cleangov.ledgers.setup_data import load_catalog


@pytest.fixture
def kinds(db):
    load_catalog()
    return {k.code: k for k in LedgerKind.objects.select_related("current_version")}


@pytest.fixture
def record(kinds):
    """Record an entry of a kind in a unit through the action (defaults for a village duty log)."""

    def _record(unit, code="cadre_duty", *, event_date=None, values=None, user=None, **kwargs):
        values = values if values is not None else {"on_duty": "张三"}
        return do_record_ledger_entry(unit=unit, kind=kinds[code], event_date=event_date or timezone.localdate(),
                                      title=kwargs.pop("title", ""), values=values, acting_user=user, **kwargs)

    return _record
