from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
    # "Open" is shared with other apps' statuses; a finding that is open awaits review (待审核).
    OPEN = "open", pgettext_lazy("finding status", "Open")
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


# --- Codes of the voucher audit engine, with the labels people read -------------------------------
# The engine (voucher_audit) has no Django and speaks in codes; the web, the exports and the filters
# show these labels instead, translated through the catalog. ``tests/finance/test_labels.py`` fails
# when the engine has a rule, category or invoice type without a label here.


class FindingRuleChoices(models.TextChoices):
    """The engine's rules by id; the English label is the rule's title in the engine."""
    LODGING_OVER_CAP = "lodging_over_cap", _("Lodging over the cap")
    NIGHTS_EXCEED_TRIP = "nights_exceed_trip", _("More nights than the trip allows")
    MEAL_ALLOWANCE_OVER_STANDARD = "meal_allowance_over_standard", _("Meal allowance over the standard")
    LOCAL_TRANSPORT_OVER_STANDARD = "local_transport_over_standard", _("Local transport over the standard")
    INVOICE_OUTSIDE_TRIP = "invoice_outside_trip", _("Invoice dated outside the trip")
    TRAVEL_CLASS_ABOVE_RANK = "travel_class_above_rank", _("Travel class above rank")
    RECEPTION_WITHOUT_LETTER = "reception_without_letter", _("Reception without an official letter")
    RECEPTION_COMPANIONS_EXCESS = "reception_companions_excess", _("Too many reception companions")
    RECEPTION_PER_CAPITA_OVER_CAP = "reception_per_capita_over_cap", _("Reception cost per person over the cap")
    RECEPTION_SAME_CITY = "reception_same_city", _("Same-city reception")
    RECEPTION_ANNUAL_BUDGET_EXCEEDED = "reception_annual_budget_exceeded", _("Reception budget exceeded")
    VILLAGE_RECEPTION = "village_reception", _("Reception at a village")
    VEHICLE_USE_ON_REST_DAY = "vehicle_use_on_rest_day", _("Vehicle use on a rest day")
    VEHICLE_NOT_IN_FLEET = "vehicle_not_in_fleet", _("Vehicle not in the official fleet")
    MISSING_SIGNATURE = "missing_signature", _("Missing signature")
    IOU_RECEIPT = "iou_receipt", _("IOU instead of an invoice")
    POST_HOC_APPROVAL = "post_hoc_approval", _("Approval after the fact")
    CROSS_YEAR_INVOICE = "cross_year_invoice", _("Invoice from an earlier year")
    SELF_APPROVAL = "self_approval", _("Self-approval")
    LATE_BOOKING = "late_booking", _("Late booking")
    DUPLICATE_INVOICE = "duplicate_invoice", _("Duplicate invoice")
    SPLIT_PAYMENT = "split_payment", _("Split payment")
    CONSECUTIVE_INVOICE_NUMBERS = "consecutive_invoice_numbers", _("Consecutive invoice numbers")
    TICKET_SERIAL_DATE_INCONSISTENT = "ticket_serial_date_inconsistent", _("Ticket serial and date out of order")
    CONDOLENCE_OVER_STANDARD = "condolence_over_standard", _("Condolence payment over the standard")
    FESTIVAL_BENEFIT = "festival_benefit", _("Holiday benefit")
    MEETING_OVER_CAP = "meeting_over_cap", _("Meeting over the cap")
    MEETING_TOO_LONG = "meeting_too_long", _("Meeting too long")
    TRAINING_OVER_CAP = "training_over_cap", _("Training over the cap")
    CASH_OVER_LIMIT = "cash_over_limit", _("Cash over the limit")
    MAJOR_MATTER_WITHOUT_RESOLUTION = "major_matter_without_resolution", _("Village major matter without a resolution")
    LOAN_NOT_REPAID = "loan_not_repaid", _("Loan not repaid within the year")
    BENFORD_NONCONFORMITY = "benford_nonconformity", _("Benford first-digit nonconformity")
    VOUCHER_NUMBER_GAP = "voucher_number_gap", _("Voucher number gap")
    BOOKKEEPING_GAP = "bookkeeping_gap", _("Bookkeeping gap")
    NEAR_THRESHOLD_AMOUNTS = "near_threshold_amounts", _("Amounts just below the threshold")
    ROUND_AMOUNTS = "round_amounts", _("Round amounts")


class VoucherCategoryChoices(models.TextChoices):
    """Expense categories of a voucher line (the engine's ``category`` enum)."""

    TRAVEL_LODGING = "travel_lodging", _("Lodging (travel)")
    TRAVEL_MEAL = "travel_meal", _("Meal allowance (travel)")
    TRAVEL_LOCAL_TRANSPORT = "travel_local_transport", _("Local transport (travel)")
    TRAVEL_INTERCITY = "travel_intercity", _("Intercity transport (travel)")
    RECEPTION = "reception", _("Official reception")
    VEHICLE_FUEL = "vehicle_fuel", _("Vehicle fuel")
    VEHICLE_REPAIR = "vehicle_repair", _("Vehicle repair")
    VEHICLE_TOLL = "vehicle_toll", _("Road tolls")
    VEHICLE_PARKING = "vehicle_parking", _("Parking")
    VEHICLE_INSURANCE = "vehicle_insurance", _("Vehicle insurance")
    CONDOLENCE = "condolence", _("Condolence payment")
    ALLOWANCE = "allowance", _("Allowance")
    BONUS = "bonus", _("Bonus")
    WELFARE = "welfare", _("Welfare")
    MEETING = "meeting", _("Meeting")
    TRAINING = "training", _("Training")
    OFFICE = "office", _("Office supplies")
    PROJECT = "project", _("Project expenditure")
    ASSET_DISPOSAL = "asset_disposal", _("Asset disposal")
    LAND_COMPENSATION = "land_compensation", _("Land compensation")
    SUBSIDY_DISTRIBUTION = "subsidy_distribution", _("Subsidy distribution")
    LOAN_OUT = "loan_out", _("Loan to a person")
    LOAN_REPAY = "loan_repay", _("Loan repayment")
    OTHER = "other", _("Other")


class InvoiceTypeChoices(models.TextChoices):
    """Kinds of invoice or receipt behind a voucher line (the engine's ``invoice_type`` enum)."""

    VAT_SPECIAL = "vat_special", _("Special VAT invoice")
    VAT_NORMAL = "vat_normal", _("Ordinary VAT invoice")
    E_INVOICE = "e_invoice", _("Electronic invoice")
    FISCAL_RECEIPT = "fiscal_receipt", _("Fiscal receipt")
    TRAIN_TICKET = "train_ticket", _("Train ticket")
    BUS_TICKET = "bus_ticket", _("Bus ticket")
    FLIGHT_ITINERARY = "flight_itinerary", _("Flight itinerary")
    TAXI_RECEIPT = "taxi_receipt", _("Taxi receipt")
    TOLL_RECEIPT = "toll_receipt", _("Toll receipt")
    IOU = "iou", _("IOU (no invoice)")
    RECEIPT_OTHER = "receipt_other", _("Other receipt")
    NONE = "none", _("No invoice")


def code_label(choices: type[models.TextChoices], code: str | None) -> str:
    """The label of ``code`` in ``choices``, or the code itself when it has none (never a blank)."""
    if not code:
        return ""
    try:
        return str(choices(code).label)
    except ValueError:
        return code
