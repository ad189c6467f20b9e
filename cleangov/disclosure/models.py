"""Village disclosures: what the catalog asks each village to publish for each period, the signed
versions that were published, and villagers' questions about them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cleangov.core.models import TimeStampedModel

from .choices import CatalogGroupChoices, DisclosureStatusChoices, QuestionStatusChoices


class Disclosure(TimeStampedModel):
    """One item a village must make public: a catalog entry for one period (or one event), with its
    due date. Created by the schedule, never deleted: a cadre may only publish it, or the township
    may exempt it with a public reason."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("village"), on_delete=models.PROTECT,
                             related_name="disclosures")
    catalog_code = models.CharField(_("catalog item"), max_length=60)
    catalog_version = models.CharField(_("catalog version"), max_length=20)
    group = models.CharField(_("group"), max_length=12, choices=CatalogGroupChoices.choices)
    # Empty for periodic items; for a per-event item, the event's own short name (unique per village).
    event_title = models.CharField(_("event"), max_length=200, blank=True)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_date = models.DateField(_("due date"), db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=DisclosureStatusChoices.choices,
                              default=DisclosureStatusChoices.DUE)
    # The draft under review (a first publication or a correction): figures and form values.
    draft_content = models.JSONField(_("draft"), default=dict, blank=True)
    draft_explanation = models.TextField(_("explanation"), blank=True)
    draft_reason = models.TextField(_("reason for the correction"), blank=True)
    return_comment = models.TextField(_("comments of the supervision committee"), blank=True)
    latest_version = models.PositiveIntegerField(_("latest published version"), default=0)
    first_published_on = models.DateField(_("first published on"), null=True, blank=True)
    on_time = models.BooleanField(_("published on time"), null=True, blank=True)
    exemption_reason = models.TextField(_("reason for the exemption"), blank=True)
    exemption_decided_on = models.DateField(_("exemption decided on"), null=True, blank=True)

    class Meta:
        ordering = ["unit__path", "-period_end", "catalog_code"]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        indexes = [models.Index(fields=["unit", "due_date"], name="disclosure_unit_due")]
        constraints = [
            models.UniqueConstraint(fields=["unit", "catalog_code", "period_start", "event_title"],
                                    name="disclosure_one_per_period",
                                    violation_error_message=_("This item is already scheduled for the period.")),
        ]

    def __str__(self) -> str:
        return f"{self.catalog_code} {self.period_start}–{self.period_end}"


class DisclosureVersion(models.Model):
    """A published, signed version of a disclosure. Never changed: a correction is the next version,
    with its differences from this one."""

    disclosure = models.ForeignKey(Disclosure, verbose_name=_("disclosure"), on_delete=models.PROTECT,
                                   related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    explanation = models.TextField(_("explanation"), blank=True)
    reason = models.TextField(_("reason for the correction"), blank=True)
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64)
    diff = models.JSONField(_("differences from the previous version"), default=list, blank=True)
    source_batches = models.JSONField(_("voucher batches read"), default=list, blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("prepared by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("signed by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        ordering = ["disclosure", "number"]
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        constraints = [models.UniqueConstraint(fields=["disclosure", "number"], name="disclosure_version_unique",
                                               violation_error_message=_("This version already exists."))]

    def __str__(self) -> str:
        return f"{self.disclosure} v{self.number}"


class Question(models.Model):
    """A villager's question on a published disclosure. No account and no address: the reference code
    is the asker's only way back to it."""

    disclosure = models.ForeignKey(Disclosure, verbose_name=_("disclosure"), on_delete=models.PROTECT,
                                   related_name="questions")
    reference = models.CharField(_("reference code"), max_length=16, unique=True)
    text = models.TextField(_("question"))
    asker_name = models.CharField(_("name (optional)"), max_length=60, blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    asked_at = models.DateTimeField(_("asked at"))
    due_date = models.DateField(_("answer due"))
    status = models.CharField(_("status"), max_length=10, choices=QuestionStatusChoices.choices,
                              default=QuestionStatusChoices.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_on_time = models.BooleanField(_("answered on time"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    hidden_reason = models.CharField(_("why it was hidden"), max_length=300, blank=True)

    class Meta:
        ordering = ["-asked_at", "-pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(condition=~Q(status="hidden") | ~Q(hidden_reason=""),
                                   name="disclosure_question_hidden_has_reason",
                                   violation_error_message=_("A hidden question needs a reason.")),
        ]

    def __str__(self) -> str:
        return self.reference


def attachment_path(instance, filename: str) -> str:
    return f"disclosure/{instance.disclosure.unit_id}/{instance.sha256[:2]}/{instance.sha256}-{filename[-80:]}"


class DisclosureAttachment(models.Model):
    """A file posted with a disclosure (a signed list, a contract, a photo of the posting). Attached
    to the draft (``version`` 0) and published with the version that signs it; its SHA-256 is in that
    version's hashed content, so a file swapped on disk is detectable."""

    disclosure = models.ForeignKey(Disclosure, verbose_name=_("disclosure"), on_delete=models.PROTECT,
                                   related_name="attachments")
    name = models.CharField(_("file name"), max_length=200)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=400)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size"))
    version = models.PositiveIntegerField(_("published with version"), default=0)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["disclosure", "id"]
        verbose_name = _("disclosure attachment")
        verbose_name_plural = _("disclosure attachments")

    def __str__(self) -> str:
        return self.name
