"""Inspections and assessments: indicator frameworks (versioned data), runs, frozen score snapshots,
manual adjustments and the problems an inspection finds."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cleangov.core.models import TimeStampedModel
from cleangov.core.scores import round_score

from .choices import (
    AssessmentRunStatusChoices,
    FrameworkKindChoices,
    InspectionFindingStatusChoices,
    UnitSelectionChoices,
)
from .frameworks import FrameworkSpec, spec_from_json


class Framework(TimeStampedModel):
    """An indicator framework with a stable code (``year_end``, ``midyear``); its content lives in versions."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=FrameworkKindChoices.choices)
    current_version = models.ForeignKey(
        "FrameworkVersion", verbose_name=_("current version"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("indicator framework")
        verbose_name_plural = _("indicator frameworks")

    def __str__(self) -> str:
        return self.current_version.name if self.current_version_id else self.code


class FrameworkVersion(models.Model):
    """One loaded version of a framework, never changed: runs point at the version they used."""

    framework = models.ForeignKey(Framework, verbose_name=_("framework"), on_delete=models.PROTECT,
                                  related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    version_label = models.CharField(_("version label"), max_length=40)
    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    spec = models.JSONField(_("specification"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    source_file = models.CharField(_("source file"), max_length=200, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("loaded by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["framework", "-number"]
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="assessment_frameworkversion_unique",
                                    violation_error_message=_("This framework already has this version number.")),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number} ({self.version_label})"

    @property
    def parsed(self) -> FrameworkSpec:
        return spec_from_json(self.spec)

    def name_for(self, language: str | None) -> str:
        return self.name_en if language and language.startswith("en") and self.name_en else self.name


class AssessmentRun(TimeStampedModel):
    """One computation of a framework version for a period over the units of a scope. Its snapshots are
    frozen; computing again makes a new run and keeps this one."""

    framework_version = models.ForeignKey(FrameworkVersion, verbose_name=_("framework version"),
                                          on_delete=models.PROTECT, related_name="runs")
    year = models.PositiveSmallIntegerField(_("year"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    # The last day the metrics cover: the period end, or the day of computation when the run was made
    # before the period ended (a year-end assessment held in December covers the year up to that day).
    as_of = models.DateField(_("data as of"))
    scope_unit = models.ForeignKey("orgs.Unit", verbose_name=_("scope"), on_delete=models.PROTECT, related_name="+")
    selection = models.CharField(_("units assessed"), max_length=20, choices=UnitSelectionChoices.choices)
    status = models.CharField(_("status"), max_length=20, choices=AssessmentRunStatusChoices.choices,
                              default=AssessmentRunStatusChoices.COMPUTED)
    unit_count = models.PositiveIntegerField(_("units"), default=0)
    # Metric ids the framework needs, split by whether a module publishes them at computation time.
    metrics_available = models.JSONField(_("metrics available"), default=list, blank=True)
    metrics_missing = models.JSONField(_("metrics not available"), default=list, blank=True)
    seconds = models.FloatField(_("computation time (s)"), default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("assessment run")
        verbose_name_plural = _("assessment runs")
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                   name="assessment_run_period_ordered",
                                   violation_error_message=_("A period cannot end before it starts.")),
        ]

    def __str__(self) -> str:
        return f"{self.framework_version.name} {self.year} · {self.scope_unit.name}"

    @property
    def is_published(self) -> bool:
        return self.status == AssessmentRunStatusChoices.PUBLISHED


class ScoreSnapshot(models.Model):
    """A unit's score for one run, frozen with the metric values and evidence as they were then.

    ``indicators`` holds, per indicator id: weight, formula, band, the metric values used, the score
    (or null when not available) and why. ``metrics`` holds each MetricResult (value, numerator,
    denominator, note, evidence). Only the adjustment fields change afterwards, through
    ``do_adjust_score``."""

    run = models.ForeignKey(AssessmentRun, verbose_name=_("run"), on_delete=models.PROTECT, related_name="snapshots")
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_level = models.CharField(_("level"), max_length=20)
    computed_score = models.DecimalField(_("computed score"), max_digits=7, decimal_places=2, null=True, blank=True)
    available_weight = models.DecimalField(_("weight available"), max_digits=8, decimal_places=2)
    total_weight = models.DecimalField(_("weight applicable"), max_digits=8, decimal_places=2)
    adjustment_total = models.DecimalField(_("adjustments"), max_digits=7, decimal_places=2, default=Decimal("0"))
    final_score = models.DecimalField(_("final score"), max_digits=7, decimal_places=2, null=True, blank=True)
    indicators = models.JSONField(_("indicator scores"))
    metrics = models.JSONField(_("metric values"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["run", "unit__path"]
        verbose_name = _("score snapshot")
        verbose_name_plural = _("score snapshots")
        constraints = [
            models.UniqueConstraint(fields=["run", "unit"], name="assessment_snapshot_unique",
                                    violation_error_message=_("This unit already has a snapshot in this run.")),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.final_score if self.final_score is not None else '—'}"

    @property
    def weight_share(self) -> Decimal | None:
        if not self.total_weight:
            return None
        return round_score(self.available_weight * 100 / self.total_weight, 1)


class ScoreAdjustment(models.Model):
    """A manual change to a score, with its reason; it never edits the computed values."""

    snapshot = models.ForeignKey(ScoreSnapshot, verbose_name=_("snapshot"), on_delete=models.PROTECT,
                                 related_name="adjustments")
    indicator_id = models.CharField(_("indicator"), max_length=60, blank=True)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason"))
    adjusted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("adjusted by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["snapshot", "created_at", "pk"]
        verbose_name = _("score adjustment")
        verbose_name_plural = _("score adjustments")
        constraints = [
            models.CheckConstraint(condition=~Q(points=0), name="assessment_adjustment_not_zero",
                                   violation_error_message=_("An adjustment of zero points changes nothing.")),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot.unit}: {self.points:+}"


class InspectionFinding(TimeStampedModel):
    """A problem found in an inspection: the unit, what is wrong, the indicator it concerns, who must
    rectify it and by when. The rectification module will take these over."""

    run = models.ForeignKey(AssessmentRun, verbose_name=_("inspection"), null=True, blank=True,
                            on_delete=models.PROTECT, related_name="findings")
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    indicator_id = models.CharField(_("indicator"), max_length=60, blank=True)
    description = models.TextField(_("problem found"))
    responsible_person = models.ForeignKey("orgs.Person", verbose_name=_("responsible person"),
                                           on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(_("rectification deadline"))
    status = models.CharField(_("status"), max_length=20, choices=InspectionFindingStatusChoices.choices,
                              default=InspectionFindingStatusChoices.OPEN)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")

    def __str__(self) -> str:
        return f"{self.unit}: {self.description[:40]}"
