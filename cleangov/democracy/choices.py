from django.db import models
from django.utils.translation import gettext_lazy as _


class MajorMatterChoices(models.TextChoices):
    """The matters 村民委员会组织法 (2018) Art. 24 reserves to the villagers' meeting, plus the village rules
    and the one-matter-one-discussion levies that go through the same method."""

    ALLOWANCES = "allowances", _("Who receives work allowances, and at what rate")
    COLLECTIVE_INCOME = "collective_income", _("Use of collective income")
    PUBLIC_WELFARE = "public_welfare", _("Public-welfare project, levy plan or construction contract")
    LAND_CONTRACTING = "land_contracting", _("Land-contracting plan")
    COLLECTIVE_PROJECT = "collective_project", _("Collective economic project and its contracting")
    HOMESTEAD = "homestead", _("Homestead plan")
    LAND_COMPENSATION = "land_compensation", _("Use and distribution of land-requisition compensation")
    ASSET_DISPOSAL = "asset_disposal", _("Disposal of collective property (loan, lease or otherwise)")
    VILLAGE_RULES = "village_rules", _("Village rules and charter")
    OTHER = "other", _("Other matter the villagers' meeting reserves")


class DecisionStatusChoices(models.TextChoices):
    DRAFT = "draft", _("Drafted")
    PROPOSED = "proposed", _("1. Proposed by the party branch")
    DISCUSSED = "discussed", _("2. Discussed by the two committees")
    REVIEWED = "reviewed", _("3. Reviewed by the party members' meeting")
    DECIDED = "decided", _("4. Decided by the villagers' (representatives') meeting")
    RESOLUTION_DISCLOSED = "resolution_disclosed", _("5. Resolution disclosed")
    RESULT_DISCLOSED = "result_disclosed", _("6. Implementation result disclosed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MeetingBodyChoices(models.TextChoices):
    """Who meets, which fixes the quorum and majority rule (cleangov/democracy/quorum.py)."""

    TWO_COMMITTEES = "two_committees", _("Two committees (party branch and village committee)")
    PARTY_MEMBERS = "party_members", _("Party members' meeting")
    ASSEMBLY_ADULTS = "assembly_adults", _("Villagers' meeting (adult villagers)")
    ASSEMBLY_HOUSEHOLDS = "assembly_households", _("Villagers' meeting (household representatives)")
    REPRESENTATIVES = "representatives", _("Villagers' representatives' meeting")


class LevyStatusChoices(models.TextChoices):
    DRAFT = "draft", _("Drafted")
    APPROVED = "approved", _("Approved by the villagers' meeting")
    TOWNSHIP_REVIEWED = "township_reviewed", _("Reviewed by the township")
    COUNTY_FILED = "county_filed", _("Filed with the county")
    COLLECTING = "collecting", _("Being collected")
    SETTLED = "settled", _("Settled and disclosed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class LevyExemptionChoices(models.TextChoices):
    SERVICEMEN = "servicemen", _("Active servicemen and disabled veterans")
    STUDENTS = "students", _("Students")
    DISABLED = "disabled", _("People wholly unable to work")
    PREGNANT = "pregnant", _("Pregnant women and women within a year of giving birth")
    HARDSHIP = "hardship", _("Hardship households (reduced by vote)")


class AppraisalStatusChoices(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Voting open")
    CLOSED = "closed", _("Closed, results published")


class ElectorateChoices(models.TextChoices):
    VILLAGERS = "villagers", _("Villagers")
    REPRESENTATIVES = "representatives", _("Villagers' representatives")


class RatingChoices(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class AppraisalResultChoices(models.TextChoices):
    COMPETENT = "competent", _("Competent")
    NOT_COMPETENT = "not_competent", _("Not competent")
    SUPPRESSED = "suppressed", _("Fewer than 5 ballots: not published")


class ReviewStatusChoices(models.TextChoices):
    OPEN = "open", _("Under review")
    DONE = "done", _("Reviewed")


class ReviewVerdictChoices(models.TextChoices):
    PENDING = "pending", _("Not yet reviewed")
    PASSED = "passed", _("Passed")
    QUERIED = "queried", _("Queried")
    ANSWERED = "answered", _("Query answered")


class ConcernChannelChoices(models.TextChoices):
    VISIT = "visit", _("Home visit")
    CALL = "call", _("Phone call")
    RECEPTION = "reception", _("Reception day")


class ConcernCategoryChoices(models.TextChoices):
    HOMESTEAD = "homestead", _("Homestead")
    DISPUTE = "dispute", _("Neighbourhood dispute")
    FINANCES = "finances", _("Village finances")
    CADRE_CONDUCT = "cadre_conduct", _("Cadre conduct")
    BENEFITS = "benefits", _("Cadres competing with villagers for benefits")
    OTHER = "other", _("Other")


class ConveningChoices(models.TextChoices):
    """Who had the meeting convened (村民委员会组织法 Art. 21 and Art. 26: the villagers' committee
    convenes it, and must when enough villagers or representatives propose it)."""

    COMMITTEE = "committee", _("By the villagers' committee")
    PROPOSAL = "proposal", _("On a proposal, checked against the register")
    UNVERIFIED = "unverified", _("On request, recorded before proposers were kept (not verified)")


class ConcernStatusChoices(models.TextChoices):
    OPEN = "open", _("Being handled")
    ANSWERED = "answered", _("Answered")


class VillageRuleStatusChoices(models.TextChoices):
    DRAFT = "draft", _("Drafted")
    FILED = "filed", _("Adopted and filed with the township")
    RETURNED = "returned", _("Returned by the township")
    PUBLISHED = "published", _("Published")
