"""Choices of the accountability cases app (中国共产党问责条例, revised 2019-08-25, in force 2019-09-01)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatusChoices(models.TextChoices):
    """The stages of an accountability case (问责条例 2019, procedure from the clue to the filing)."""

    REGISTERED = "registered", _("Clue registered")
    INITIATED = "initiated", _("Initiation approved")
    INVESTIGATING = "investigating", _("Under investigation")
    REPORTED = "reported", _("Investigation report submitted")
    DELIBERATED = "deliberated", _("Collectively discussed")
    DECIDED = "decided", _("Accountability decided")
    DELIVERED = "delivered", _("Announced and delivered")
    IMPLEMENTED = "implemented", _("Implemented")
    FILED = "filed", _("Filed to the personal file")
    CLOSED = "closed", _("Closed")
    DROPPED = "dropped", _("No accountability")


class SubjectKindChoices(models.TextChoices):
    """Art. 5: accountability is applied to party organisations and to leading cadres."""

    ORGANISATION = "organisation", _("Party organisation")
    CADRE = "cadre", _("Leading cadre")


class ResponsibilityChoices(models.TextChoices):
    """Art. 4 (主体责任, 监督责任, 领导责任) and Art. 6 (全面, 主要, 重要领导责任)."""

    MAIN = "main", _("Main responsibility (主体责任)")
    SUPERVISORY = "supervisory", _("Supervisory responsibility (监督责任)")
    LEADERSHIP_OVERALL = "leadership_overall", _("Overall leadership responsibility (全面领导责任)")
    LEADERSHIP_MAIN = "leadership_main", _("Main leadership responsibility (主要领导责任)")
    LEADERSHIP_IMPORTANT = "leadership_important", _("Important leadership responsibility (重要领导责任)")


class AccountabilityFormChoices(models.TextChoices):
    """Art. 8: the forms of accountability; several may be combined."""

    # for a party organisation
    ORG_REVIEW = "org_review", _("Review (检查)")
    ORG_NOTICE = "org_notice", _("Circulated notice (通报)")
    ORG_REORGANISATION = "org_reorganisation", _("Reorganisation (改组)")
    # for a leading cadre
    CIRCULATED_CRITICISM = "circulated_criticism", _("Circulated criticism (通报)")
    ADMONISHMENT = "admonishment", _("Admonishment (诫勉)")
    SUSPENSION = "suspension", _("Suspension for examination (停职检查)")
    POST_ADJUSTMENT = "post_adjustment", _("Adjustment of post (调整职务)")
    ORDERED_RESIGNATION = "ordered_resignation", _("Ordered resignation (责令辞职)")
    REMOVAL = "removal", _("Removal from post (免职)")
    DEMOTION = "demotion", _("Demotion (降职)")
    DISCIPLINARY_SANCTION = "disciplinary_sanction", _("Disciplinary sanction (纪律处分)")


ORGANISATION_FORMS = frozenset({AccountabilityFormChoices.ORG_REVIEW, AccountabilityFormChoices.ORG_NOTICE,
                                AccountabilityFormChoices.ORG_REORGANISATION})
CADRE_FORMS = frozenset(AccountabilityFormChoices.values) - ORGANISATION_FORMS
# 组织调整或者组织处理 (Art. 8): their formalities are completed within one month of the decision.
ORGANISATIONAL_ADJUSTMENT_FORMS = frozenset({
    AccountabilityFormChoices.SUSPENSION, AccountabilityFormChoices.POST_ADJUSTMENT,
    AccountabilityFormChoices.ORDERED_RESIGNATION, AccountabilityFormChoices.REMOVAL,
    AccountabilityFormChoices.DEMOTION,
})
# Decisions of organisational adjustment, disciplinary sanction and reorganisation are in general made
# public: the case then gets an anonymised public outcome.
PUBLIC_BY_DEFAULT_FORMS = ORGANISATIONAL_ADJUSTMENT_FORMS | {
    AccountabilityFormChoices.DISCIPLINARY_SANCTION, AccountabilityFormChoices.ORG_REORGANISATION,
}
# Forms the discipline commission decides itself; organisational adjustment it only proposes to the
# party organisation with cadre-management authority.
COMMISSION_MAY_DECIDE = frozenset({AccountabilityFormChoices.ORG_REVIEW, AccountabilityFormChoices.ORG_NOTICE,
                                   AccountabilityFormChoices.CIRCULATED_CRITICISM,
                                   AccountabilityFormChoices.ADMONISHMENT})


class TeamRoleChoices(models.TextChoices):
    LEADER = "leader", _("Team leader")
    INVESTIGATOR = "investigator", _("Investigator")
    HANDLER = "handler", _("Case handler")


class AppealStatusChoices(models.TextChoices):
    FILED = "filed", _("Appeal filed")
    UPHELD = "upheld", _("Decision upheld")
    CHANGED = "changed", _("Decision changed")
    REVOKED = "revoked", _("Decision revoked")
