from django.db import models
from django.utils.translation import gettext_lazy as _


class LedgerFieldTypeChoices(models.TextChoices):
    """Types a ledger kind's field may have (the record form is built from them)."""

    TEXT = "text", _("Short text")
    LONGTEXT = "longtext", _("Long text")
    DATE = "date", _("Date")
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
    CHOICE = "choice", _("Choice")
    PERSON = "person", _("Person")
    PEOPLE = "people", _("People")
    BOOLEAN = "boolean", _("Yes/no")


class LedgerPeriodChoices(models.TextChoices):
    """The period a frequency rule counts over; "event" kinds have no expected count."""

    YEAR = "year", _("per year")
    HALF = "half", _("per half year")
    QUARTER = "quarter", _("per quarter")
    MONTH = "month", _("per month")
    EVENT = "event", _("when the event happens")


class LedgerTimeBasisChoices(models.TextChoices):
    WORKDAYS = "workdays", _("working days")
    CALENDAR = "calendar", _("calendar days")
