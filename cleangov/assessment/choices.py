from django.db import models
from django.utils.translation import gettext_lazy as _


class FrameworkKindChoices(models.TextChoices):
    """The two checks of the responsibility system (中发〔2010〕19号: 检查考核; locally 半年督查 and 年终考核)."""

    MIDYEAR = "midyear", _("Mid-year inspection")
    YEAR_END = "year_end", _("Year-end assessment")


class AssessmentRunStatusChoices(models.TextChoices):
    COMPUTED = "computed", _("Computed (not published)")
    PUBLISHED = "published", _("Published")


class InspectionFindingStatusChoices(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class UnitSelectionChoices(models.TextChoices):
    """Which units of the scope a run assesses."""

    TOWNSHIP = "township", _("Townships")
    VILLAGE = "village", _("Villages")
    DEPARTMENT = "department", _("County departments")
    ALL = "all", _("Townships, departments and villages")
