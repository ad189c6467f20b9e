from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportCategoryChoices(models.TextChoices):
    """What a report may be about (纪检监察机关处理检举控告工作规则, 2020, the matters accepted)."""

    DISCIPLINE = "discipline", _("Violation of party discipline")
    CORRUPTION = "corruption", _("Corruption, abuse of power or dereliction by a public official")
    APPEAL = "appeal", _("Appeal against a disciplinary or supervisory decision")
    SUGGESTION = "suggestion", _("Criticism or suggestion on clean government")


class ReportStatusChoices(models.TextChoices):
    RECEIVED = "received", _("Received, not yet registered")
    REGISTERED = "registered", _("Registered")
    REPEAT = "repeat", _("Repeat report, kept with the earlier one")
    ACCEPTED = "accepted", _("Accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    IN_DISPOSAL = "in_disposal", _("Being dealt with")
    TRANSFERRED = "transferred", _("Transferred for investigation")
    CLOSED = "closed", _("Closed")


class ReportDisposalChoices(models.TextChoices):
    """The four methods of disposal (2020 rules, Art. 17) and transfer to investigation."""

    TALK_INQUIRY = "talk_inquiry", _("Talk-or-letter inquiry")
    PRELIMINARY_VERIFICATION = "preliminary_verification", _("Preliminary verification")
    HOLD_PENDING = "hold_pending", _("Hold pending")
    CLOSE = "close", _("Close")
    INVESTIGATION = "investigation", _("Transfer to investigation")


class ReportOutcomeChoices(models.TextChoices):
    """What the reporter is told at the end: worded about the matter, never about the reporter."""

    SUBSTANTIATED = "substantiated", _("The problems reported were found to be true and have been dealt with.")
    PARTLY = "partly", _("Some of the problems reported were found to be true and have been dealt with.")
    NOT_SUBSTANTIATED = "not_substantiated", _("After verification the problems reported were not found to be true.")
    RECTIFICATION = "rectification", _("The problems reported are being rectified.")
    INVESTIGATION = "investigation", _("The matter has been transferred for investigation.")
    NO_ACTION = "no_action", _("The report has been closed without further action.")


class NotAcceptedReasonChoices(models.TextChoices):
    """Why a report is not accepted (2020 rules: the matters not accepted)."""

    HANDLED_ELSEWHERE = "handled_elsewhere", _(
        "Already handled by litigation, arbitration, administrative ruling or review")
    OTHER_ORGAN = "other_organ", _("Belongs to another organ's remit")
    NO_SUBSTANCE = "no_substance", _("Names a violation without any substantive content")


class RoutingChoices(models.TextChoices):
    JURISDICTION = "jurisdiction", _("Office with jurisdiction over the subject")
    UP_OWN_HEAD = "up_own_head", _("One level up: the report is about the office's own leader")
    FORWARDED = "forwarded", _("Forwarded by another office")


class MessageKindChoices(models.TextChoices):
    FROM_REPORTER = "reporter", _("From the reporter")
    TO_REPORTER = "handler", _("To the reporter")
    NOTE = "note", _("Handler note (never shown to the reporter)")


class IdentityRequestStatusChoices(models.TextChoices):
    PENDING = "pending", _("Waiting for a second handler")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
