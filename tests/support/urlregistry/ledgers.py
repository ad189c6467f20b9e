"""The record books' URLs in the permission matrix (tests/support/urlregistry/__init__.py explains the format)."""

from __future__ import annotations

from . import act, register, view

# The kind the matrix records with: a village kind without required attachments or minutes. Its
# recorders are the "act" roles of ``ledger_entry`` in tests/permission_spec.py.
MATRIX_KIND = "cadre_duty"


def _ensure_kinds():
    from cleangov.ledgers.models import LedgerKind
    from cleangov.ledgers.setup_data import load_catalog

    if not LedgerKind.objects.filter(code=MATRIX_KIND).exists():
        load_catalog()
    return LedgerKind.objects.select_related("current_version").get(code=MATRIX_KIND)


def _entry(fc, side, *, files=(), title="matrix"):
    from django.utils import timezone

    from cleangov.ledgers.actions import do_record_ledger_entry

    kind = _ensure_kinds()
    return do_record_ledger_entry(unit=fc.unit("village", side), kind=kind, event_date=timezone.localdate(),
                                  title=title, values={"on_duty": "matrix"}, files=list(files), acting_user=None)


def _entry_kwargs(fc, side, user):
    return {"entry_id": _entry(fc, side).pk}


def _attachment_kwargs(fc, side, user):
    from cleangov.ledgers.actions import UploadedAttachment

    entry = _entry(fc, side, files=[UploadedAttachment(name="matrix.txt", content=b"matrix")])
    return {"attachment_id": entry.attachment_files.get().pk}


def _record_kwargs(fc, side, user):
    _ensure_kinds()
    return {"unit_id": fc.unit("village", side).pk, "kind_code": MATRIX_KIND}


def _village(fc, side, user):
    return {"unit_id": fc.unit("village", side).pk}


register("ledgers:index", get=view("ledger_book"))
register("ledgers:kind_catalog", get=view("ledger_kind"))
register("ledgers:unit_book", get=view("ledger_book"), kwargs=_village)
register("ledgers:unit_completeness", get=view("ledger_book"), kwargs=_village)
register("ledgers:unit_export", get=view("ledger_export"), kwargs=_village)
# The record and revise forms: an empty POST re-renders the form with its errors (200).
register("ledgers:entry_record", get=act("ledger_entry"), post=act("ledger_entry"), kwargs=_record_kwargs)
register("ledgers:township_overview", get=view("ledger_township_overview"),
         kwargs=lambda fc, side, user: {"unit_id": fc.unit("township", side).pk}, level="township")
register("ledgers:entry_detail", get=view("ledger_entry"), kwargs=_entry_kwargs)
register("ledgers:entry_revise", get=act("ledger_entry"), post=act("ledger_entry"), kwargs=_entry_kwargs)
register("ledgers:attachment_download", get=view("ledger_entry"), kwargs=_attachment_kwargs)
