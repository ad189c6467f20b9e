"""The reports app's entries in the permission matrix (tests/support/urlregistry/__init__.py).

A report about a village is routed to the township discipline office of side "a" or "b": both the
village and the township must lie in the persona's scope; the county commission handles every
office. Keys are set up once with the personas' password, at
libsodium's cheapest Argon2id cost (the protocol is the same; the matrix does not wait on it).
"""

from __future__ import annotations

from django.test import override_settings

from . import act, register, view

CHEAP_KDF = {"CLEANGOV_WB_KDF_OPSLIMIT": 1, "CLEANGOV_WB_KDF_MEMLIMIT": 8192}


def _report(fc, side, **identity):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cleangov.whistleblowing.actions import do_submit_report
    from cleangov.whistleblowing.models import HandlerKey
    from tests.whistleblowing.helpers import set_up_keys

    with override_settings(**CHEAP_KDF):
        if not HandlerKey.objects.exists():
            set_up_keys(fc)
        upload = SimpleUploadedFile("note.txt", "材料".encode(), content_type="text/plain")
        return do_submit_report(subject_unit=fc.unit("village", side), subject_name="", category="corruption",
                                what="矩阵测试", files=[upload], **identity).report


def _report_kwargs(fc, side, user):
    return {"report_id": _report(fc, side).pk}


def _real_name_kwargs(fc, side, user):
    return {"report_id": _report(fc, side, real_name="矩阵实名", contact="13900000000").pk}


def _step_kwargs(fc, side, user):
    return {"report_id": _report(fc, side).pk, "step": "accept"}


def _attachment_kwargs(fc, side, user):
    report = _report(fc, side)
    return {"report_id": report.pk, "attachment_id": report.attachments.get().pk, "which": "clean"}


register("whistleblowing:inbox", get=view("report"))
register("whistleblowing:statistics", get=view("report"))
# An empty POST re-renders the key form with its errors; locking redirects to the inbox.
register("whistleblowing:unlock", get=view("own_report_key"), post=act("own_report_key"))
register("whistleblowing:lock", post=act("own_report_key", 302))
# The forward form offers every discipline office (townships and the county) by name.
register("whistleblowing:report_detail", get=view("report"), kwargs=_report_kwargs, level="village",
         names_shown=("township", "county"))
# The identity page: a GET explains and offers the form; an empty POST (no approval yet, no reason)
# re-renders it with the form's error and records nothing.
register("whistleblowing:reporter_identity", get=view("report"), post=act("report"), kwargs=_real_name_kwargs,
         level="village")
# Every step redirects back to the report (a step the table refuses is explained there).
register("whistleblowing:report_step", post=act("report", 302), kwargs=_step_kwargs, level="village")
# Without the unlocked office key the handler is sent to unlock it first.
register("whistleblowing:attachment", get=view("report", 302), kwargs=_attachment_kwargs, level="village")
