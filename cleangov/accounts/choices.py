from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleChoices(models.TextChoices):
    """Roles of docs/design.md §3. A role is always assigned to a unit, with or without its subtree."""

    COUNTY_COMMISSION = "county_commission", _("County discipline commission staff")
    COUNTY_LEADER = "county_leader", _("County party committee leader")
    TOWNSHIP_SECRETARY = "township_secretary", _("Township party secretary (first responsible person)")
    TOWNSHIP_LEADER = "township_leader", _("Township leader")
    TOWNSHIP_DISCIPLINE = "township_discipline", _("Township discipline secretary / staff")
    DEPARTMENT_HEAD = "department_head", _("County department head")
    DEPARTMENT_STAFF = "department_staff", _("County department staff")
    LIAISON_CADRE = "liaison_cadre", _("Village-liaison cadre")
    VILLAGE_SECRETARY = "village_secretary", _("Village party secretary")
    COMMITTEE_DIRECTOR = "committee_director", _("Village committee director")
    ACCOUNTANT = "accountant", _("Accountant")
    SUPERVISION_MEMBER = "supervision_member", _("Village supervision committee member")
    VILLAGER_REPRESENTATIVE = "villager_representative", _("Villager representative")
    AUDITOR = "auditor", _("Auditor (read-only)")
    SYSADMIN = "sysadmin", _("System administrator")


# Staff roles: those who handle other people's matters. TWO_FACTOR_REQUIRED_ROLES picks among all.
READ_ONLY_ROLES = {RoleChoices.AUDITOR, RoleChoices.SUPERVISION_MEMBER, RoleChoices.VILLAGER_REPRESENTATIVE}
