from django.db import models
from django.utils.translation import gettext_lazy as _


class AnnualKeyPointsStatusChoices(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class DutyItemStatusChoices(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done (awaiting verification)")
    VERIFIED = "verified", _("Verified")
    CANCELLED = "cancelled", _("Cancelled")


class DutyItemResponsibilityChoices(models.TextChoices):
    """Why the lead person answers for the item (中发〔2010〕19号 Art. 6)."""

    FIRST = "first_responsible", _("First responsible person")
    DUAL_DUTY = "dual_duty", _("One post, two responsibilities")
    SECOND = "second_responsible", _("Second responsible person (village party secretary)")


class LetterSideChoices(models.TextChoices):
    ISSUER = "issuer", _("Issuer")
    RECIPIENT = "recipient", _("Recipient")
