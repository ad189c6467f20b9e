from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDayKindChoices(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (rest day)")
    MAKEUP_WORKDAY = "makeup_workday", _("Make-up working day")


class DeadlineStatusChoices(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    OVERDUE = "overdue", _("Overdue")
    # The clock stopped without the duty being due any more (e.g. a report forwarded to another organ).
    CANCELLED = "cancelled", _("Cancelled")


class DeadlineEscalationChoices(models.TextChoices):
    # Not escalated yet (the deadline is not overdue).
    NONE = "", _("Not escalated")
    REACHED = "reached", _("Reached someone")
    # Nobody holds the supervising role on any level up to the county: the escalation exists on
    # paper only, and the county commission's list of unreached clocks shows it.
    UNREACHED = "unreached", _("Reached nobody")
