from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevelChoices(models.TextChoices):
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    DEPARTMENT = "department", _("County department")
    VILLAGE = "village", _("Village")
    GROUP = "group", _("Villager group")


# Which level may sit under which: county → township | county department → village → villager group.
ALLOWED_PARENT_LEVELS = {
    UnitLevelChoices.COUNTY: (),
    UnitLevelChoices.TOWNSHIP: (UnitLevelChoices.COUNTY,),
    UnitLevelChoices.DEPARTMENT: (UnitLevelChoices.COUNTY,),
    UnitLevelChoices.VILLAGE: (UnitLevelChoices.TOWNSHIP,),
    UnitLevelChoices.GROUP: (UnitLevelChoices.VILLAGE,),
}


class PersonGenderChoices(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class PersonPartyChoices(models.TextChoices):
    MEMBER = "member", _("Party member")
    PROBATIONARY = "probationary", _("Probationary party member")
    NONE = "none", _("Not a party member")


class PersonRankChoices(models.TextChoices):
    """Rank for the spending standards (财行〔2013〕531号 travel classes and lodging caps)."""

    PROVINCIAL = "provincial", _("Provincial/ministerial level")
    BUREAU = "bureau", _("Bureau level")
    OTHER = "other", _("Other personnel")


class PostTypeChoices(models.TextChoices):
    COUNTY_PARTY_SECRETARY = "county_party_secretary", _("County party secretary")
    COUNTY_HEAD = "county_head", _("County head")
    COMMISSION_SECRETARY = "commission_secretary", _("Discipline commission secretary")
    COMMISSION_STAFF = "commission_staff", _("Discipline commission staff")
    PARTY_SECRETARY = "party_secretary", _("Township party secretary")
    TOWNSHIP_HEAD = "township_head", _("Township head")
    DEPUTY = "deputy", _("Deputy leader")
    DISCIPLINE_SECRETARY = "discipline_secretary", _("Discipline secretary")
    DISCIPLINE_STAFF = "discipline_staff", _("Discipline staff")
    LIAISON_CADRE = "liaison_cadre", _("Village-liaison cadre")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    ACCOUNTANT = "accountant", _("Accountant")
    VILLAGE_PARTY_SECRETARY = "village_party_secretary", _("Village party secretary")
    COMMITTEE_DIRECTOR = "committee_director", _("Village committee director")
    COMMITTEE_MEMBER = "committee_member", _("Village committee member")
    SUPERVISION_CHAIR = "supervision_chair", _("Supervision committee chair")
    SUPERVISION_MEMBER = "supervision_member", _("Supervision committee member")
    VILLAGER_REPRESENTATIVE = "villager_representative", _("Villager representative")
    GROUP_LEADER = "group_leader", _("Villager group leader")


class RelationKindChoices(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    PARENT = "parent", _("Parent")
    CHILD = "child", _("Child")
    SIBLING = "sibling", _("Sibling")
    IN_LAW = "in_law", _("In-law")
    BUSINESS_PARTNER = "business_partner", _("Business partner")


# Reading a relation from the other side: A is B's parent ⇔ B is A's child.
RELATION_INVERSE = {
    RelationKindChoices.PARENT: RelationKindChoices.CHILD,
    RelationKindChoices.CHILD: RelationKindChoices.PARENT,
}
