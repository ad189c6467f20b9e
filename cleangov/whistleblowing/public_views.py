"""The reporter's pages on the public portal: send a report, follow it with the receipt code.

Nothing here reads who the visitor is (core.public.PublicPrivacyMiddleware removed it before us);
uploads are held in memory, never in a temporary file, until they are encrypted; error reports hide
every posted field; responses are not cached; the receipt code is shown once and never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods

from cleangov.core.public import over_rate_limit

from . import crypto
from .actions import ReportingClosed, do_reply_to_report, do_submit_report, open_by_receipt
from .choices import MessageKindChoices, ReportStatusChoices
from .forms import FollowForm, ReplyForm, ReportForm
from .models import Report
from .stripping import UnsupportedFile


class InMemoryUpload(MemoryFileUploadHandler):
    """Keep a report's files in memory up to the public form's limit, so that no plaintext copy is
    ever written to a temporary file."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = content_length <= settings.CLEANGOV_WB_MAX_REQUEST_BYTES


def _busy(request, template, form):
    form.add_error(None, _("Many reports are arriving right now. Wait a minute and send again."))
    return render(request, template, {"form": form}, status=429)


@csrf_exempt  # the upload handlers must be set before the CSRF check reads the body (Django docs)
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def report_form(request):
    request.upload_handlers = [InMemoryUpload(request)]
    return _report_form(request)


@csrf_protect
@sensitive_variables()
def _report_form(request):
    template = "whistleblowing/public/report_form.html"
    if request.method != "POST":
        return render(request, template, {"form": ReportForm()})
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, template, {"form": form}, status=400)
    if over_rate_limit("whistleblowing.submit", settings.CLEANGOV_WB_SUBMIT_PER_MINUTE, 60):
        return _busy(request, template, form)
    data = form.cleaned_data
    try:
        submission = do_submit_report(
            acting_user=None, subject_unit=data["subject_unit"], subject_name=data["subject_name"],
            category=data["category"], what=data["what"], when=data["when"], amount=data["amount"],
            real_name=data["real_name"], contact=data["contact"], files=data["files"])
    except ReportingClosed:
        form.add_error(None, _("Reports to this unit cannot be received online yet: the discipline office has not "
                               "set up its keys. Please use the 12388 hotline."))
        return render(request, template, {"form": form}, status=503)
    except UnsupportedFile as exc:
        form.add_error("files", str(exc))
        return render(request, template, {"form": form}, status=400)
    return render(request, "whistleblowing/public/receipt.html", {
        "code": crypto.format_receipt(submission.receipt_code), "is_real_name": submission.report.is_real_name})


def _follow_page(request, report: Report, report_key: bytes, code: str, reply_form=None, status=200):
    thread = [{"kind": m.kind, "sent_on": m.sent_on, "text": crypto.decrypt(report_key, m.body).decode()}
                for m in report.messages.exclude(kind=MessageKindChoices.NOTE)]
    return render(request, "whistleblowing/public/follow.html", {
        "report": report, "thread": thread, "status": public_status(report),
        "reply_form": reply_form or ReplyForm(initial={"code": code})}, status=status)


def public_status(report: Report) -> str:
    """The status the reporter sees: the stage, and at the end the outcome in words that say
    nothing about who reported."""
    S = ReportStatusChoices
    if report.status in (S.RECEIVED, S.REGISTERED):
        return _("Received; waiting for acceptance.")
    if report.status == S.REPEAT:
        return _("Received; kept with an earlier report on the same matter, which is being handled.")
    if report.status in (S.ACCEPTED, S.IN_DISPOSAL):
        return _("Accepted; being dealt with.")
    if report.status == S.NOT_ACCEPTED:
        return _("Not accepted: %(reason)s") % {"reason": report.get_not_accepted_reason_display()}
    return _("Finished: %(outcome)s") % {"outcome": report.get_outcome_display()}


def _refused(request, form, status=400):
    return render(request, "whistleblowing/public/follow_form.html", {
        "form": form, "error": _("No report matches this receipt code. Check the 16 digits and try again.")},
        status=status)


@sensitive_post_parameters()
@sensitive_variables()
@never_cache
@require_http_methods(["GET", "POST"])
def follow(request):
    if request.method != "POST":
        return render(request, "whistleblowing/public/follow_form.html", {"form": FollowForm()})
    form = FollowForm(request.POST)
    if not form.is_valid():
        return render(request, "whistleblowing/public/follow_form.html", {"form": form}, status=400)
    if over_rate_limit("whistleblowing.follow", settings.CLEANGOV_WB_FOLLOW_PER_MINUTE, 60):
        return _busy(request, "whistleblowing/public/follow_form.html", form)
    code = crypto.normalise_receipt(form.cleaned_data["code"])
    opened = open_by_receipt(code)
    if opened is None:
        return _refused(request, FollowForm())
    return _follow_page(request, *opened, code)


@sensitive_post_parameters()
@sensitive_variables()
@never_cache
@require_http_methods(["POST"])
def reply(request):
    """A reply from the follow-up page (the code travels in the form; the slow check runs again)."""
    form = ReplyForm(request.POST)
    if over_rate_limit("whistleblowing.follow", settings.CLEANGOV_WB_FOLLOW_PER_MINUTE, 60):
        return render(request, "whistleblowing/public/follow_form.html", {
            "form": FollowForm(), "error": _("Many reports are arriving right now. Wait a minute and send again.")},
            status=429)
    opened = open_by_receipt(request.POST.get("code", ""))
    if opened is None:
        return _refused(request, FollowForm())
    report, report_key = opened
    code = crypto.normalise_receipt(request.POST.get("code", ""))
    if not form.is_valid():
        return _follow_page(request, report, report_key, code, reply_form=form, status=400)
    do_reply_to_report(report, report_key=report_key, text=form.cleaned_data["text"])
    return _follow_page(request, report, report_key, code)


@require_GET
def cleared_names(request):
    """People whose names were cleared after a false accusation, at their wish (澄清正名)."""
    from .models import ReportSubject

    rows = (ReportSubject.objects.filter(report__false_accusation=True, report__name_cleared_publicly=True)
            .select_related("person", "report__subject_unit").order_by("-report__closed_on"))
    entries = [{"name": r.person.name, "unit": r.report.subject_unit.name,
                "month": r.report.closed_on.strftime("%Y-%m") if r.report.closed_on else ""} for r in rows]
    return render(request, "whistleblowing/public/cleared.html", {"entries": entries})
