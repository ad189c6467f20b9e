"""Handlers' pages: the inbox, a report, its steps, the office keys, the statistics. Thin: parse,
gate, action, render."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import actions, crypto, keys
from .access import access_report_by_id, require_handler, visible_reports
from .choices import IdentityRequestStatusChoices, MessageKindChoices, ReportCategoryChoices, ReportStatusChoices
from .forms import (
    CloseForm,
    DisposeForm,
    FalseAccusationForm,
    ForwardForm,
    PasswordForm,
    ReasonForm,
    RectificationForm,
    RefuseForm,
    RegisterForm,
    TextForm,
)
from .models import HandlerKey, IdentityRequest, Report
from .stats import build_table, quarter
from .workflow import REPORT_WORKFLOW


@login_required
@require_GET
def inbox(request):
    require_handler(request.user)
    reports = visible_reports(request.user).select_related("office", "subject_unit").order_by(
        "-is_real_name", "received_on", "pk")
    status = request.GET.get("status", "open")
    open_statuses = (ReportStatusChoices.RECEIVED, ReportStatusChoices.REGISTERED, ReportStatusChoices.ACCEPTED,
                     ReportStatusChoices.IN_DISPOSAL)
    if status == "open":
        reports = reports.filter(status__in=open_statuses)
    return render(request, "whistleblowing/inbox.html", {
        "reports": reports[:300], "status": status, "unlocked": bool(keys.unlocked(request)),
        "has_key": HandlerKey.objects.filter(user=request.user).exists()})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def unlock(request):
    """Type the password again to open the office keys for this browser session."""
    require_handler(request.user)
    handler = HandlerKey.objects.filter(user=request.user).first()
    has_key = handler is not None
    needs_setup = has_key and handler.needs_new_setup
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["password"]
        try:
            if not has_key or needs_setup or request.POST.get("reset") == "1":
                actions.do_set_up_handler_key(acting_user=request.user, password=password)
            opened = actions.do_unlock_office_keys(acting_user=request.user, password=password)
        except ValidationError as exc:
            form.add_error("password", exc.messages[0])
        except keys.WrongPassword:
            form.add_error("password", _("This password does not open your key. If your password was changed, "
                                         "set up a new key (another handler's unlock then shares the office key)."))
        else:
            response = redirect("whistleblowing:inbox")
            keys.remember(request, response, opened)
            if not opened:
                flash.info(request, _("Your key is ready, but no office key has been shared with you yet: it will "
                                      "be when another handler of your office unlocks."))
            return response
    return render(request, "whistleblowing/unlock.html", {"form": form, "has_key": has_key and not needs_setup,
                                                          "needs_setup": needs_setup})


@login_required
@require_POST
def lock(request):
    require_handler(request.user)
    response = redirect("whistleblowing:inbox")
    keys.forget(request, response)
    return response


def _report_key(request, report):
    return keys.report_key(report, keys.unlocked(request))


@login_required
@never_cache
@require_GET
def report_detail(request, report_id):
    report = access_report_by_id(request.user, report_id)
    key = _report_key(request, report)
    content = crypto.decrypt_json(key, report.content) if key else None
    attachments, thread = [], []
    if key:
        for a in report.attachments.all():
            attachments.append({"pk": a.pk, **crypto.decrypt_json(key, a.meta)})
        for m in report.messages.select_related("author"):
            thread.append({"kind": m.kind, "author": m.author, "sent_on": m.sent_on,
                           "text": crypto.decrypt(key, m.body).decode(), "is_note": m.kind == MessageKindChoices.NOTE})
    pending = IdentityRequest.objects.filter(report=report, status=IdentityRequestStatusChoices.PENDING).exclude(
        requested_by=request.user).select_related("requested_by")
    steps = [t.name for t in REPORT_WORKFLOW if report.status in t.sources]
    return render(request, "whistleblowing/report_detail.html", {
        "report": report, "content": content, "attachments": attachments, "thread": thread, "key": bool(key),
        "steps": steps, "pending_requests": pending,
        "may_see_identity": actions.may_see_identity(report, request.user),
        "register_form": RegisterForm(candidates=actions.repeat_candidates(report)),
        "refuse_form": RefuseForm(), "forward_form": ForwardForm(), "dispose_form": DisposeForm(),
        "close_form": CloseForm(), "text_form": TextForm(), "reason_form": ReasonForm(),
        "rect_form": RectificationForm(), "false_form": FalseAccusationForm(),
        "subjects": report.subjects.select_related("person"),
    })


def _run(request, report, step):
    """One handler step from its POST form; returns None or raises ValidationError."""
    user, post = request.user, request.POST
    key = _report_key(request, report)

    def need_key():
        if key is None:
            raise ValidationError(_("Unlock the office key first."))
        return key

    def valid(form):
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        return form.cleaned_data

    if step == "register":
        data = valid(RegisterForm(post, candidates=actions.repeat_candidates(report)))
        repeat = Report.objects.filter(pk=data["repeat_of"]).first() if data.get("repeat_of") else None
        actions.do_register_report(report, acting_user=user, repeat_of=repeat)
    elif step == "accept":
        actions.do_accept_report(report, acting_user=user)
    elif step == "not_accept":
        actions.do_refuse_report(report, acting_user=user, reason=valid(RefuseForm(post))["reason"])
    elif step == "forward":
        actions.do_forward_report(report, acting_user=user, to_office=valid(ForwardForm(post))["to_office"],
                                  unlocked=keys.unlocked(request))
    elif step == "dispose":
        data = valid(DisposeForm(post))
        actions.do_dispose_report(report, acting_user=user, method=data["method"], outcome=data["outcome"])
    elif step == "close":
        actions.do_close_report(report, acting_user=user, outcome=valid(CloseForm(post))["outcome"])
    elif step == "transfer":
        actions.do_transfer_report(report, acting_user=user)
    elif step == "tell":
        actions.do_tell_reporter(report, acting_user=user, report_key=need_key(), text=valid(TextForm(post))["text"])
    elif step == "note":
        actions.do_add_report_note(report, acting_user=user, report_key=need_key(), text=valid(TextForm(post))["text"])
    elif step == "recuse":
        actions.do_recuse_from_report(report, acting_user=user, reason=valid(ReasonForm(post))["reason"])
    elif step == "request_identity":
        actions.do_request_reporter_identity(report, acting_user=user, reason=valid(ReasonForm(post))["reason"])
    elif step in ("approve_identity", "refuse_identity"):
        req = get_object_or_404(IdentityRequest, pk=post.get("request"), report=report)
        actions.do_decide_identity_request(req, acting_user=user, approve=step == "approve_identity")
    elif step == "rectification":
        data = valid(RectificationForm(post))
        actions.do_request_rectification_for_report(report, acting_user=user, title=data["title"],
                                                    detail=data["detail"])
    elif step == "false_accusation":
        actions.do_record_false_accusation(report, acting_user=user,
                                           clear_publicly=valid(FalseAccusationForm(post))["clear_publicly"])
    else:
        raise Http404


@login_required
@require_POST
def report_step(request, report_id, step):
    report = access_report_by_id(request.user, report_id, action="handle")
    try:
        _run(request, report, step)
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", None) or [str(exc)]:
            flash.error(request, message)
    else:
        flash.success(request, _("Done."))
    if step == "recuse":
        return redirect("whistleblowing:inbox")
    return redirect("whistleblowing:report_detail", report_id=report.pk)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def reporter_identity(request, report_id):
    """A real-name reporter's identity. The GET only explains (why it is sealed, the two-handler
    rule) and offers the form; the POST reveals it, for a handler whose request a second handler
    approved, or records the request, each with its audit event (纪检监察机关处理检举控告工作规则,
    Art. 47: the reporter is kept confidential)."""
    report = access_report_by_id(request.user, report_id, action="handle" if request.method == "POST" else "view")
    if not report.identity:
        raise Http404
    may_see = actions.may_see_identity(report, request.user)
    form = ReasonForm(request.POST if request.method == "POST" and not may_see else None)
    identity = None
    if request.method == "POST":
        key = _report_key(request, report)
        try:
            if may_see:
                if key is None:
                    return redirect("whistleblowing:unlock")
                identity = actions.do_reveal_reporter_identity(report, acting_user=request.user, report_key=key)
            elif form.is_valid():
                actions.do_request_reporter_identity(report, acting_user=request.user,
                                                     reason=form.cleaned_data["reason"])
                flash.success(request, _("Your request is recorded; a second handler must approve it."))
                return redirect("whistleblowing:report_detail", report_id=report.pk)
        except (ValidationError, PermissionDenied) as exc:
            for message in getattr(exc, "messages", None) or [str(exc)]:
                flash.error(request, message)
            return redirect("whistleblowing:report_detail", report_id=report.pk)
    pending_own = IdentityRequest.objects.filter(report=report, requested_by=request.user,
                                                 status=IdentityRequestStatusChoices.PENDING).exists()
    return render(request, "whistleblowing/identity.html", {
        "report": report, "identity": identity, "may_see": may_see, "form": form, "pending_own": pending_own})


@login_required
@never_cache
@require_GET
def attachment(request, report_id, attachment_id, which):
    """The cleaned copy, or the sealed original (evidence; an audit event says who opened it)."""
    report = access_report_by_id(request.user, report_id)
    item = get_object_or_404(report.attachments, pk=attachment_id)
    if which not in ("clean", "original"):
        raise Http404
    key = _report_key(request, report)
    if key is None:
        return redirect("whistleblowing:unlock")
    meta = crypto.decrypt_json(key, item.meta)
    stored = item.cleaned if which == "clean" else item.original
    with stored.open("rb") as fh:
        data = crypto.decrypt(key, fh.read())
    if which == "original":
        actions.do_open_original_attachment(report, acting_user=request.user)
    response = HttpResponse(data, content_type=meta["content_type"])
    response["Content-Disposition"] = f'attachment; filename="attachment-{item.pk}-{which}"'
    return response


@login_required
@require_GET
def statistics(request):
    """Counts by office × category and status × quarter, with small cells suppressed."""
    require_handler(request.user)
    rows = list(visible_reports(request.user).values_list("office__pk", "office__name", "category", "status",
                                                           "received_on"))
    offices = sorted({(str(o), name) for o, name, *_rest in rows}, key=lambda x: x[1])
    categories = [(c.value, c.label) for c in ReportCategoryChoices]
    by_office = build_table([(str(o), c) for o, _n, c, _s, _d in rows], offices, categories)
    quarters = sorted({quarter(d) for *_r, d in rows})
    statuses = [(s.value, s.label) for s in ReportStatusChoices]
    by_status = build_table([(s, quarter(d)) for _o, _n, _c, s, d in rows], statuses, [(q, q) for q in quarters])
    return render(request, "whistleblowing/statistics.html", {"tables": [
        (_("By office and category"), by_office), (_("By status and quarter"), by_status)]})
