"""Accountability cases (中国共产党问责条例, revised 2019-08-25, in force 2019-09-01).

A case runs from a registered clue through initiation, investigation, report, collective discussion,
decision, announcement and delivery, implementation and filing to its closure (workflow.py). Its
subjects are party organisations (a unit) or leading cadres (a person), each with a type of
responsibility; the decision gives each subject one or more forms (Art. 8). Appeals and corrections
revoke or replace forms; a form's period of effect (periods.py) follows from the decision date.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cleangov.core.models import TimeStampedModel

from .choices import (
    AccountabilityFormChoices,
    AppealStatusChoices,
    CaseStatusChoices,
    ResponsibilityChoices,
    SubjectKindChoices,
    TeamRoleChoices,
)


class AccountabilityCase(TimeStampedModel):
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("unit concerned"), on_delete=models.PROTECT,
                             related_name="+")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("clue"), blank=True)
    # The matter the case was requested on (core.matters.MatterRef as text), "" when registered by hand.
    source_ref = models.CharField(_("source"), max_length=80, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatusChoices.choices,
                              default=CaseStatusChoices.REGISTERED)
    registered_on = models.DateField(_("registered on"))
    initiation_approved_on = models.DateField(_("initiation approved on"), null=True, blank=True)
    fact_statement = models.TextField(_("statement of facts"), blank=True)
    investigation_report = models.TextField(_("investigation report"), blank=True)
    reported_on = models.DateField(_("report submitted on"), null=True, blank=True)
    collective_meeting = models.CharField(_("meeting that discussed it"), max_length=200, blank=True)
    collective_opinion = models.TextField(_("opinion of the collective discussion"), blank=True)
    deliberated_on = models.DateField(_("discussed on"), null=True, blank=True)
    decision_text = models.TextField(_("decision"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    appeal_until = models.DateField(_("appeal possible until"), null=True, blank=True)
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    dropped_reason = models.TextField(_("reason for no accountability"), blank=True)
    # The anonymised public outcome: a stable reference once published.
    public_reference = models.CharField(_("public reference"), max_length=30, unique=True, null=True, blank=True)
    public_summary = models.TextField(_("public summary"), blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-registered_on", "-pk"]
        verbose_name = _("accountability case")
        verbose_name_plural = _("accountability cases")

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class CaseSubject(TimeStampedModel):
    """A party organisation (``subject_unit``) or a leading cadre (``person``) held to account."""

    case = models.ForeignKey(AccountabilityCase, on_delete=models.CASCADE, related_name="subjects")
    kind = models.CharField(_("kind"), max_length=20, choices=SubjectKindChoices.choices)
    person = models.ForeignKey("orgs.Person", verbose_name=_("leading cadre"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    subject_unit = models.ForeignKey("orgs.Unit", verbose_name=_("party organisation"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    post_title = models.CharField(_("post at the time"), max_length=100, blank=True)
    responsibility = models.CharField(_("responsibility"), max_length=30, choices=ResponsibilityChoices.choices,
                                      blank=True)
    statement = models.TextField(_("statement and defence"), blank=True)
    statement_recorded_on = models.DateField(_("statement recorded on"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("subject of a case")
        verbose_name_plural = _("subjects of cases")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="cadre", person__isnull=False, subject_unit__isnull=True)
                           | models.Q(kind="organisation", person__isnull=True, subject_unit__isnull=False)),
                name="cases_subject_person_or_unit"),
        ]

    def __str__(self) -> str:
        return str(self.person or self.subject_unit)


class CaseMember(TimeStampedModel):
    """A member of the investigation team or a handler; a recusal is kept with the reason."""

    case = models.ForeignKey(AccountabilityCase, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("orgs.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=TeamRoleChoices.choices)
    recused_on = models.DateField(_("recused on"), null=True, blank=True)
    recusal_reason = models.TextField(_("reason for recusal"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("case team member")
        verbose_name_plural = _("case team members")

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class CaseRecusal(TimeStampedModel):
    """A handler who withdrew from a case because of a conflict (监察法 2018 Art. 58)."""

    case = models.ForeignKey(AccountabilityCase, on_delete=models.CASCADE, related_name="recusals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    recorded_on = models.DateField(_("recorded on"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")


class CaseForm(TimeStampedModel):
    """One form of accountability given to one subject by the decision (several may combine)."""

    case = models.ForeignKey(AccountabilityCase, on_delete=models.CASCADE, related_name="forms")
    subject = models.ForeignKey(CaseSubject, on_delete=models.CASCADE, related_name="forms")
    form = models.CharField(_("form"), max_length=30, choices=AccountabilityFormChoices.choices)
    # For a disciplinary sanction: the period its own decision sets (中国共产党纪律处分条例).
    effect_months = models.PositiveSmallIntegerField(_("period of effect (months)"), null=True, blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("form of accountability")
        verbose_name_plural = _("forms of accountability")

    def __str__(self) -> str:
        return f"{self.subject}: {self.get_form_display()}"


class CaseAppeal(TimeStampedModel):
    """A written appeal of a subject against the decision; execution is not suspended meanwhile."""

    case = models.ForeignKey(AccountabilityCase, on_delete=models.CASCADE, related_name="appeals")
    subject = models.ForeignKey(CaseSubject, on_delete=models.PROTECT, related_name="appeals")
    status = models.CharField(_("status"), max_length=20, choices=AppealStatusChoices.choices,
                              default=AppealStatusChoices.FILED)
    filed_on = models.DateField(_("filed on"))
    grounds = models.TextField(_("grounds"))
    decide_by = models.DateField(_("to be decided by"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_text = models.TextField(_("decision on the appeal"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"{self.case.reference} / {self.subject}"


class CaseStep(models.Model):
    """The case's history for its timeline: each step taken, when and by whom."""

    case = models.ForeignKey(AccountabilityCase, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField(max_length=40)
    on = models.DateField()
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.on} {self.name}"
