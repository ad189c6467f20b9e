"""Pre-aggregated summaries behind the finance dashboards.

Derived data, not domain state: every row can be rebuilt from the finance app's tables, so they are
written by :mod:`.summaries` without actions or audit events (like a cache that survives restarts).

* :class:`BatchLineSummary` — an import batch is immutable (docs/finance.md), so the sums of its
  lines per unit, year and expense group never change; a superseded batch is left out at read time
  by joining its status. A dashboard reads a few thousand of these rows instead of a million lines.
* :class:`FindingMonth` — the month of a finding's earliest voucher line, for "findings over time".
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 18, "decimal_places": 2}


class ExpenseGroupChoices(models.TextChoices):
    """How a voucher line's category counts on the dashboards: the three public expenses as the issue
    names them (travel, vehicles, reception) and everything else."""

    TRAVEL = "travel", _("Travel")
    VEHICLE = "vehicle", _("Official vehicles")
    RECEPTION = "reception", _("Official reception")
    OTHER = "other", _("Other spending")


class SummarizedBatch(models.Model):
    """Marks an import batch whose lines are summarised (also when it produced no summary rows)."""

    batch = models.OneToOneField("finance.ImportBatch", verbose_name=_("batch"), primary_key=True,
                                 on_delete=models.CASCADE, related_name="+")
    summarized_at = models.DateTimeField(_("summarised at"))

    class Meta:
        verbose_name = _("summarised batch")
        verbose_name_plural = _("summarised batches")

    def __str__(self) -> str:
        return str(self.batch_id)


class BatchLineSummary(models.Model):
    """Lines and amount of one batch for one unit, year and expense group, with the first-digit counts
    of its amounts ≥ 10 (the Benford test's population, as the engine's rule counts it)."""

    batch = models.ForeignKey("finance.ImportBatch", verbose_name=_("batch"), on_delete=models.CASCADE,
                              related_name="+")
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    group = models.CharField(_("expense group"), max_length=12, choices=ExpenseGroupChoices.choices)
    lines = models.PositiveIntegerField(_("lines"))
    amount = models.DecimalField(_("amount"), **MONEY)
    d1 = models.PositiveIntegerField(_("first digit 1"), default=0)
    d2 = models.PositiveIntegerField(_("first digit 2"), default=0)
    d3 = models.PositiveIntegerField(_("first digit 3"), default=0)
    d4 = models.PositiveIntegerField(_("first digit 4"), default=0)
    d5 = models.PositiveIntegerField(_("first digit 5"), default=0)
    d6 = models.PositiveIntegerField(_("first digit 6"), default=0)
    d7 = models.PositiveIntegerField(_("first digit 7"), default=0)
    d8 = models.PositiveIntegerField(_("first digit 8"), default=0)
    d9 = models.PositiveIntegerField(_("first digit 9"), default=0)

    class Meta:
        verbose_name = _("batch line summary")
        verbose_name_plural = _("batch line summaries")
        constraints = [models.UniqueConstraint(fields=["batch", "unit", "year", "group"],
                                               name="finance_dash_linesummary_unique")]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.unit_id}/{self.year}/{self.group}"


class FindingMonth(models.Model):
    """The first day of the month of a finding's earliest voucher line; for unit-year findings without
    lines, January of the finding's year."""

    finding = models.OneToOneField("finance.Finding", verbose_name=_("finding"), primary_key=True,
                                   on_delete=models.CASCADE, related_name="dash_month")
    month = models.DateField(_("month"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("month of a finding")
        verbose_name_plural = _("months of findings")

    def __str__(self) -> str:
        return f"{self.finding_id} {self.month}"


class FindingStat(models.Model):
    """How many findings (and how much at stake) a unit has per year, rule, severity and status.

    Rebuilt per unit from :class:`~cleangov.finance.models.Finding`; a dashboard subtracts, live, the
    few findings the viewer may not see (conflict of interest), so its numbers equal the findings
    queue's (docs/finance-dashboards.md)."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    rule = models.CharField(_("rule"), max_length=60)
    severity = models.CharField(_("severity"), max_length=10)
    status = models.CharField(_("status"), max_length=12)
    findings = models.PositiveIntegerField(_("findings"))
    stake = models.DecimalField(_("amount at stake"), **MONEY)

    class Meta:
        verbose_name = _("finding statistic")
        verbose_name_plural = _("finding statistics")
        indexes = [models.Index(fields=["unit", "year"], name="finance_dash_fstat_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}/{self.rule}/{self.status}: {self.findings}"


class FindingMonthStat(models.Model):
    """How many findings a unit has per year, month of the earliest voucher line and status."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    month = models.DateField(_("month"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12)
    findings = models.PositiveIntegerField(_("findings"))

    class Meta:
        verbose_name = _("monthly finding statistic")
        verbose_name_plural = _("monthly finding statistics")
        indexes = [models.Index(fields=["unit", "year"], name="finance_dash_mstat_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.month}/{self.status}: {self.findings}"


class StaleUnit(models.Model):
    """A unit whose finding statistics must be rebuilt: marked whenever one of its findings is saved
    (a review decision), cleared by the rebuild."""

    unit = models.OneToOneField("orgs.Unit", verbose_name=_("unit"), primary_key=True, on_delete=models.CASCADE,
                                related_name="+")

    class Meta:
        verbose_name = _("unit with stale statistics")
        verbose_name_plural = _("units with stale statistics")

    def __str__(self) -> str:
        return str(self.unit_id)
