"""The record books' URLs in the permission matrix (cleangov/core/urlregistry.py explains the format)."""

from __future__ import annotations

from cleangov.core.urlregistry import register

from .access import INSPECTOR_ROLES, VIEW_ROLES

# The kind the matrix records with: a village kind without required attachments or minutes.
MATRIX_KIND = "cadre_duty"
# Its recorder roles in the shipped catalog (cleangov/data/ledgers/kinds.yaml).
MATRIX_RECORDERS = frozenset({"village_secretary", "committee_director", "liaison_cadre"})


def _ensure_kinds():
    from .models import LedgerKind
    from .setup_data import load_catalog

    if not LedgerKind.objects.filter(code=MATRIX_KIND).exists():
        load_catalog()
    return LedgerKind.objects.select_related("current_version").get(code=MATRIX_KIND)


def _entry(fc, side, *, files=()):
    from django.utils import timezone

    from .actions import do_record_ledger_entry

    kind = _ensure_kinds()
    return do_record_ledger_entry(unit=fc.unit("village", side), kind=kind, event_date=timezone.localdate(),
                                  title="matrix", values={"on_duty": "matrix"}, files=list(files), acting_user=None)


def _entry_kwargs(fc, side, user):
    return {"entry_id": _entry(fc, side).pk}


def _attachment_kwargs(fc, side, user):
    from .actions import UploadedAttachment

    entry = _entry(fc, side, files=[UploadedAttachment(name="matrix.txt", content=b"matrix")])
    return {"attachment_id": entry.attachment_files.get().pk}


def _record_kwargs(fc, side, user):
    _ensure_kinds()
    return {"unit_id": fc.unit("village", side).pk, "kind_code": MATRIX_KIND}


def _village(fc, side, user):
    return {"unit_id": fc.unit("village", side).pk}


register("ledgers:index", noun="ledger_book", roles=VIEW_ROLES)
register("ledgers:kind_catalog", noun="ledger_kind")
register("ledgers:unit_book", noun="ledger_book", roles=VIEW_ROLES, kwargs=_village)
register("ledgers:unit_completeness", noun="ledger_book", roles=VIEW_ROLES, kwargs=_village)
register("ledgers:unit_export", noun="ledger_export", roles=INSPECTOR_ROLES, kwargs=_village)
register("ledgers:entry_record", noun="ledger_entry_record", roles=MATRIX_RECORDERS, kwargs=_record_kwargs)
register("ledgers:township_overview", noun="ledger_township_overview", roles=INSPECTOR_ROLES,
         kwargs=lambda fc, side, user: {"unit_id": fc.unit("township", side).pk}, level="township")
register("ledgers:entry_detail", noun="ledger_entry", roles=VIEW_ROLES, kwargs=_entry_kwargs)
register("ledgers:entry_revise", noun="ledger_entry_revise", roles=MATRIX_RECORDERS, kwargs=_entry_kwargs)
register("ledgers:attachment_download", noun="ledger_attachment", roles=VIEW_ROLES, kwargs=_attachment_kwargs)
