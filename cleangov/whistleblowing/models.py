"""Reports (检举控告) with their sealed content, and the keys that open them.

What the server keeps in clear is what it needs to route, protect and count a report: the office
that handles it, the unit and the registered people it is about (for the conflict-of-interest
exclusion), its category, status and disposal, and dates (never times) of what happened to it. Its
text, the reporter's identity, attachments and messages are encrypted (cleangov/whistleblowing/crypto.py).
No field holds an address, a user agent or the time of day a reporter did something.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import (
    IdentityRequestStatusChoices,
    MessageKindChoices,
    NotAcceptedReasonChoices,
    ReportCategoryChoices,
    ReportDisposalChoices,
    ReportOutcomeChoices,
    ReportStatusChoices,
    RoutingChoices,
)


class OfficeKey(models.Model):
    """The key pair of a handling office: the public key in clear, the private key only in shares
    sealed to its handlers."""

    office = models.OneToOneField("orgs.Unit", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+")
    public_key = models.BinaryField(_("public key"))

    class Meta:
        verbose_name = _("office key")
        verbose_name_plural = _("office keys")

    def __str__(self) -> str:
        return f"office key {self.office_id}"


class HandlerKey(models.Model):
    """A handler's personal key pair; the private key is encrypted with their password (Argon2id)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("handler"), on_delete=models.CASCADE,
                                related_name="+")
    public_key = models.BinaryField(_("public key"))
    salt = models.BinaryField(_("salt"))
    encrypted_private_key = models.BinaryField(_("encrypted private key"))
    # Set when the password was changed by someone who did not know the old one (an administrator's
    # reset): the key cannot be re-encrypted, so the handler sets up a new one.
    needs_new_setup = models.BooleanField(_("needs a new set-up"), default=False)

    class Meta:
        verbose_name = _("handler key")
        verbose_name_plural = _("handler keys")

    def __str__(self) -> str:
        return f"handler key {self.user_id}"


class OfficeKeyShare(models.Model):
    """An office's private key sealed to one handler's personal public key."""

    office_key = models.ForeignKey(OfficeKey, verbose_name=_("office key"), on_delete=models.CASCADE,
                                   related_name="shares")
    handler_key = models.ForeignKey(HandlerKey, verbose_name=_("handler key"), on_delete=models.CASCADE,
                                    related_name="shares")
    sealed_private_key = models.BinaryField(_("sealed private key"))

    class Meta:
        verbose_name = _("office key share")
        verbose_name_plural = _("office key shares")
        constraints = [models.UniqueConstraint(fields=["office_key", "handler_key"], name="wb_one_share_per_handler",
                                               violation_error_message=_("This handler already holds the key."))]

    def __str__(self) -> str:
        return f"share {self.office_key_id}/{self.handler_key_id}"


class OfficeEscrow(models.Model):
    """An office's private key sealed to the office one level up (the higher organ may take over)."""

    office_key = models.OneToOneField(OfficeKey, verbose_name=_("office key"), on_delete=models.CASCADE,
                                      related_name="escrow")
    holder = models.ForeignKey(OfficeKey, verbose_name=_("held by"), on_delete=models.CASCADE, related_name="+")
    sealed_private_key = models.BinaryField(_("sealed private key"))

    class Meta:
        verbose_name = _("office key escrow")
        verbose_name_plural = _("office key escrows")

    def __str__(self) -> str:
        return f"escrow {self.office_key_id}"


class RecoveryKey(models.Model):
    """The public half of the offline recovery key. Its private half is written once to a file kept
    off the server (paper or a USB stick in the commission's safe); nothing of it is stored here.
    There is at most one: making a new one replaces it and its seals."""

    public_key = models.BinaryField(_("public key"))
    created_on = models.DateField(_("created on"))

    class Meta:
        verbose_name = _("recovery key")
        verbose_name_plural = _("recovery keys")

    def __str__(self) -> str:
        return f"recovery key {self.pk}"


class RecoverySeal(models.Model):
    """An office's private key sealed to the recovery key: what the county falls back on when every
    handler holding its office key has lost it (escrow covers the offices below, nothing the top)."""

    office_key = models.OneToOneField(OfficeKey, verbose_name=_("office key"), on_delete=models.CASCADE,
                                      related_name="recovery_seal")
    recovery_key = models.ForeignKey(RecoveryKey, verbose_name=_("recovery key"), on_delete=models.CASCADE,
                                     related_name="seals")
    sealed_private_key = models.BinaryField(_("sealed private key"))

    class Meta:
        verbose_name = _("recovery seal")
        verbose_name_plural = _("recovery seals")

    def __str__(self) -> str:
        return f"recovery seal {self.office_key_id}"


class Report(models.Model):
    """A report (检举控告) received through the portal: routed to an office, sealed, handled by the
    2020 rules and followed by the reporter with a receipt code."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    office = models.ForeignKey("orgs.Unit", verbose_name=_("handling office"), on_delete=models.PROTECT,
                               related_name="+")
    routing = models.CharField(_("routing"), max_length=20, choices=RoutingChoices.choices,
                               default=RoutingChoices.JURISDICTION)
    subject_unit = models.ForeignKey("orgs.Unit", verbose_name=_("unit reported on"), on_delete=models.PROTECT,
                                     related_name="+")
    category = models.CharField(_("category"), max_length=20, choices=ReportCategoryChoices.choices)
    status = models.CharField(_("status"), max_length=20, choices=ReportStatusChoices.choices,
                              default=ReportStatusChoices.RECEIVED)
    is_real_name = models.BooleanField(_("real-name report"), default=False)
    received_on = models.DateField(_("received on"))
    repeat_of = models.ForeignKey("self", verbose_name=_("repeat of"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="repeats")
    disposal = models.CharField(_("disposal"), max_length=30, choices=ReportDisposalChoices.choices, blank=True)
    not_accepted_reason = models.CharField(_("reason not accepted"), max_length=30,
                                           choices=NotAcceptedReasonChoices.choices, blank=True)
    outcome = models.CharField(_("outcome told to the reporter"), max_length=30,
                               choices=ReportOutcomeChoices.choices, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    acknowledged_on = models.DateField(_("reporter told of acceptance on"), null=True, blank=True)
    result_told_on = models.DateField(_("reporter told of the result on"), null=True, blank=True)
    false_accusation = models.BooleanField(_("false accusation established"), default=False)
    name_cleared_publicly = models.BooleanField(_("name cleared publicly"), default=False)
    # The keys: the report key sealed to the office, and encrypted under the receipt-derived key.
    receipt_lookup = models.CharField(_("receipt lookup"), max_length=64, unique=True)
    receipt_salt = models.BinaryField(_("receipt salt"))
    receipt_verifier = models.CharField(_("receipt verifier"), max_length=64)
    key_for_office = models.BinaryField(_("report key sealed to the office"))
    key_for_reporter = models.BinaryField(_("report key for the reporter"))
    content = models.BinaryField(_("encrypted content"))
    identity = models.BinaryField(_("encrypted identity"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ("-received_on", "-pk")

    def __str__(self) -> str:
        return self.number


class ReportSubject(models.Model):
    """A registered person a report is about: they and their relatives never see or handle it."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="subjects")
    person = models.ForeignKey("orgs.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("person reported on")
        verbose_name_plural = _("people reported on")
        constraints = [models.UniqueConstraint(fields=["report", "person"], name="wb_subject_once",
                                               violation_error_message=_("This person is already named."))]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.person_id}"


class ReportAttachment(models.Model):
    """A file sent with a report: the original sealed as evidence, and a copy with its metadata
    removed for the handlers (also encrypted). Name, type and the removed metadata are encrypted."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="attachments")
    original = models.FileField(_("sealed original"), upload_to="whistleblowing/")
    cleaned = models.FileField(_("sealed copy without metadata"), upload_to="whistleblowing/")
    meta = models.BinaryField(_("encrypted description"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"attachment {self.pk}"


class ReportMessage(models.Model):
    """A message between handlers and the reporter, or a handler's note (never shown to the reporter)."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKindChoices.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handler"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField(_("date"))
    body = models.BinaryField(_("encrypted text"))

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ("sent_on", "pk")

    def __str__(self) -> str:
        return f"message {self.pk}"


class Recusal(models.Model):
    """A handler who withdrew from a report because of a conflict of interest."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="recusals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handler"), on_delete=models.PROTECT,
                             related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    recorded_on = models.DateField(_("recorded on"))

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="wb_recuse_once",
                                               violation_error_message=_("This handler has already withdrawn."))]

    def __str__(self) -> str:
        return f"recusal {self.report_id}/{self.user_id}"


class IdentityRequest(models.Model):
    """A handler's request to see a real-name reporter's identity; a second handler approves it."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE,
                               related_name="identity_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=IdentityRequestStatusChoices.choices,
                              default=IdentityRequestStatusChoices.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField(_("requested on"))

    class Meta:
        verbose_name = _("identity request")
        verbose_name_plural = _("identity requests")

    def __str__(self) -> str:
        return f"identity request {self.pk}"
