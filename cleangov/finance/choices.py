from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatchStatusChoices(models.TextChoices):
    """A batch is immutable; the only change is being replaced by a corrected batch."""

    ACTIVE = "active", _("Active")
    SUPERSEDED = "superseded", _("Superseded")


class ImportBatchSourceChoices(models.TextChoices):
    WEB = "web", _("Web upload")
    CLI = "cli", _("Command line")
    API = "api", _("API")
    DEMO = "demo", _("Demo data")


class AuditRunStatusChoices(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")


class AuditRunFailureChoices(models.TextChoices):
    """Why a run failed, in words a user can act on (the technical detail stays in the run's message)."""

    CONCURRENT = "concurrent", _("Another audit of the same units was being saved at the same time, and saving "
                                 "this one failed again after three attempts. Start the audit again.")
    ERROR = "error", _("The audit stopped on an internal error and saved nothing. Start it again; if it fails "
                       "again, tell the system administrator.")


class AuditRunTriggerChoices(models.TextChoices):
    IMPORT = "import", _("After an import")
    MANUAL = "manual", _("Started by staff")
    DEMO = "demo", _("Demo data")


class FindingStatusChoices(models.TextChoices):
    OPEN = "open", _("Open")
    ESCALATED = "escalated", _("Escalated to the county")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed as a false positive")


class FindingSeverityChoices(models.TextChoices):
    BLOCK = "block", _("Block")
    WARN = "warn", _("Warning")
    INFO = "info", _("Information")


class FindingEventKindChoices(models.TextChoices):
    FOUND = "found", _("Found by an audit run")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed as a false positive")
    ESCALATED = "escalated", _("Escalated to the county")
    COMMENTED = "commented", _("Comment")


class FindingPersonRoleChoices(models.TextChoices):
    """How a person is named on the finding's voucher lines."""

    CLAIMANT = "claimant", _("Claimant")
    HANDLER = "handler", _("Handler")
    WITNESS = "witness", _("Witness")
    APPROVER = "approver", _("Approver")
