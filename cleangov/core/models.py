"""Shared bases: the hash-chained audit trail, task progress and notifications.

``core`` holds cross-cutting machinery only; domain models live in their apps.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Base for domain models: server-side creation and update times."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One state change, written in the same transaction as the change itself.

    Events are append-only and hash-chained: ``content_hash`` covers this event's content and the
    previous event's hash, so editing or deleting any event breaks the chain that
    ``cleangov verify-trail`` recomputes.
    """

    seq = models.PositiveBigIntegerField(_("sequence number"), unique=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_repr = models.CharField(_("actor name"), max_length=200, blank=True)
    event_code = models.CharField(_("event"), max_length=80, db_index=True)
    subject_type = models.CharField(_("subject type"), max_length=80, db_index=True)
    subject_id = models.CharField(_("subject id"), max_length=64, db_index=True)
    subject_repr = models.CharField(_("subject"), max_length=300, blank=True)
    # The organisation unit the subject belongs to: used to scope who may read the event.
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # People the event is about: they and their relatives are excluded from reading it (COI).
    subject_person_ids = models.JSONField(_("subject people"), default=list, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    content_hash = models.CharField(_("content hash"), max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.seq} {self.event_code} {self.subject_repr}"


class AuditEventPerson(models.Model):
    """Index of ``AuditEvent.subject_person_ids`` so conflict-of-interest filters are plain joins."""

    event = models.ForeignKey(AuditEvent, on_delete=models.CASCADE, related_name="subject_links")
    person = models.ForeignKey("orgs.Person", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="core_auditeventperson_unique")]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.person_id}"


class AuditChainHead(models.Model):
    """The single row holding the last sequence number and hash; writers lock it."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}"


class PeriodicSchedule(models.Model):
    """When a declared periodic job (the deadline tick, the record-book checkpoints) is next due.
    Workers lock this row before enqueueing, so several workers enqueue one run per period between
    them. Machinery, like the audit chain head: it is not audited (an hourly job would flood the
    trail; the job's own effects are)."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    next_run_at = models.DateTimeField(_("next run at"))
    last_enqueued_at = models.DateTimeField(_("last enqueued at"), null=True, blank=True)
    last_task_id = models.CharField(_("last task id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("periodic schedule")

    def __str__(self) -> str:
        return f"{self.name} @ {self.next_run_at}"


class TaskProgress(models.Model):
    """Progress of a background task, polled by the page that started it."""

    task_id = models.CharField(_("task id"), max_length=64, unique=True)
    label = models.CharField(_("label"), max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    status = models.CharField(_("status"), max_length=20, default="queued")
    message = models.TextField(_("message"), blank=True)
    # How many times the task body has started: 2 and more after a worker died and the task was retried.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("task progress")

    def __str__(self) -> str:
        return f"{self.label} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        if self.status == "succeeded":
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


class WorkerHeartbeat(models.Model):
    """A running ``cleangov worker`` process, stamped every few seconds by a thread of that process.
    A task claimed by a worker whose stamp is older than the lease is a task whose worker died
    (see cleangov.core.recovery)."""

    worker_id = models.CharField(_("worker id"), max_length=64, unique=True)
    hostname = models.CharField(_("host name"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("process id"), default=0)
    started_at = models.DateTimeField(_("started at"))
    seen_at = models.DateTimeField(_("last seen at"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid} ({self.worker_id})"


class Notification(models.Model):
    """A message to one user (deadline overdue, escalation, ...), shown on their home page."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    text = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The untranslated message and its values ({"message": msgid, "values": {...}}), so the notification is shown
    # in the language of the page that shows it; ``text`` keeps the wording as first written (and is the
    # fallback for a message no catalog knows).
    message = models.JSONField(_("message"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")

    def __str__(self) -> str:
        return self.text[:60]

    def display_text(self) -> str:
        """The text in the active language when the message was stored untranslated, else the stored text."""
        from django.utils.translation import gettext

        msgid, values = self.message.get("message"), self.message.get("values")
        if not msgid or not isinstance(values, dict):
            return self.text
        try:
            return gettext(msgid) % values
        except (KeyError, TypeError, ValueError):
            return self.text


class HomeVisit(models.Model):
    """When a user last opened the home page, and the visit before: "Since your last visit" counts from
    ``previous_at``. A visit starts when the home page is opened more than ``core.todo.VISIT_GAP`` after
    the last time, so reloading the page does not empty the list."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="home_visit",
                                verbose_name=_("user"))
    seen_at = models.DateTimeField(_("last seen"))
    previous_at = models.DateTimeField(_("visit before"), null=True, blank=True)

    class Meta:
        verbose_name = _("home page visit")
        verbose_name_plural = _("home page visits")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.seen_at:%Y-%m-%d %H:%M}"
