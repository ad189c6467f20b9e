"""Annual key points, duty items with their progress and evidence, and letters of responsibility.

The chain of 中发〔2010〕19号 Art. 5 (一级抓一级、层层抓落实): the county publishes its annual key points;
each township party committee and county department decomposes them into duty items for its
leaders; township items roll down to the villages; letters of responsibility are generated from
the items and signed by both sides, version by version.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cleangov.core.models import TimeStampedModel

from .choices import (
    AnnualKeyPointsStatusChoices,
    DutyItemResponsibilityChoices,
    DutyItemStatusChoices,
    LetterSideChoices,
)


class AnnualKeyPoints(TimeStampedModel):
    """The county's annual key points of clean-government work (年度党风廉政建设工作要点): a numbered
    list, drafted by the county and then published, after which it no longer changes."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=AnnualKeyPointsStatusChoices.choices,
                              default=AnnualKeyPointsStatusChoices.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-year"]
        verbose_name = _("annual key points")
        verbose_name_plural = _("annual key points")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="duties_keypoints_one_per_year",
                                    violation_error_message=_("The key points of this year already exist.")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == AnnualKeyPointsStatusChoices.PUBLISHED


class KeyPoint(TimeStampedModel):
    """One numbered point of the annual key points."""

    document = models.ForeignKey(AnnualKeyPoints, verbose_name=_("annual key points"), on_delete=models.CASCADE,
                                 related_name="points")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["document", "number"]
        verbose_name = _("key point")
        verbose_name_plural = _("key points")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="duties_keypoint_number_unique",
                                    violation_error_message=_("This number is already used.")),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class DutyItem(TimeStampedModel):
    """One item of a unit's duty list (责任清单): what must be done in the year, by whom, by when and
    what evidence proves it done. Items of a township roll down to its villages as child items."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="duty_items")
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    key_point = models.ForeignKey(KeyPoint, verbose_name=_("key point"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="duty_items")
    parent = models.ForeignKey("self", verbose_name=_("parent item"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    title = models.CharField(_("what"), max_length=300)
    description = models.TextField(_("details"), blank=True)
    lead_person = models.ForeignKey("orgs.Person", verbose_name=_("lead leader"), on_delete=models.PROTECT,
                                    related_name="duty_items")
    responsibility = models.CharField(_("responsibility"), max_length=30,
                                      choices=DutyItemResponsibilityChoices.choices,
                                      default=DutyItemResponsibilityChoices.DUAL_DUTY)
    lead_unit = models.ForeignKey("orgs.Unit", verbose_name=_("lead unit"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="led_duty_items")
    due_date = models.DateField(_("deadline"))
    expected_evidence = models.TextField(_("evidence that proves it done"))
    status = models.CharField(_("status"), max_length=20, choices=DutyItemStatusChoices.choices,
                              default=DutyItemStatusChoices.DRAFT, db_index=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["unit__path", "due_date", "pk"]
        verbose_name = _("duty item")
        verbose_name_plural = _("duty items")
        indexes = [models.Index(fields=["unit", "year"], name="duties_item_unit_year")]
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True)
                | Q(status__in=[DutyItemStatusChoices.DONE, DutyItemStatusChoices.VERIFIED]),
                name="duties_item_completed_only_when_done",
                violation_error_message=_("Only a completed item has a completion date."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_completed(self) -> bool:
        return self.status in (DutyItemStatusChoices.DONE, DutyItemStatusChoices.VERIFIED)


def evidence_upload_to(instance, filename: str) -> str:
    # The stored name is the content hash: an uploaded name never chooses a path on the server.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"duties/evidence/{instance.sha256[:2]}/{instance.sha256}.{ext}"


class DutyProgress(models.Model):
    """A progress update on a duty item, with its evidence (files, links). Append-only."""

    item = models.ForeignKey(DutyItem, verbose_name=_("duty item"), on_delete=models.CASCADE,
                             related_name="progress")
    text = models.TextField(_("what was done"))
    created_at = models.DateTimeField(_("recorded at"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self) -> str:
        return self.text[:60]


class DutyEvidenceFile(models.Model):
    """A file attached to a progress update (minutes, photos, signed lists)."""

    progress = models.ForeignKey(DutyProgress, verbose_name=_("progress update"), on_delete=models.CASCADE,
                                 related_name="files")
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name


class DutyEvidenceLink(models.Model):
    """A link from a progress update to another record (a record-book entry, a meeting) named the way
    the audit trail names subjects: model label and id, so records of modules built later can be
    linked without a schema change here."""

    progress = models.ForeignKey(DutyProgress, verbose_name=_("progress update"), on_delete=models.CASCADE,
                                 related_name="links")
    target_type = models.CharField(_("record type"), max_length=80)  # e.g. "ledgers.ledgerentry"
    target_id = models.CharField(_("record id"), max_length=64)
    label = models.CharField(_("label"), max_length=200)

    class Meta:
        verbose_name = _("evidence link")
        verbose_name_plural = _("evidence links")
        indexes = [models.Index(fields=["target_type", "target_id"], name="duties_link_target")]

    def __str__(self) -> str:
        return self.label


def content_hash(content: dict) -> str:
    """SHA-256 of the canonical JSON of a letter version's content."""
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ResponsibilityLetter(TimeStampedModel):
    """A letter of responsibility (党风廉政建设责任书) between an issuer (a unit's first responsible
    person) and a recipient (a team member, a department head, a village party secretary) for one
    year. Its text lives in versions; a signed version never changes."""

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    issuer_unit = models.ForeignKey("orgs.Unit", verbose_name=_("issuing unit"), on_delete=models.PROTECT,
                                    related_name="+")
    issuer_person = models.ForeignKey("orgs.Person", verbose_name=_("issuer"), on_delete=models.PROTECT,
                                      related_name="letters_issued")
    recipient_unit = models.ForeignKey("orgs.Unit", verbose_name=_("recipient unit"), on_delete=models.PROTECT,
                                       related_name="+")
    recipient_person = models.ForeignKey("orgs.Person", verbose_name=_("recipient"), on_delete=models.PROTECT,
                                         related_name="letters_received")
    current_version = models.PositiveIntegerField(_("current version"), default=0)

    class Meta:
        ordering = ["-year", "recipient_unit__path", "pk"]
        verbose_name = _("letter of responsibility")
        verbose_name_plural = _("letters of responsibility")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "issuer_person", "recipient_person", "recipient_unit"],
                name="duties_letter_unique_parties",
                violation_error_message=_("A letter between these parties for this year already exists."),
            ),
            models.CheckConstraint(condition=~Q(issuer_person=models.F("recipient_person")),
                                   name="duties_letter_two_parties",
                                   violation_error_message=_("A letter needs two different people.")),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.issuer_person} ↔ {self.recipient_person}"


class LetterVersion(models.Model):
    """One frozen text of a letter. The content (parties, duty list) and its hash never change once
    written; a change to the letter is a new version that both sides sign again."""

    letter = models.ForeignKey(ResponsibilityLetter, verbose_name=_("letter"), on_delete=models.CASCADE,
                               related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    reason = models.CharField(_("reason for the change"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["letter", "-number"]
        verbose_name = _("letter version")
        verbose_name_plural = _("letter versions")
        constraints = [
            models.UniqueConstraint(fields=["letter", "number"], name="duties_letterversion_unique",
                                    violation_error_message=_("This version already exists.")),
        ]

    def __str__(self) -> str:
        return f"{self.letter} v{self.number}"

    def hash_is_intact(self) -> bool:
        return content_hash(self.content) == self.content_hash


class LetterSignature(models.Model):
    """One side's acknowledgement of one version, given by the named person in the app. It records the
    version's content hash at the time, so a signature proves what text was signed."""

    version = models.ForeignKey(LetterVersion, verbose_name=_("version"), on_delete=models.CASCADE,
                                related_name="signatures")
    side = models.CharField(_("side"), max_length=20, choices=LetterSideChoices.choices)
    person = models.ForeignKey("orgs.Person", verbose_name=_("signed by"), on_delete=models.PROTECT,
                               related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.PROTECT,
                             related_name="+")
    signed_at = models.DateTimeField(_("signed at"))
    content_hash = models.CharField(_("content hash signed"), max_length=64)

    class Meta:
        ordering = ["version", "side"]
        verbose_name = _("letter signature")
        verbose_name_plural = _("letter signatures")
        constraints = [
            models.UniqueConstraint(fields=["version", "side"], name="duties_signature_one_per_side",
                                    violation_error_message=_("This side has already signed this version.")),
        ]

    def __str__(self) -> str:
        return f"{self.version} · {self.get_side_display()} · {self.person}"

    def is_valid(self) -> bool:
        """Valid when it signed exactly the version's stored content."""
        return self.content_hash == self.version.content_hash and self.version.hash_is_intact()
