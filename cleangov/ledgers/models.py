"""Record books (台账): kinds kept as versioned data, entries with their revision chain, signing keys
and the monthly signed checkpoints that let people outside check a unit's book."""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cleangov.core.models import TimeStampedModel

from .kinds import KindSpec, spec_from_json


class LedgerKind(TimeStampedModel):
    """A kind of record book (party committee special meeting, integrity talk, vehicle dispatch log,
    ...). The kind is a stable code; what it asks for lives in its versions, so changing a kind never
    changes what an old entry was recorded against."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    current_version = models.ForeignKey(
        "LedgerKindVersion", verbose_name=_("current version"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("ledger kind")
        verbose_name_plural = _("ledger kinds")

    def __str__(self) -> str:
        return self.code


class LedgerKindVersion(models.Model):
    """One version of a kind's definition: fields, required attachments, recorders, unit levels,
    frequency and timeliness rules. Immutable once created; entries point at the version they used."""

    kind = models.ForeignKey(LedgerKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    spec = models.JSONField(_("definition"))
    spec_hash = models.CharField(_("definition hash"), max_length=64)
    source_file = models.CharField(_("source file"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["kind__sort_order", "kind__code", "-version"]
        verbose_name = _("ledger kind version")
        verbose_name_plural = _("ledger kind versions")
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="ledgers_kindversion_unique",
                                    violation_error_message=_("This version of the kind already exists.")),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @cached_property
    def parsed(self) -> KindSpec:
        return spec_from_json(self.spec)


class LedgerEntry(TimeStampedModel):
    """One record in a unit's book: an event (meeting, talk, report, trip) with its date. The content
    and its history are the entry's revisions; the columns here repeat the current revision's dates
    and lateness so that lists and statistics stay single queries."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="ledger_entries")
    kind = models.ForeignKey(LedgerKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="entries")
    kind_version = models.ForeignKey(LedgerKindVersion, verbose_name=_("kind version"), on_delete=models.PROTECT,
                                     related_name="entries")
    number = models.PositiveIntegerField(_("number in the book"))
    title = models.CharField(_("title"), max_length=200)
    event_date = models.DateField(_("event date"))
    # Set by the server when the entry is first recorded; never taken from the user.
    entered_at = models.DateTimeField(_("entered at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    late_days = models.PositiveIntegerField(_("days late"), default=0)
    revision_count = models.PositiveIntegerField(_("revisions"), default=1)

    class Meta:
        ordering = ["-event_date", "-number"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="ledgers_entry_unit_number_unique",
                                    violation_error_message=_("This number is already used in the unit's book.")),
        ]
        indexes = [
            models.Index(fields=["unit", "kind", "event_date"], name="ledgers_entry_unit_kind_date"),
            models.Index(fields=["unit", "entered_at"], name="ledgers_entry_unit_entered"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.event_date:%Y-%m-%d})"

    @property
    def is_late(self) -> bool:
        return self.late_days > 0


class LedgerRevision(models.Model):
    """One link of a unit's hash chain: the full content of an entry as recorded or as edited.

    ``seq`` numbers the links of the unit's chain; ``content_hash`` covers the canonical content
    (field values, event date, entry time, attachment SHA-256s) and ``prev_hash``. Rows are never
    updated: an edit appends a revision. See docs/ledgers.md for the canonical form.
    """

    entry = models.ForeignKey(LedgerEntry, verbose_name=_("entry"), on_delete=models.PROTECT,
                              related_name="revisions")
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveIntegerField(_("position in the chain"))
    revision = models.PositiveIntegerField(_("revision"))
    kind_version = models.ForeignKey(LedgerKindVersion, verbose_name=_("kind version"), on_delete=models.PROTECT,
                                     related_name="+")
    title = models.CharField(_("title"), max_length=200)
    event_date = models.DateField(_("event date"))
    entered_at = models.DateTimeField(_("entered at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    values = models.JSONField(_("field values"), default=dict)
    attendees = models.JSONField(_("attendees"), default=list)  # person ids
    absentees = models.JSONField(_("absentees"), default=list)  # [{"person": id, "reason": text}]
    attachments = models.JSONField(_("attachments"), default=list)  # [{"code", "name", "sha256", "size"}]
    reason = models.CharField(_("reason for the change"), max_length=300, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    content_hash = models.CharField(_("content hash"), max_length=64)

    class Meta:
        ordering = ["unit", "seq"]
        verbose_name = _("ledger entry revision")
        verbose_name_plural = _("ledger entry revisions")
        constraints = [
            models.UniqueConstraint(fields=["unit", "seq"], name="ledgers_revision_unit_seq_unique"),
            models.UniqueConstraint(fields=["entry", "revision"], name="ledgers_revision_entry_rev_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} r{self.revision}"


def attachment_path(instance, filename: str) -> str:
    return f"ledgers/{instance.unit_id}/{instance.sha256[:2]}/{instance.sha256}-{filename[-80:]}"


class LedgerAttachment(models.Model):
    """A file attached to an entry (scanned minutes, sign-in sheet, photo). Its SHA-256 is part of
    every revision's hashed content, so swapping the file on disk is detectable."""

    entry = models.ForeignKey(LedgerEntry, verbose_name=_("entry"), on_delete=models.PROTECT,
                              related_name="attachment_files")
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("attachment kind"), max_length=60, blank=True)
    name = models.CharField(_("file name"), max_length=200)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=400)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size"))
    added_in_revision = models.PositiveIntegerField(_("added in revision"), default=1)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["entry", "id"]
        verbose_name = _("ledger attachment")
        verbose_name_plural = _("ledger attachments")

    def __str__(self) -> str:
        return self.name


class LedgerChainHead(models.Model):
    """The last link of one unit's chain; writers lock this row so two entries never share a seq."""

    unit = models.OneToOneField("orgs.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    last_seq = models.PositiveIntegerField(_("last position"), default=0)
    last_hash = models.CharField(_("last hash"), max_length=64)
    last_number = models.PositiveIntegerField(_("last entry number"), default=0)

    class Meta:
        verbose_name = _("ledger chain head")

    def __str__(self) -> str:
        return f"{self.unit_id} #{self.last_seq}"


class LedgerSigningKey(models.Model):
    """A township's (or the county's) Ed25519 key for signing checkpoints. The public key is
    published; the private key lives in a file of the data directory (mode 600), never in the
    database (docs/ledgers.md explains the trade-off)."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("signing unit"), on_delete=models.PROTECT,
                             related_name="+")
    key_id = models.CharField(_("key id"), max_length=32, unique=True)
    algorithm = models.CharField(_("algorithm"), max_length=20, default="ed25519")
    public_key = models.CharField(_("public key (base64)"), max_length=100)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        ordering = ["unit", "-created_at"]
        verbose_name = _("ledger signing key")
        verbose_name_plural = _("ledger signing keys")

    def __str__(self) -> str:
        return f"{self.unit} {self.key_id}"


class LedgerCheckpoint(models.Model):
    """The head of a unit's chain at the end of a month, signed with the township's key. Published
    (no entry content) so anyone holding an export of the book can check it offline."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="ledger_checkpoints")
    month = models.DateField(_("month"))  # the first day of the month
    seq = models.PositiveIntegerField(_("last position covered"))
    head_hash = models.CharField(_("chain head"), max_length=64)
    entry_count = models.PositiveIntegerField(_("entries covered"))
    signature = models.CharField(_("signature (base64)"), max_length=120)
    key = models.ForeignKey(LedgerSigningKey, verbose_name=_("key"), on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        ordering = ["unit", "month"]
        verbose_name = _("ledger checkpoint")
        verbose_name_plural = _("ledger checkpoints")
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="ledgers_checkpoint_unit_month_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m}"


class LedgerEntrySubject(models.Model):
    """The people an entry is about (from its kind's subject fields), so conflict-of-interest filters
    are one join: those people and their relatives never see the entry."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="subject_links")
    person = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("ledger entry subject")
        constraints = [models.UniqueConstraint(fields=["entry", "person"], name="ledgers_entrysubject_unique")]

    def __str__(self) -> str:
        return f"{self.entry_id} → {self.person_id}"
