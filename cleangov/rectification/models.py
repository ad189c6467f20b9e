"""Rectification items (整改事项): every problem found, with who rectifies it, by when, with what
evidence, verified by someone else and closed; repayments of money to recover; recurrences.

An item's *subjects* are its responsible person and the people its source names (a voucher
finding's claimant, handler, witness, approver): they and their registered relatives never reach
the item through the handlers' pages, lists, exports or statistics (ItemSubject), the responsible
person reaches it only through the work view made for them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cleangov.core.models import TimeStampedModel

from .choices import EvidenceKindChoices, ItemEventKindChoices, ItemOriginChoices, ItemStatusChoices

MONEY = {"max_digits": 14, "decimal_places": 2}


class RectificationItem(TimeStampedModel):
    """One problem to rectify in one unit."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    origin = models.CharField(_("found by"), max_length=40, choices=ItemOriginChoices.choices)
    # The matter that found it ("finance.finding:276"), empty for an item entered by hand.
    source_ref = models.CharField(_("source"), max_length=80, blank=True, db_index=True)
    source_code = models.CharField(_("code of the finder"), max_length=80, blank=True)
    problem_type = models.CharField(_("problem type"), max_length=40, db_index=True)
    title = models.CharField(_("problem"), max_length=300)
    detail = models.TextField(_("problem statement"), blank=True)
    explanation = models.TextField(_("rule and its explanation"), blank=True)
    # The voucher lines concerned, as the finder sent them (voucher number, date, category, amount,
    # payee, summary): the item keeps what was found when it was confirmed.
    lines = models.JSONField(_("voucher lines concerned"), default=list, blank=True)
    responsible_person = models.ForeignKey("orgs.Person", verbose_name=_("responsible person"), null=True,
                                           blank=True, on_delete=models.PROTECT, related_name="+")
    found_on = models.DateField(_("found on"))
    deadline = models.DateField(_("deadline"))
    measures = models.TextField(_("rectification measures"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ItemStatusChoices.choices,
                              default=ItemStatusChoices.OPEN, db_index=True)
    amount_to_recover = models.DecimalField(_("amount to recover"), null=True, blank=True, **MONEY)
    recurrence_of = models.ForeignKey("self", verbose_name=_("recurrence of"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="recurrences")
    # 0: handled at its own unit's level; each escalation (a recurrence) hands it one level up.
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_to = models.ForeignKey("orgs.Unit", verbose_name=_("escalated to"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")
    rejections = models.PositiveSmallIntegerField(_("times evidence was rejected"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        indexes = [models.Index(fields=["unit", "problem_type", "closed_on"], name="rect_item_recurrence")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title[:60]}"

    @property
    def rectified_on(self):
        """The day the accepted rectification was submitted (the last submission, the one verified)."""
        from django.utils import timezone

        return timezone.localdate(self.submitted_at) if self.submitted_at else None

    @property
    def closed_on_time(self) -> bool | None:
        """Closed, and its accepted rectification was submitted on or before the deadline; None while open."""
        if self.closed_on is None or self.rectified_on is None:
            return None if self.closed_on is None else False
        return self.rectified_on <= self.deadline


class ItemSubject(models.Model):
    """A person the item is about (the responsible person, the people its source names)."""

    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="subject_links")
    person = models.ForeignKey("orgs.Person", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "person"], name="rect_itemsubject_unique")]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.person_id}"


def evidence_upload_to(instance, filename: str) -> str:
    # The stored name is the content hash: an uploaded name never chooses a path on the server.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"rectification/evidence/{instance.sha256[:2]}/{instance.sha256}.{ext}"


class ItemEvidence(models.Model):
    """Evidence of completion: a file (kept with its SHA-256) or a link. Append-only."""

    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=8, choices=EvidenceKindChoices.choices)
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    label = models.CharField(_("label"), max_length=200, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name or self.label or self.url


class Repayment(models.Model):
    """Money paid back on an item, with the voucher or receipt that proves it."""

    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="repayments")
    amount = models.DecimalField(_("amount"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    receipt = models.CharField(_("voucher or receipt number"), max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["paid_on", "pk"]
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="rect_repayment_positive")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.amount}"


class ItemEvent(models.Model):
    """The item's history. ``for_responsible`` marks what the responsible person is shown in their
    work view (their own submissions, the verifier's reasons for returning it); handlers' notes and
    recusals are not."""

    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what"), max_length=12, choices=ItemEventKindChoices.choices)
    text = models.TextField(_("text"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    for_responsible = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("item event")

    def __str__(self) -> str:
        return f"{self.item_id} {self.kind}"


class Recusal(models.Model):
    """A handler who withdrew from an item because of a conflict of interest (监察法 2018 第五十八条)."""

    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="recusals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handler"), on_delete=models.PROTECT,
                             related_name="+")
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="rect_recusal_unique")]

    def __str__(self) -> str:
        return f"{self.item_id} ← {self.user_id}"
