"""Every state change of a report: ``do_<verb>_<noun>(..., *, acting_user)``, atomic, one audit event.

The reporter's own steps (sending the report, replying through the receipt code) write no audit event
at the moment they happen: an event carries the exact time, and the time of a submission is what
would tie a villager to it (GlobaLeaks and SecureDrop keep no such record). A report enters the audit
trail when a handler registers it; a reporter's reply appears there when a handler next acts on the
report. Every other step here writes its event.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleangov.core.audit import record_event, snapshot
from cleangov.core.matters import MatterRef
from cleangov.core.signals import case_requested, problem_found
from cleangov.deadlines.api import cancel_deadlines, create_deadline, meet_deadlines
from cleangov.orgs.conflicts import check_conflict_of_interest, conflicted_person_ids
from cleangov.orgs.models import Unit

from . import crypto, keys
from .choices import (
    IdentityRequestStatusChoices,
    MessageKindChoices,
    ReportDisposalChoices,
    ReportOutcomeChoices,
    ReportStatusChoices,
    RoutingChoices,
)
from .models import IdentityRequest, RecoveryKey, Recusal, Report, ReportAttachment, ReportMessage, ReportSubject
from .routing import match_people, route
from .stripping import clean
from .workflow import (
    ACCEPT_RULE,
    ACCEPT_WORKDAYS,
    ACK_RULE,
    ACK_WORKDAYS,
    REPORT_WORKFLOW,
    RESULT_RULE,
    RESULT_WORKDAYS,
)

S = ReportStatusChoices
REPORT_FIELDS = ("status", "office", "routing", "disposal", "not_accepted_reason", "outcome", "repeat_of",
                 "accepted_on", "closed_on", "acknowledged_on", "result_told_on", "false_accusation",
                 "name_cleared_publicly")


class ReportingClosed(Exception):
    """No office above the report's office holds a key yet: nobody could ever read it."""


@dataclass
class Submission:
    report: Report
    receipt_code: str  # shown once to the reporter, never stored


def _subject_ids(report: Report) -> list[int]:
    return list(report.subjects.values_list("person_id", flat=True))


def _event(report: Report, code: str, acting_user, before=None) -> None:
    record_event(acting_user=acting_user, event_code=code, subject=report, before=before,
                 after=snapshot(report, REPORT_FIELDS), unit=report.office, subject_people=_subject_ids(report))


def _check(report: Report, acting_user) -> None:
    """The handler may not act on a report about themselves or a relative, nor on one they withdrew from."""
    check_conflict_of_interest(acting_user, subject_people=_subject_ids(report))
    if acting_user is not None and Recusal.objects.filter(report=report, user=acting_user).exists():
        raise PermissionDenied(_("You have withdrawn from this report."))


def _step(report: Report, name: str, acting_user) -> None:
    """The workflow table decides whether the step exists from the current state."""
    from cleangov.core.workflow import find_transition

    if find_transition(REPORT_WORKFLOW, report.status, name) is None:
        raise ValidationError(_("This step is not possible while the report is “%(status)s”.")
                              % {"status": report.get_status_display()})


def _next_number(received_on: date) -> str:
    prefix = f"JB{received_on.year}-"
    last = Report.objects.filter(number__startswith=prefix).aggregate(n=Max("number"))["n"]
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:05d}"


# --- the reporter's side (no audit event: see the module docstring) ---------------------------------
@transaction.atomic
def do_submit_report(*, acting_user=None, subject_unit: Unit, subject_name: str, category: str, what: str,
                     when: str = "", amount: str = "", real_name: str = "", contact: str = "",
                     files: Iterable = (), today: date | None = None) -> Submission:
    """Seal a report from the portal and route it; returns the receipt code (to show once)."""
    today = today or timezone.localdate()
    people = match_people(subject_unit, subject_name, today)
    office, routing = route(subject_unit, people, today)
    if not keys.office_key_reachable(office):
        raise ReportingClosed
    office_key = keys.ensure_office_key(office)
    code = crypto.new_receipt_code()
    salt = crypto.new_salt()
    reporter_key, verifier = crypto.receipt_material(code, salt)
    report_key = crypto.new_symmetric_key()
    is_real_name = bool(real_name.strip() and contact.strip())
    report = Report.objects.create(
        number=_next_number(today), office=office, routing=routing, subject_unit=subject_unit, category=category,
        is_real_name=is_real_name, received_on=today,
        receipt_lookup=crypto.receipt_lookup_id(code), receipt_salt=salt, receipt_verifier=verifier,
        key_for_office=crypto.seal_to(office_key.public_key, report_key),
        key_for_reporter=crypto.encrypt(reporter_key, report_key),
        content=crypto.encrypt_json(report_key, {"subject": subject_name, "what": what, "when": when,
                                                 "amount": amount}),
        identity=(crypto.encrypt_json(report_key, {"name": real_name, "contact": contact})
                  if real_name.strip() or contact.strip() else None),
    )
    ReportSubject.objects.bulk_create([ReportSubject(report=report, person_id=pid) for pid in people])
    for upload in files:
        _store_attachment(report, report_key, upload.name, upload.read())
    return Submission(report, code)


def _store_attachment(report: Report, report_key: bytes, name: str, data: bytes) -> ReportAttachment:
    cleaned = clean(name, data)  # UnsupportedFile for a type we do not take
    attachment = ReportAttachment(report=report, meta=crypto.encrypt_json(report_key, {
        "name": name, "content_type": cleaned.content_type, "size": len(data), "removed": cleaned.removed}))
    # Random file names: the name a reporter gave a file is encrypted with the rest.
    attachment.original.save(f"{crypto.new_receipt_code()}.bin", ContentFile(crypto.encrypt(report_key, data)),
                             save=False)
    attachment.cleaned.save(f"{crypto.new_receipt_code()}.bin",
                            ContentFile(crypto.encrypt(report_key, cleaned.data)), save=False)
    attachment.save()
    return attachment


def open_by_receipt(code: str) -> tuple[Report, bytes] | None:
    """(report, report key) for a receipt code, or None. The slow derivation always runs, on the
    report's salt or on a dummy one, so a wrong code takes as long as a right one."""
    code = crypto.normalise_receipt(code)
    report = Report.objects.filter(receipt_lookup=crypto.receipt_lookup_id(code)).first() if code else None
    salt = bytes(report.receipt_salt) if report else crypto.DUMMY_SALT
    reporter_key, verifier = crypto.receipt_material(code or "0", salt)
    expected = report.receipt_verifier if report else crypto.DUMMY_VERIFIER
    if not crypto.verifier_matches(expected, verifier) or report is None:
        return None
    return report, crypto.decrypt(reporter_key, report.key_for_reporter)


@transaction.atomic
def do_reply_to_report(report: Report, *, acting_user=None, report_key: bytes, text: str,
                       today: date | None = None) -> ReportMessage:
    """The reporter's message, through the receipt code (dated, never timed)."""
    if not text.strip():
        raise ValidationError({"text": _("Write a message.")})
    return ReportMessage.objects.create(report=report, kind=MessageKindChoices.FROM_REPORTER,
                                        sent_on=today or timezone.localdate(),
                                        body=crypto.encrypt(report_key, text.encode()))


# --- handlers -------------------------------------------------------------------------------------
def repeat_candidates(report: Report) -> list[Report]:
    """Earlier first reports about one of the same people, or about the same unit in the same
    category when nobody registered is named (2020 rules, Art. 14: repeat reports are kept with the first)."""
    people = _subject_ids(report)
    qs = Report.objects.exclude(pk=report.pk).exclude(status__in=(S.RECEIVED, S.REPEAT)).filter(
        received_on__lte=report.received_on)
    if people:
        qs = qs.filter(subjects__person_id__in=people)
    else:
        qs = qs.filter(subject_unit=report.subject_unit, category=report.category, subjects__isnull=True)
    return list(qs.distinct().order_by("-received_on")[:10])


def _auto_recusals(report: Report, today: date) -> None:
    """Handlers of the office related to a person reported on are withdrawn, and it is recorded."""
    from cleangov.accounts.models import User

    people = set(_subject_ids(report))
    if not people:
        return
    for user in User.objects.filter(pk__in=keys.handler_user_ids(report.office)).select_related("person"):
        if conflicted_person_ids(user) & people:
            Recusal.objects.get_or_create(report=report, user=user, defaults={
                "reason": str(_("Registered relation with a person reported on (withdrawn automatically)")),
                "recorded_on": today})


@transaction.atomic
def do_register_report(report: Report, *, acting_user, repeat_of: Report | None = None,
                       today: date | None = None) -> Report:
    """Register a received report: a first report starts its clocks; a repeat is linked to the earlier one."""
    _check(report, acting_user)
    today = today or timezone.localdate()
    before = snapshot(report, REPORT_FIELDS)
    people = _subject_ids(report)
    if repeat_of is not None:
        _step(report, "register_repeat", acting_user)
        if repeat_of.pk == report.pk:
            raise ValidationError({"repeat_of": _("A report cannot repeat itself.")})
        report.status, report.repeat_of = S.REPEAT, repeat_of
        report.save(update_fields=["status", "repeat_of"])
        _auto_recusals(report, today)
        _event(report, "whistleblowing.report_registered_repeat", acting_user, before)
        return report
    _step(report, "register", acting_user)
    report.status = S.REGISTERED
    report.save(update_fields=["status"])
    _auto_recusals(report, today)
    link = f"/whistleblowing/{report.pk}/"
    create_deadline(report, ACCEPT_RULE, report.received_on, workdays=ACCEPT_WORKDAYS, unit=report.office,
                    acting_user=acting_user, title=str(_("Accept, forward or refuse the report")), link=link,
                    subject_people=people)
    if report.is_real_name:
        create_deadline(report, ACK_RULE, report.received_on, workdays=ACK_WORKDAYS, unit=report.office,
                        acting_user=acting_user, title=str(_("Tell the real-name reporter of acceptance")),
                        link=link, subject_people=people)
    _event(report, "whistleblowing.report_registered", acting_user, before)
    return report


@transaction.atomic
def do_accept_report(report: Report, *, acting_user, today: date | None = None) -> Report:
    _check(report, acting_user)
    _step(report, "accept", acting_user)
    before = snapshot(report, REPORT_FIELDS)
    report.status, report.accepted_on = S.ACCEPTED, today or timezone.localdate()
    report.save(update_fields=["status", "accepted_on"])
    meet_deadlines(report, rule=ACCEPT_RULE, acting_user=acting_user)
    _event(report, "whistleblowing.report_accepted", acting_user, before)
    return report


def _start_result_clock(report: Report, acting_user, day: date) -> None:
    if report.is_real_name:
        create_deadline(report, RESULT_RULE, day, workdays=RESULT_WORKDAYS, unit=report.office,
                        acting_user=acting_user, title=str(_("Tell the real-name reporter the result")),
                        link=f"/whistleblowing/{report.pk}/", subject_people=_subject_ids(report))


@transaction.atomic
def do_refuse_report(report: Report, *, acting_user, reason: str, today: date | None = None) -> Report:
    """Not accepted, with one of the rules' reasons."""
    from .choices import NotAcceptedReasonChoices

    _check(report, acting_user)
    _step(report, "not_accept", acting_user)
    if reason not in NotAcceptedReasonChoices.values:
        raise ValidationError({"reason": _("Choose why the report is not accepted.")})
    today = today or timezone.localdate()
    before = snapshot(report, REPORT_FIELDS)
    report.status, report.not_accepted_reason, report.closed_on = S.NOT_ACCEPTED, reason, today
    report.outcome = ReportOutcomeChoices.NO_ACTION
    report.save(update_fields=["status", "not_accepted_reason", "closed_on", "outcome"])
    meet_deadlines(report, rule=ACCEPT_RULE, acting_user=acting_user)
    cancel_deadlines(report, rule=ACK_RULE, acting_user=acting_user, reason=str(_("Report not accepted")))
    _start_result_clock(report, acting_user, today)
    _event(report, "whistleblowing.report_not_accepted", acting_user, before)
    return report


@transaction.atomic
def do_forward_report(report: Report, *, acting_user, to_office: Unit, unlocked: dict[int, bytes],
                      today: date | None = None) -> Report:
    """Forward a registered report to another office: its key is sealed to that office (the current
    office's key must be unlocked), and that office's 5-day clock starts (2020 rules, Art. 16)."""
    from .routing import OFFICE_LEVELS

    _check(report, acting_user)
    if report.status != S.REGISTERED:
        raise ValidationError(_("Only a registered report can be forwarded."))
    if to_office.level not in OFFICE_LEVELS or to_office.pk == report.office_id:
        raise ValidationError({"to_office": _("Choose another discipline office.")})
    report_key = keys.report_key(report, unlocked)
    if report_key is None:
        raise ValidationError(_("Unlock the office key first."))
    today = today or timezone.localdate()
    before = snapshot(report, REPORT_FIELDS)
    target_key = keys.ensure_office_key(to_office)
    report.office, report.routing = to_office, RoutingChoices.FORWARDED
    report.key_for_office = crypto.seal_to(target_key.public_key, report_key)
    report.save(update_fields=["office", "routing", "key_for_office"])
    cancel_deadlines(report, rule=ACCEPT_RULE, acting_user=acting_user, reason=str(_("Forwarded to another office")))
    create_deadline(report, ACCEPT_RULE, today, workdays=ACCEPT_WORKDAYS, unit=to_office, acting_user=acting_user,
                    title=str(_("Accept, forward or refuse the report")), link=f"/whistleblowing/{report.pk}/",
                    subject_people=_subject_ids(report))
    _event(report, "whistleblowing.report_forwarded", acting_user, before)
    return report


@transaction.atomic
def do_dispose_report(report: Report, *, acting_user, method: str, outcome: str = "",
                      today: date | None = None) -> Report:
    """Dispose of an accepted report by one of the four methods, or transfer it to investigation
    (2020 rules, Art. 17). 予以了结 closes it with an outcome for the reporter."""
    D = ReportDisposalChoices
    if method == D.CLOSE:
        return do_close_report(report, acting_user=acting_user, outcome=outcome, today=today, disposal=D.CLOSE)
    if method == D.INVESTIGATION:
        return do_transfer_report(report, acting_user=acting_user, today=today)
    if method not in (D.TALK_INQUIRY, D.PRELIMINARY_VERIFICATION, D.HOLD_PENDING):
        raise ValidationError({"method": _("Choose a method of disposal.")})
    _check(report, acting_user)
    _step(report, "dispose", acting_user)
    before = snapshot(report, REPORT_FIELDS)
    report.status, report.disposal = S.IN_DISPOSAL, method
    report.save(update_fields=["status", "disposal"])
    _event(report, "whistleblowing.report_disposed", acting_user, before)
    return report


@transaction.atomic
def do_close_report(report: Report, *, acting_user, outcome: str, today: date | None = None,
                    disposal: str = "") -> Report:
    _check(report, acting_user)
    _step(report, "close", acting_user)
    if outcome not in ReportOutcomeChoices.values:
        raise ValidationError({"outcome": _("Choose what the reporter is told.")})
    today = today or timezone.localdate()
    before = snapshot(report, REPORT_FIELDS)
    report.status, report.outcome, report.closed_on = S.CLOSED, outcome, today
    report.disposal = disposal or report.disposal
    report.save(update_fields=["status", "outcome", "closed_on", "disposal"])
    _start_result_clock(report, acting_user, today)
    _event(report, "whistleblowing.report_closed", acting_user, before)
    return report


@transaction.atomic
def do_transfer_report(report: Report, *, acting_user, today: date | None = None, summary: str = "") -> Report:
    """Transfer to investigation: the cases app is asked for a case (core.signals.case_requested)."""
    _check(report, acting_user)
    _step(report, "transfer", acting_user)
    today = today or timezone.localdate()
    before = snapshot(report, REPORT_FIELDS)
    report.status, report.disposal = S.TRANSFERRED, ReportDisposalChoices.INVESTIGATION
    report.outcome, report.closed_on = ReportOutcomeChoices.INVESTIGATION, today
    report.save(update_fields=["status", "disposal", "outcome", "closed_on"])
    _start_result_clock(report, acting_user, today)
    _event(report, "whistleblowing.report_transferred", acting_user, before)
    case_requested.send(sender=Report, source=MatterRef.of(report), unit_id=report.subject_unit_id,
                        subject_person_ids=_subject_ids(report),
                        summary=summary or str(_("Transferred from report %(number)s") % {"number": report.number}),
                        acting_user=acting_user)
    return report


@transaction.atomic
def do_request_rectification_for_report(report: Report, *, acting_user, title: str, detail: str = "",
                                        deadline: date | None = None) -> Report:
    """Hand an established problem to rectification (core.signals.problem_found); the text is the
    handler's own summary, never the report's."""
    _check(report, acting_user)
    if report.status not in (S.IN_DISPOSAL, S.CLOSED, S.ACCEPTED):
        raise ValidationError(_("Only an accepted report can lead to rectification."))
    if not title.strip():
        raise ValidationError({"title": _("Say what must be rectified.")})
    problem_found.send(sender=Report, source=MatterRef.of(report), source_code=f"report:{report.category}",
                       unit_id=report.subject_unit_id, title=title, detail=detail, responsible_person_id=None,
                       deadline=deadline, amount=None, acting_user=acting_user)
    _event(report, "whistleblowing.rectification_requested", acting_user)
    return report


@transaction.atomic
def do_tell_reporter(report: Report, *, acting_user, report_key: bytes, text: str,
                     today: date | None = None) -> ReportMessage:
    """A message to the reporter. Once accepted it is the acceptance notice; once ended, the result
    notice: the matching real-name clock is met."""
    _check(report, acting_user)
    if not text.strip():
        raise ValidationError({"text": _("Write a message.")})
    today = today or timezone.localdate()
    before = snapshot(report, REPORT_FIELDS)
    message = ReportMessage.objects.create(report=report, kind=MessageKindChoices.TO_REPORTER, author=acting_user,
                                           sent_on=today, body=crypto.encrypt(report_key, text.encode()))
    fields = []
    if report.status in (S.ACCEPTED, S.IN_DISPOSAL) and report.acknowledged_on is None:
        report.acknowledged_on = today
        fields.append("acknowledged_on")
        meet_deadlines(report, rule=ACK_RULE, acting_user=acting_user)
    if report.status in (S.CLOSED, S.NOT_ACCEPTED, S.TRANSFERRED) and report.result_told_on is None:
        report.result_told_on = today
        fields.append("result_told_on")
        meet_deadlines(report, rule=RESULT_RULE, acting_user=acting_user)
    if fields:
        report.save(update_fields=fields)
    _event(report, "whistleblowing.reporter_told", acting_user, before)
    return message


@transaction.atomic
def do_add_report_note(report: Report, *, acting_user, report_key: bytes, text: str) -> ReportMessage:
    """A handler's note: encrypted like the rest, never shown to the reporter."""
    _check(report, acting_user)
    if not text.strip():
        raise ValidationError({"text": _("Write a note.")})
    message = ReportMessage.objects.create(report=report, kind=MessageKindChoices.NOTE, author=acting_user,
                                           sent_on=timezone.localdate(), body=crypto.encrypt(report_key, text.encode()))
    _event(report, "whistleblowing.note_added", acting_user)
    return message


@transaction.atomic
def do_recuse_from_report(report: Report, *, acting_user, reason: str) -> Recusal:
    """A handler withdraws (a conflict the register does not know); they no longer see the report."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you withdraw.")})
    if Recusal.objects.filter(report=report, user=acting_user).exists():
        raise ValidationError(_("You have already withdrawn from this report."))
    recusal = Recusal.objects.create(report=report, user=acting_user, reason=reason[:300],
                                     recorded_on=timezone.localdate())
    _event(report, "whistleblowing.handler_recused", acting_user)
    return recusal


@transaction.atomic
def do_request_reporter_identity(report: Report, *, acting_user, reason: str) -> IdentityRequest:
    _check(report, acting_user)
    if not report.identity:
        raise ValidationError(_("This report is anonymous."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you need the reporter's identity.")})
    request = IdentityRequest.objects.create(report=report, requested_by=acting_user, reason=reason[:300],
                                             requested_on=timezone.localdate())
    _event(report, "whistleblowing.identity_requested", acting_user)
    return request


@transaction.atomic
def do_decide_identity_request(request: IdentityRequest, *, acting_user, approve: bool) -> IdentityRequest:
    """A second handler of the same report approves or refuses; nobody approves their own request."""
    from .access import visible_reports

    report = request.report
    _check(report, acting_user)
    if request.requested_by_id == acting_user.pk:
        raise PermissionDenied(_("A second handler must decide: you asked for it yourself."))
    if not visible_reports(acting_user).filter(pk=report.pk).exists():
        raise PermissionDenied(_("You do not handle this report."))
    if request.status != IdentityRequestStatusChoices.PENDING:
        raise ValidationError(_("This request has already been decided."))
    request.status = IdentityRequestStatusChoices.APPROVED if approve else IdentityRequestStatusChoices.REFUSED
    request.decided_by = acting_user
    request.save(update_fields=["status", "decided_by"])
    _event(report, "whistleblowing.identity_approved" if approve else "whistleblowing.identity_refused", acting_user)
    return request


def may_see_identity(report: Report, user) -> bool:
    return IdentityRequest.objects.filter(report=report, requested_by=user,
                                          status=IdentityRequestStatusChoices.APPROVED).exists()


@transaction.atomic
def do_reveal_reporter_identity(report: Report, *, acting_user, report_key: bytes) -> dict:
    """The reporter's identity, for a handler whose request a second handler approved; every reading
    is an audit event."""
    _check(report, acting_user)
    if not may_see_identity(report, acting_user):
        raise PermissionDenied(_("A second handler must approve your request first."))
    _event(report, "whistleblowing.identity_viewed", acting_user)
    return crypto.decrypt_json(report_key, report.identity)


@transaction.atomic
def do_record_false_accusation(report: Report, *, acting_user, clear_publicly: bool) -> Report:
    """A false accusation established after verification; the name of the accused is cleared in
    public if they wish (澄清正名)."""
    _check(report, acting_user)
    if report.status not in (S.CLOSED, S.IN_DISPOSAL):
        raise ValidationError(_("A false accusation is established by verifying the report first."))
    before = snapshot(report, REPORT_FIELDS)
    report.false_accusation, report.name_cleared_publicly = True, bool(clear_publicly and _subject_ids(report))
    report.save(update_fields=["false_accusation", "name_cleared_publicly"])
    _event(report, "whistleblowing.false_accusation_recorded", acting_user, before)
    return report


@transaction.atomic
def do_open_original_attachment(report: Report, *, acting_user) -> None:
    """Opening a sealed original (it may carry the reporter's metadata) is recorded."""
    _check(report, acting_user)
    _event(report, "whistleblowing.original_opened", acting_user)


@transaction.atomic
def do_set_up_handler_key(*, acting_user, password: str) -> None:
    """The handler's personal key, under their password (checked against their login)."""
    if not acting_user.check_password(password):
        raise ValidationError({"password": _("This is not your password.")})
    keys.set_up_handler_key(acting_user, password)
    record_event(acting_user=acting_user, event_code="whistleblowing.handler_key_set_up", subject=acting_user,
                 unit=None)


@transaction.atomic
def do_carry_handler_key_over(user, *, acting_user, old_password: str | None, new_password: str) -> str | None:
    """The handler's password changed (``core.signals.password_changed``, inside that transaction).

    With the old password (the user's own change) the private key is re-encrypted under the new one.
    Without it (an administrator's reset, a command) it cannot be: the key is marked for a new set-up,
    which the keys page asks for; the office key then comes back through a colleague's unlock.
    Returns "rewrapped", "needs_setup" or None (no key). The events carry no secret."""
    from .models import HandlerKey

    handler = HandlerKey.objects.select_for_update().filter(user=user).first()
    if handler is None:
        return None
    if old_password is not None and keys.rewrap_handler_key(handler, old_password, new_password):
        record_event(acting_user=acting_user, event_code="whistleblowing.handler_key_rewrapped", subject=user,
                     unit=None)
        return "rewrapped"
    handler.needs_new_setup = True
    handler.save(update_fields=["needs_new_setup"])
    record_event(acting_user=acting_user, event_code="whistleblowing.handler_key_needs_setup", subject=user,
                 unit=None)
    return "needs_setup"


def carry_handler_key_over(sender, *, user, new_password, old_password=None, acting_user=None, **kwargs) -> None:
    """Receiver of ``core.signals.password_changed`` (connected in apps.py)."""
    do_carry_handler_key_over(user, acting_user=acting_user, old_password=old_password, new_password=new_password)


@transaction.atomic
def do_unlock_office_keys(*, acting_user, password: str) -> dict[int, bytes]:
    """Open the offices' keys with the handler's password; handlers still without a share get one."""
    opened = keys.open_office_keys(acting_user, password)
    if keys.grant_missing_shares(opened):
        record_event(acting_user=acting_user, event_code="whistleblowing.office_keys_shared",
                     subject=acting_user, unit=None)
    return opened


# --- the offline recovery key (cleangov reporting-recovery-key / reporting-recover) -----------------
@transaction.atomic
def do_make_recovery_key(*, acting_user, opened: dict[int, bytes], rotate: bool = False,
                         today: date | None = None) -> tuple[bytes, RecoveryKey]:
    """A new recovery key pair: the public key is stored, every office key in ``opened`` (which must
    include every top-level office key: the county's) is sealed to it, and the private key is
    returned to be written once, off the server. Replaces an existing one only with ``rotate``."""
    from .models import OfficeKey

    existing = RecoveryKey.objects.select_for_update().first()
    if existing is not None and not rotate:
        raise ValidationError(_("A recovery key exists already (made on %(date)s); rotating it makes the old key "
                                "file useless.") % {"date": existing.created_on.isoformat()})
    missing = [key.office.name for key in keys.top_level_office_keys() if key.office_id not in opened]
    if missing:
        raise ValidationError(_("These office keys are not open: %(offices)s. A handler who holds them must make "
                                "the recovery key.") % {"offices": ", ".join(missing)})
    if not opened:
        raise ValidationError(_("No office key exists yet: set up the commission's handler keys first."))
    RecoveryKey.objects.all().delete()  # its seals go with it
    public, private = crypto.new_key_pair()
    recovery = RecoveryKey.objects.create(public_key=public, created_on=today or timezone.localdate())
    office_keys = list(OfficeKey.objects.filter(office_id__in=opened))
    for office_key in office_keys:
        keys.seal_to_recovery(office_key, opened[office_key.office_id], recovery)
    record_event(acting_user=acting_user, subject=recovery, unit=None,
                 event_code="whistleblowing.recovery_key_rotated" if existing else "whistleblowing.recovery_key_made",
                 after={"fingerprint": keys.recovery_fingerprint(public), "offices": len(office_keys)})
    return private, recovery


@transaction.atomic
def do_recover_office_keys(*, acting_user, recovery_private_key: bytes, handler_user) -> list:
    """Open the office keys with the offline recovery key and give ``handler_user`` (who has set up a
    handler key) a share of each office they handle; returns those offices. Other handlers get
    theirs when this one next unlocks. :class:`keys.BadRecoveryKey` for a wrong key."""
    from .models import HandlerKey, OfficeKey, OfficeKeyShare

    handler = HandlerKey.objects.filter(user=handler_user, needs_new_setup=False).first()
    if handler is None:
        raise ValidationError(_("%(user)s has no handler key: they set one up on the office key page first.")
                              % {"user": handler_user.get_username()})
    opened = keys.open_with_recovery_key(recovery_private_key)
    granted = []
    for office_key in OfficeKey.objects.filter(office_id__in=opened).select_related("office").order_by("office__path"):
        if handler_user.pk not in keys.handler_user_ids(office_key.office):
            continue
        OfficeKeyShare.objects.update_or_create(office_key=office_key, handler_key=handler, defaults={
            "sealed_private_key": crypto.seal_to(handler.public_key, opened[office_key.office_id])})
        granted.append(office_key.office)
    if not granted:
        raise ValidationError(_("%(user)s handles none of the offices the recovery key opens.")
                              % {"user": handler_user.get_username()})
    for office in granted:
        record_event(acting_user=acting_user, event_code="whistleblowing.office_key_recovered", subject=handler_user,
                     unit=office, after={"office": office.pk, "handler": handler_user.pk})
    return granted
