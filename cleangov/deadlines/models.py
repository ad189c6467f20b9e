"""Deadlines and the working-day calendar an administrator can extend year by year."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cleangov.core.models import TimeStampedModel

from .choices import CalendarDayKindChoices, DeadlineEscalationChoices, DeadlineStatusChoices


class CalendarYear(TimeStampedModel):
    """A year of the PRC holiday calendar loaded by an administrator from the State Council's notice.
    It takes precedence over the data file shipped for the same year."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=400, help_text=_("The State Council notice and its date."))
    notes = models.TextField(_("notes"), blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64, blank=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("loaded by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """One listed day of a calendar year: a holiday (rest even on a weekday) or a make-up working day."""

    calendar_year = models.ForeignKey(
        CalendarYear, verbose_name=_("calendar year"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CalendarDayKindChoices.choices)
    name = models.CharField(_("holiday"), max_length=60)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class Deadline(TimeStampedModel):
    """A clock on some object ("accept this report within 5 working days"): who must act, in which
    unit, by when. Overdue deadlines notify the assignee and escalate one level up the tree.

    The subject is named like the audit trail names it (``subject_type`` = model label, ``subject_id``
    = primary key as text) rather than by a content-type foreign key: the same pair finds the
    subject's audit events, works for any primary key type, and needs no join to display."""

    subject_type = models.CharField(_("subject type"), max_length=80)
    subject_id = models.CharField(_("subject id"), max_length=64)
    subject_repr = models.CharField(_("subject"), max_length=300, blank=True)
    rule = models.CharField(_("rule"), max_length=80, help_text=_("The clock's rule code, e.g. reports.acceptance."))
    title = models.CharField(_("what is due"), max_length=300, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    workdays = models.PositiveIntegerField(_("working days"), null=True, blank=True)
    due_date = models.DateField(_("due date"), db_index=True)
    # The date the subject set when it fell on a rest day, so the clock runs to the next working day
    # (docs/deadlines.md, "Due dates on rest days"); null when the due date was kept as set.
    due_date_as_set = models.DateField(_("due date as set"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="deadlines",
    )
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="deadlines")
    # The post answerable for the clock, named even when its holder has no account (a village leader
    # often has none): then nobody is notified, and the page says so instead of showing a blank.
    responsible_post = models.ForeignKey(
        "orgs.Post", verbose_name=_("responsible post"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DeadlineStatusChoices.choices, default=DeadlineStatusChoices.OPEN
    )
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("overdue since"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # Years the due date was computed in with weekends only, because no holiday calendar was loaded.
    calendar_fallback_years = models.JSONField(_("years without a holiday calendar"), default=list, blank=True)
    uses_fallback_calendar = models.BooleanField(_("computed without a holiday calendar"), default=False)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_to = models.ForeignKey(
        "orgs.Unit", verbose_name=_("escalated to"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="escalated_deadlines",
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    # Whether the escalation reached a person. ``escalated_to`` and ``escalated_at`` are set only
    # when it did (on the nearest unit up the tree where someone holds the supervising role).
    escalation_outcome = models.CharField(
        _("escalation outcome"), max_length=20, blank=True, choices=DeadlineEscalationChoices.choices,
        default=DeadlineEscalationChoices.NONE,
    )
    # Units tried on the way up where nobody held the supervising role: [{"id": …, "name": …}, …].
    escalation_passed_over = models.JSONField(_("levels with nobody to escalate to"), default=list, blank=True)
    # People the subject is about: they and their relatives never receive its escalation notices.
    subject_person_ids = models.JSONField(_("subject people"), default=list, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="deadlines_subject"),
            models.Index(fields=["status", "due_date"], name="deadlines_status_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "rule"],
                condition=Q(status=DeadlineStatusChoices.OPEN),
                name="deadlines_one_open_clock_per_rule",
                violation_error_message=_("This object already has an open deadline under this rule."),
            ),
            models.CheckConstraint(
                condition=Q(workdays__isnull=True) | Q(start_date__isnull=False),
                name="deadlines_workdays_need_start",
                violation_error_message=_("A deadline counted in working days needs a start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title or self.rule} · {self.subject_repr} · {self.due_date}"

    @property
    def calendar_note(self) -> str:
        """Shown on the deadline when its due date was computed without that year's holiday calendar."""
        if not self.calendar_fallback_years:
            return ""
        years = ", ".join(str(y) for y in self.calendar_fallback_years)
        return ngettext(
            "No holiday calendar is loaded for %(years)s: working days were counted on weekends only, so the "
            "due date may move when the State Council's notice is loaded.",
            "No holiday calendars are loaded for %(years)s: working days were counted on weekends only, so the "
            "due date may move when the State Council's notices are loaded.",
            len(self.calendar_fallback_years),
        ) % {"years": years}

    @property
    def is_unassigned(self) -> bool:
        """Nobody with an active account is responsible: no notice reaches anyone at the unit itself."""
        return self.assignee_id is None or not self.assignee.is_active

    @property
    def unassigned_note(self) -> str:
        """Shown wherever the deadline is shown, so a blank assignee is never mistaken for a person."""
        if not self.is_unassigned:
            return ""
        post = self.responsible_post
        if post is None:
            return gettext("No one with an account is responsible for this, and no post is named.")
        return gettext("No one with an account is responsible for this: %(post)s.") % {
            "post": f"{post.get_post_type_display()} {post.person}"}

    @property
    def escalation_note(self) -> str:
        """Where the escalation landed, and which levels up the tree had nobody to receive it."""
        passed = "、".join(str(u.get("name", u.get("id"))) for u in self.escalation_passed_over)
        if self.escalation_outcome == DeadlineEscalationChoices.UNREACHED:
            return gettext("The escalation reached nobody: no one holds the supervising role in %(units)s.") % {
                "units": passed}
        if self.escalation_outcome == DeadlineEscalationChoices.REACHED and passed:
            return gettext("Escalated to %(unit)s, because nobody holds the supervising role in %(units)s.") % {
                "unit": self.escalated_to, "units": passed}
        return ""

    @property
    def rest_day_note(self) -> str:
        if self.due_date_as_set is None:
            return ""
        return gettext("Set for %(set)s, a rest day: the clock runs to the next working day, %(due)s.") % {
            "set": self.due_date_as_set.isoformat(), "due": self.due_date.isoformat()}

    @property
    def is_late(self) -> bool:
        return self.overdue_at is not None


class DeadlineSubjectPerson(models.Model):
    """Index of ``Deadline.subject_person_ids`` so conflict-of-interest filters are plain joins."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="subject_links")
    person = models.ForeignKey("orgs.Person", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deadline", "person"], name="deadlines_subjectperson_unique")
        ]

    def __str__(self) -> str:
        return f"{self.deadline_id} → {self.person_id}"

