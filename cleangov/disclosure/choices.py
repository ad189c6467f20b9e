from django.db import models
from django.utils.translation import gettext_lazy as _


class DisclosureStatusChoices(models.TextChoices):
    DUE = "due", _("Not yet prepared")
    SUBMITTED = "submitted", _("Awaiting the supervision committee")
    RETURNED = "returned", _("Returned with comments")
    PUBLISHED = "published", _("Published")
    EXEMPTION_REQUESTED = "exemption_requested", _("Exemption requested")
    EXEMPT = "exempt", _("Exempted by the township")


class CatalogGroupChoices(models.TextChoices):
    FINANCIAL = "financial", _("Financial affairs")
    VILLAGE = "village", _("Village affairs")
    PARTY = "party", _("Party affairs")
    EVENT = "event", _("Items disclosed on each event")


class QuestionStatusChoices(models.TextChoices):
    OPEN = "open", _("Awaiting an answer")
    ANSWERED = "answered", _("Answered")
    HIDDEN = "hidden", _("Hidden by a moderator")
