from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemStatusChoices(models.TextChoices):
    OPEN = "open", _("Being rectified")
    SUBMITTED = "submitted", _("Submitted for verification")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Signed off")
    CANCELLED = "cancelled", _("Cancelled")


class ItemOriginChoices(models.TextChoices):
    VOUCHER_FINDING = "finance.finding", _("Voucher audit finding")
    INSPECTION_FINDING = "assessment.inspectionfinding", _("Inspection finding")
    REPORT = "whistleblowing.report", _("Report (tip-off)")
    MANUAL = "manual", _("Entered by hand")
    OTHER = "other", _("Other source")


class ItemEventKindChoices(models.TextChoices):
    CREATED = "created", _("Item opened")
    RECURRENCE = "recurrence", _("Marked as a recurrence and escalated")
    MEASURES = "measures", _("Measures submitted")
    EVIDENCE = "evidence", _("Evidence added")
    SUBMITTED = "submitted", _("Submitted for verification")
    REJECTED = "rejected", _("Evidence rejected at verification")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Signed off")
    CANCELLED = "cancelled", _("Cancelled")
    REPAYMENT = "repayment", _("Repayment recorded")
    RECUSAL = "recusal", _("Handler recused")
    NOTE = "note", _("Handler's note")


class EvidenceKindChoices(models.TextChoices):
    FILE = "file", _("File")
    LINK = "link", _("Link")
