"""Voucher lines imported in immutable batches, audit runs of the engine, and the findings people review.

The engine (``voucher_audit``) knows nothing of these tables: :mod:`cleangov.finance.engine` turns
stored lines into its canonical Arrow table and its findings back into :class:`Finding` rows.
See docs/finance.md for the model map.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cleangov.core.models import TimeStampedModel

from .choices import (
    AuditRunFailureChoices,
    AuditRunStatusChoices,
    AuditRunTriggerChoices,
    FindingEventKindChoices,
    FindingPersonRoleChoices,
    FindingSeverityChoices,
    FindingStatusChoices,
    ImportBatchSourceChoices,
    ImportBatchStatusChoices,
)

MONEY = {"max_digits": 18, "decimal_places": 2}


class FinanceProfile(TimeStampedModel):
    """What the spending rules need to know about a unit beyond the organisation tree: its annual
    reception budget (中办发〔2013〕22号 第五条: reception spending within the budget) and its official
    fleet (公务用车 plates), plus the column mapping remembered for its spreadsheets."""

    unit = models.OneToOneField("orgs.Unit", verbose_name=_("unit"), on_delete=models.PROTECT,
                                related_name="finance_profile")
    reception_budget = models.DecimalField(_("reception budget per year (yuan)"), null=True, blank=True, **MONEY)
    fleet_plates = models.JSONField(_("official fleet plates"), default=list, blank=True)
    column_mapping = models.JSONField(
        _("remembered column mapping"), default=dict, blank=True,
        help_text=_("Spreadsheet header → canonical column, remembered from the last mapped upload."))

    class Meta:
        verbose_name = _("finance profile")
        verbose_name_plural = _("finance profiles")

    def __str__(self) -> str:
        return str(self.unit)


class ImportBatch(models.Model):
    """One imported voucher file (or API push): immutable once saved. A correction is a new batch that
    supersedes this one; the lines of a superseded batch stay for the record but are no longer audited."""

    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    file_name = models.CharField(_("file name"), max_length=255)
    source = models.CharField(_("source"), max_length=10, choices=ImportBatchSourceChoices.choices)
    scope_unit = models.ForeignKey("orgs.Unit", verbose_name=_("imported for"), on_delete=models.PROTECT,
                                   related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    rows_read = models.PositiveIntegerField(_("rows read"))
    rows_imported = models.PositiveIntegerField(_("rows imported"))
    rows_skipped = models.PositiveIntegerField(_("rows skipped as invalid"), default=0)
    skipped_report = models.JSONField(_("skipped rows"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ImportBatchStatusChoices.choices,
                              default=ImportBatchStatusChoices.ACTIVE)
    supersedes = models.OneToOneField("self", verbose_name=_("supersedes"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="superseded_by")
    task_id = models.CharField(_("task id"), max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        constraints = [
            models.UniqueConstraint(fields=["sha256"], name="finance_importbatch_unique_file",
                                    violation_error_message=_("This file has already been imported.")),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"


class BatchUnit(models.Model):
    """The period a batch covers for one unit: the overlap check compares these."""

    batch = models.ForeignKey(ImportBatch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    lines = models.PositiveIntegerField(_("lines"))

    class Meta:
        verbose_name = _("unit of a batch")
        constraints = [models.UniqueConstraint(fields=["batch", "unit"], name="finance_batchunit_unique")]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.unit_id}"


class VoucherLine(models.Model):
    """One voucher line in the engine's canonical schema (docs/engine.md). ``line_id`` is the unit's own
    line number and is unique among the unit's active lines, so ``org_code|line_id`` names a line across
    corrected batches and keeps findings stable."""

    # No single-column indexes: the unique (batch, line_id) and the (unit, voucher_date) indexes lead with
    # these columns, and every extra index slows a million-line import.
    batch = models.ForeignKey(ImportBatch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="lines",
                              db_index=False)
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+",
                             db_index=False)
    row_no = models.PositiveIntegerField(_("row in the file"))
    line_id = models.CharField(_("line id"), max_length=100)
    org_code = models.CharField(_("unit code"), max_length=40)
    voucher_no = models.CharField(_("voucher number"), max_length=100)
    voucher_date = models.DateField(_("voucher date"))
    category = models.CharField(_("category"), max_length=30)
    amount = models.DecimalField(_("amount"), **MONEY)
    summary = models.TextField(_("summary"), blank=True)
    payee = models.CharField(_("payee"), max_length=200, blank=True)
    invoice_code = models.CharField(_("invoice code"), max_length=40, blank=True)
    invoice_no = models.CharField(_("invoice number"), max_length=40, blank=True)
    invoice_date = models.DateField(_("invoice date"), null=True, blank=True)
    invoice_type = models.CharField(_("invoice type"), max_length=30, blank=True)
    person_code = models.CharField(_("claimant code"), max_length=40, blank=True)
    person_rank = models.CharField(_("claimant rank"), max_length=20, blank=True)
    destination = models.CharField(_("destination"), max_length=100, blank=True)
    trip_start = models.DateField(_("trip start"), null=True, blank=True)
    trip_end = models.DateField(_("trip end"), null=True, blank=True)
    nights = models.IntegerField(_("nights"), null=True, blank=True)
    travel_mode = models.CharField(_("travel mode"), max_length=20, blank=True)
    travel_class = models.CharField(_("travel class"), max_length=20, blank=True)
    handler = models.CharField(_("handler"), max_length=60, blank=True)
    witness = models.CharField(_("witness"), max_length=60, blank=True)
    approver = models.CharField(_("approver"), max_length=60, blank=True)
    approval_date = models.DateField(_("approval date"), null=True, blank=True)
    event_date = models.DateField(_("event date"), null=True, blank=True)
    guests = models.IntegerField(_("guests"), null=True, blank=True)
    hosts = models.IntegerField(_("hosts"), null=True, blank=True)
    guest_origin_city = models.CharField(_("guests' city"), max_length=60, blank=True)
    official_letter = models.CharField(_("official letter"), max_length=100, blank=True)
    vehicle_plate = models.CharField(_("vehicle plate"), max_length=20, blank=True)
    emergency = models.BooleanField(_("emergency"), null=True, blank=True)
    attendees = models.IntegerField(_("attendees"), null=True, blank=True)
    days = models.IntegerField(_("days"), null=True, blank=True)
    meeting_class = models.SmallIntegerField(_("meeting class"), null=True, blank=True)
    training_class = models.SmallIntegerField(_("training class"), null=True, blank=True)
    recipients = models.IntegerField(_("recipients"), null=True, blank=True)
    payment_method = models.CharField(_("payment method"), max_length=10, blank=True)
    resolution_ref = models.CharField(_("resolution reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("voucher line")
        verbose_name_plural = _("voucher lines")
        constraints = [models.UniqueConstraint(fields=["batch", "line_id"], name="finance_voucherline_unique_id")]
        indexes = [models.Index(fields=["unit", "voucher_date"], name="finance_line_unit_date"),
                   models.Index(fields=["org_code", "line_id"], name="finance_line_key")]

    def __str__(self) -> str:
        return f"{self.org_code} {self.voucher_no} {self.line_id}"

    @property
    def key(self) -> str:
        return f"{self.org_code}|{self.line_id}"


class AuditRun(models.Model):
    """One run of the rule suite over the active lines of a set of units (a batch's units, a township
    or the whole county), on the worker."""

    scope_unit = models.ForeignKey("orgs.Unit", verbose_name=_("scope"), on_delete=models.PROTECT,
                                   related_name="+")
    unit_ids = models.JSONField(_("units audited"), default=list, blank=True,
                                help_text=_("Empty: every unit under the scope."))
    trigger = models.CharField(_("trigger"), max_length=10, choices=AuditRunTriggerChoices.choices)
    batch = models.ForeignKey(ImportBatch, verbose_name=_("batch"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="audit_runs")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=AuditRunStatusChoices.choices,
                              default=AuditRunStatusChoices.QUEUED)
    standards_chain = models.CharField(_("standards packs"), max_length=200, blank=True)
    standards_version = models.CharField(_("standards version"), max_length=60, blank=True)
    as_of = models.DateField(_("standards as of"), null=True, blank=True)
    lines = models.PositiveIntegerField(_("lines audited"), default=0)
    findings_total = models.PositiveIntegerField(_("findings"), default=0)
    findings_new = models.PositiveIntegerField(_("new findings"), default=0)
    coverage = models.JSONField(_("coverage per rule"), default=list, blank=True)
    seconds = models.JSONField(_("timings"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    failure = models.CharField(_("why it failed"), max_length=12, choices=AuditRunFailureChoices.choices,
                               blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit run")
        verbose_name_plural = _("audit runs")

    def __str__(self) -> str:
        return f"#{self.pk} {self.scope_unit_id} {self.status}"


class Finding(TimeStampedModel):
    """A problem the engine found. ``fingerprint`` (rule + unit + the sorted keys of its lines, or the
    unit-year for unit-year rules) gives it a stable identity: a later run that finds the same problem
    updates this row instead of adding a duplicate."""

    fingerprint = models.CharField(_("fingerprint"), max_length=64, unique=True)
    rule = models.CharField(_("rule"), max_length=60, db_index=True)
    severity = models.CharField(_("severity"), max_length=10, choices=FindingSeverityChoices.choices)
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    amount_at_stake = models.DecimalField(_("amount at stake"), null=True, blank=True, **MONEY)
    message_zh = models.TextField(_("explanation (Chinese)"))
    message_en = models.TextField(_("explanation (English)"))
    source = models.TextField(_("standard and its source"))
    standards_version = models.CharField(_("standards version"), max_length=60)
    first_run = models.ForeignKey(AuditRun, verbose_name=_("first found by"), on_delete=models.PROTECT,
                                  related_name="+")
    last_run = models.ForeignKey(AuditRun, verbose_name=_("last found by"), on_delete=models.PROTECT,
                                 related_name="+")
    current = models.BooleanField(_("found by the latest run"), default=True)
    computed_over = models.ForeignKey(
        "orgs.Unit", verbose_name=_("computed over the books of"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("For a statistic over all the books a run audited: the run's scope."))
    status = models.CharField(_("status"), max_length=12, choices=FindingStatusChoices.choices,
                              default=FindingStatusChoices.OPEN, db_index=True)
    responsible_person = models.ForeignKey("orgs.Person", verbose_name=_("responsible person"), null=True,
                                           blank=True, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("rectification due"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    lines = models.ManyToManyField(VoucherLine, verbose_name=_("voucher lines"), through="FindingLine",
                                   related_name="findings")

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        indexes = [models.Index(fields=["unit", "status"], name="finance_finding_unit_status"),
                   models.Index(fields=["rule", "status"], name="finance_finding_rule_status")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.rule}"

    def message(self, language: str | None) -> str:
        return self.message_zh if (language or "").startswith("zh") else self.message_en


class FindingLine(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="line_links")
    line = models.ForeignKey(VoucherLine, on_delete=models.CASCADE, related_name="finding_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["finding", "line"], name="finance_findingline_unique")]

    def __str__(self) -> str:
        return f"{self.finding_id} → {self.line_id}"


class FindingRecord(models.Model):
    """A record of another app that the audit considered for the finding and found not to cover it
    (a village's decision record for a major-matter payment: cleangov/finance/resolutions.py), named by
    its matter reference, with the title and page it had when the run read it."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="record_links")
    matter = models.CharField(_("record"), max_length=80, db_index=True)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("page"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["finding", "matter"], name="finance_findingrecord_unique")]

    def __str__(self) -> str:
        return f"{self.finding_id} → {self.matter}"


class FindingPerson(models.Model):
    """A person named on the finding's lines (claimant, handler, witness, approver): they and their
    registered relatives never see or review the finding (docs/design.md §3, conflict of interest)."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="subject_links")
    person = models.ForeignKey("orgs.Person", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("named as"), max_length=10, choices=FindingPersonRoleChoices.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["finding", "person", "role"],
                                               name="finance_findingperson_unique")]

    def __str__(self) -> str:
        return f"{self.finding_id} → {self.person_id} ({self.role})"


class FindingEvent(models.Model):
    """The history shown on a finding's page: found, re-found, reviewed, commented (each review also
    writes an audit event)."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what"), max_length=12, choices=FindingEventKindChoices.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(AuditRun, verbose_name=_("audit run"), null=True, blank=True,
                            on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("reason or comment"), blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("finding event")

    def __str__(self) -> str:
        return f"{self.finding_id} {self.kind}"


class StagedUpload(models.Model):
    """An uploaded file waiting for its preview to be accepted. Machinery, not domain state: nothing
    is imported until the user confirms, and the row is deleted once the import has run."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("imported for"), on_delete=models.CASCADE,
                             related_name="+")
    file_name = models.CharField(_("file name"), max_length=255)
    path = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    mapping = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The preview, computed once in the background (finance.imports.preview): the task that computes
    # it, then its summary with the first problems; every problem is in the CSV file next to the upload.
    preview_task_id = models.CharField(max_length=64, blank=True)
    preview = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.file_name


class ApiToken(models.Model):
    """A token accounting software uses to push batches as a user; only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="finance_api_tokens")
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("starts with"), max_length=8)
    created_at = models.DateTimeField(_("created at"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
