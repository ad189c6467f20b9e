"""Village democracy: decisions by the four-discussions-two-disclosures method, one-matter-one-discussion
levies, representatives' meetings, democratic appraisal with unlinkable ballots, the financial
management group's monthly review of vouchers, villagers' concerns and village rules.

The appraisal tables (AppraisalToken, Ballot, BallotMark) carry no person, no timestamp and no
sequential id: docs/democracy.md explains why nothing stored can join a voter to a ballot.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cleangov.core.models import TimeStampedModel

from .choices import (
    AppraisalResultChoices,
    AppraisalStatusChoices,
    ConcernCategoryChoices,
    ConcernChannelChoices,
    ConcernStatusChoices,
    ConveningChoices,
    DecisionStatusChoices,
    ElectorateChoices,
    LevyExemptionChoices,
    LevyStatusChoices,
    MajorMatterChoices,
    MeetingBodyChoices,
    RatingChoices,
    ReviewStatusChoices,
    ReviewVerdictChoices,
    VillageRuleStatusChoices,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class Decision(TimeStampedModel):
    """One major village matter (村民委员会组织法 Art. 24) decided by the four-discussions-two-disclosures
    method: proposal, two committees' discussion, party members' review, villagers' (representatives')
    decision, then the resolution and the implementation result made public."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    matter_type = models.CharField(_("matter"), max_length=30, choices=MajorMatterChoices.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("proposal"), blank=True)
    status = models.CharField(_("step"), max_length=30, choices=DecisionStatusChoices.choices,
                              default=DecisionStatusChoices.DRAFT)
    steps_merged = models.BooleanField(_("steps 1 and 2 merged"), default=False,
                                       help_text=_("One person is both party secretary and committee director."))
    resolution_ref = models.CharField(_("resolution number"), max_length=100, blank=True, db_index=True)
    resolution_text = models.TextField(_("resolution"), blank=True)
    # The most the resolution lets the village pay for the matter; the voucher audit checks the
    # payments citing the resolution against it (blank: the resolution names no amount).
    resolution_amount = models.DecimalField(_("amount approved (yuan)"), null=True, blank=True, **MONEY)
    result_text = models.TextField(_("implementation result"), blank=True)
    proposed_on = models.DateField(_("proposed on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    resolution_disclosed_on = models.DateField(_("resolution disclosed on"), null=True, blank=True)
    result_disclosed_on = models.DateField(_("result disclosed on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.title


class ConvenedOnProposal(models.Model):
    """How a meeting was convened: by the committee, or on the proposal of at least one fifth of the
    representatives (Organic Law of Villagers' Committees, Art. 26) or one tenth of the villagers or one
    third of the household representatives (Art. 21). The proposers are people of the register, counted
    against the register on the day of the proposal (``proposal_base``)."""

    convened = models.CharField(_("convened"), max_length=12, choices=ConveningChoices.choices,
                                default=ConveningChoices.COMMITTEE)
    proposed_on = models.DateField(_("proposed on"), null=True, blank=True)
    proposers = models.ManyToManyField("orgs.Person", verbose_name=_("proposers"), blank=True, related_name="+")
    proposers_count = models.PositiveIntegerField(_("number of proposers"), default=0)
    proposal_base = models.PositiveIntegerField(_("out of"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def proposal(self):
        """The proposal that had the meeting convened, as checked (quorum.Convening), or None."""
        from .quorum import Convening

        if self.convened != ConveningChoices.PROPOSAL or not self.proposal_base:
            return None
        return Convening(self.proposal_body, self.proposers_count, self.proposal_base)


class DecisionMeeting(ConvenedOnProposal, TimeStampedModel):
    """One meeting on a decision, with its attendance and votes and the quorum and majority the
    platform computed from them. A failed meeting stays on record; the decision does not advance."""

    decision = models.ForeignKey(Decision, verbose_name=_("decision"), on_delete=models.CASCADE,
                                 related_name="meetings")
    body = models.CharField(_("meeting"), max_length=30, choices=MeetingBodyChoices.choices)
    held_on = models.DateField(_("held on"))
    expected = models.PositiveIntegerField(_("should attend"))
    expected_from_register = models.BooleanField(_("counted from the people register"), default=False)
    present = models.PositiveIntegerField(_("present"))
    votes_for = models.PositiveIntegerField(_("votes for"))
    votes_against = models.PositiveIntegerField(_("votes against"), default=0)
    abstentions = models.PositiveIntegerField(_("abstentions"), default=0)
    quorum_met = models.BooleanField(_("quorum met"))
    passed = models.BooleanField(_("passed"))
    minutes = models.TextField(_("minutes"), blank=True)
    attendees = models.ManyToManyField("orgs.Person", verbose_name=_("attendees"), blank=True, related_name="+")

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("decision meeting")
        verbose_name_plural = _("decision meetings")

    def __str__(self) -> str:
        return f"{self.get_body_display()} {self.held_on}"

    @property
    def ratio_percent(self) -> str:
        return f"{100 * self.present / self.expected:.1f}%" if self.expected else ""

    @property
    def proposal_body(self) -> str:
        return self.body


class LevyPlan(TimeStampedModel):
    """A one-matter-one-discussion plan (村民一事一议筹资筹劳管理办法, 国办发〔2007〕4号): a project, its
    budget and the cash and labour each person and labourer owes, within the province's caps."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    project = models.CharField(_("project"), max_length=200)
    budget = models.DecimalField(_("budget (yuan)"), **MONEY)
    cash_per_person = models.DecimalField(_("cash per person (yuan)"), max_digits=8, decimal_places=2)
    workdays_per_labourer = models.DecimalField(_("workdays per labourer"), max_digits=6, decimal_places=1)
    persons = models.PositiveIntegerField(_("people who pay"))
    labourers = models.PositiveIntegerField(_("labourers who work"))
    status = models.CharField(_("status"), max_length=20, choices=LevyStatusChoices.choices,
                              default=LevyStatusChoices.DRAFT)
    decision = models.ForeignKey(Decision, verbose_name=_("villagers' meeting resolution"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="levies")
    township_opinion = models.TextField(_("township review"), blank=True)
    county_filing_ref = models.CharField(_("county filing number"), max_length=100, blank=True)
    amount_spent = models.DecimalField(_("amount spent (yuan)"), null=True, blank=True, **MONEY)
    settlement = models.TextField(_("settlement"), blank=True)

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("levy plan")
        verbose_name_plural = _("levy plans")

    def __str__(self) -> str:
        return self.project


class LevyExemption(models.Model):
    """How many people of one category are exempt from a plan's labour (and cash) shares."""

    plan = models.ForeignKey(LevyPlan, verbose_name=_("levy plan"), on_delete=models.CASCADE,
                             related_name="exemptions")
    category = models.CharField(_("exemption"), max_length=20, choices=LevyExemptionChoices.choices)
    count = models.PositiveIntegerField(_("people"))

    class Meta:
        verbose_name = _("levy exemption")
        verbose_name_plural = _("levy exemptions")
        constraints = [models.UniqueConstraint(fields=["plan", "category"], name="democracy_exemption_once")]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.count}"


class RepresentativesMeeting(ConvenedOnProposal, TimeStampedModel):
    """A villagers' representatives' meeting, held every quarter (村民委员会组织法 Art. 26)."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("held on"))
    expected = models.PositiveIntegerField(_("representatives"))
    present = models.PositiveIntegerField(_("present"))
    quorum_met = models.BooleanField(_("quorum met"))
    agenda = models.TextField(_("agenda"))
    minutes = models.TextField(_("minutes"), blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("representatives' meeting")
        verbose_name_plural = _("representatives' meetings")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.held_on}"

    proposal_body = MeetingBodyChoices.REPRESENTATIVES


class Appraisal(TimeStampedModel):
    """A democratic appraisal of the village cadres (村民委员会组织法 Art. 33), run by the supervision
    committee. Eligibility is kept as a count only (``tokens_issued``)."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    electorate = models.CharField(_("who rates"), max_length=20, choices=ElectorateChoices.choices)
    status = models.CharField(_("status"), max_length=10, choices=AppraisalStatusChoices.choices,
                              default=AppraisalStatusChoices.DRAFT)
    tokens_issued = models.PositiveIntegerField(_("voting slips issued"), default=0)
    ballots_cast = models.PositiveIntegerField(_("ballots cast"), default=0)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")

    def __str__(self) -> str:
        return self.title


class AppraisalCandidate(models.Model):
    """A cadre being rated. The counts are filled when the appraisal closes."""

    appraisal = models.ForeignKey(Appraisal, verbose_name=_("appraisal"), on_delete=models.CASCADE,
                                  related_name="candidates")
    person = models.ForeignKey("orgs.Person", verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="+")
    post_label = models.CharField(_("post"), max_length=100, blank=True)
    satisfied = models.PositiveIntegerField(_("satisfied"), default=0)
    basic = models.PositiveIntegerField(_("basically satisfied"), default=0)
    dissatisfied = models.PositiveIntegerField(_("dissatisfied"), default=0)
    result = models.CharField(_("result"), max_length=20, choices=AppraisalResultChoices.choices, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("appraisal candidate")
        verbose_name_plural = _("appraisal candidates")
        constraints = [models.UniqueConstraint(fields=["appraisal", "person"], name="democracy_candidate_once")]


    def __str__(self) -> str:
        return f"{self.appraisal_id}/{self.person_id}"
    @property
    def total(self) -> int:
        return self.satisfied + self.basic + self.dissatisfied


class AppraisalToken(models.Model):
    """The hash of one unused voting slip. No person, no time, no sequence: the hash is the key, and
    redeeming the slip deletes the row."""

    token_hash = models.CharField(_("slip hash"), max_length=64, primary_key=True)
    appraisal = models.ForeignKey(Appraisal, verbose_name=_("appraisal"), on_delete=models.CASCADE,
                                  related_name="+")

    class Meta:
        verbose_name = _("unused voting slip")
        verbose_name_plural = _("unused voting slips")

    def __str__(self) -> str:
        return self.token_hash[:8]


class Ballot(models.Model):
    """One cast ballot: a random id, no time, no voter. Listed in the order of its random id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    appraisal = models.ForeignKey(Appraisal, verbose_name=_("appraisal"), on_delete=models.CASCADE,
                                  related_name="+")

    class Meta:
        ordering = ["id"]
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return str(self.id)


class BallotMark(models.Model):
    """One rating on a ballot."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, verbose_name=_("ballot"), on_delete=models.CASCADE, related_name="marks")
    candidate = models.ForeignKey(AppraisalCandidate, verbose_name=_("cadre"), on_delete=models.CASCADE,
                                  related_name="+")
    rating = models.CharField(_("rating"), max_length=20, choices=RatingChoices.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("ballot mark")
        verbose_name_plural = _("ballot marks")

    def __str__(self) -> str:
        return self.rating


class TerminationProcedure(TimeStampedModel):
    """Started when a cadre is rated not competent twice in a row (村民委员会组织法 Art. 33)."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("orgs.Person", verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="+")
    appraisal = models.ForeignKey(Appraisal, verbose_name=_("second appraisal"), on_delete=models.PROTECT,
                                  related_name="terminations")

    class Meta:
        verbose_name = _("termination procedure")
        verbose_name_plural = _("termination procedures")

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.person_id}"


class MonthlyReview(TimeStampedModel):
    """The financial management group's review of one month's imported vouchers of a village (民主理财,
    村民委员会组织法 Art. 32). Until it is done, the month's financial disclosure is held."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatusChoices.choices,
                              default=ReviewStatusChoices.OPEN)
    due_date = models.DateField(_("due"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        ordering = ["-month", "unit__path"]
        verbose_name = _("monthly financial review")
        verbose_name_plural = _("monthly financial reviews")
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="democracy_review_once_a_month")]

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")


class ReviewLine(models.Model):
    """One voucher line as the group saw it (copied when the review opened), passed or queried."""

    review = models.ForeignKey(MonthlyReview, verbose_name=_("review"), on_delete=models.CASCADE,
                               related_name="lines")
    line_key = models.CharField(_("line"), max_length=150)
    voucher_no = models.CharField(_("voucher number"), max_length=100)
    voucher_date = models.DateField(_("voucher date"))
    category = models.CharField(_("category"), max_length=30)
    amount = models.DecimalField(_("amount"), **MONEY)
    summary = models.TextField(_("summary"), blank=True)
    verdict = models.CharField(_("verdict"), max_length=10, choices=ReviewVerdictChoices.choices,
                               default=ReviewVerdictChoices.PENDING)
    reason = models.TextField(_("reason"), blank=True)
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        ordering = ["voucher_date", "voucher_no", "pk"]
        verbose_name = _("reviewed voucher line")
        verbose_name_plural = _("reviewed voucher lines")
        constraints = [models.UniqueConstraint(fields=["review", "line_key"], name="democracy_review_line_once")]

    def __str__(self) -> str:
        return self.line_key


class Concern(TimeStampedModel):
    """A villager's concern taken by a liaison cadre, with what was promised and by when. The villager
    follows it on the portal by its reference code."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("reference code"), max_length=20, unique=True)
    channel = models.CharField(_("how it came"), max_length=20, choices=ConcernChannelChoices.choices)
    category = models.CharField(_("category"), max_length=20, choices=ConcernCategoryChoices.choices)
    received_on = models.DateField(_("received on"))
    summary = models.TextField(_("concern"))
    villager_name = models.CharField(_("villager (kept internal)"), max_length=60, blank=True)
    promise = models.TextField(_("what was promised"))
    promised_by = models.DateField(_("promised by"))
    status = models.CharField(_("status"), max_length=10, choices=ConcernStatusChoices.choices,
                              default=ConcernStatusChoices.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    alleges_misconduct = models.BooleanField(_("alleges misconduct"), default=False)
    referred_on = models.DateField(_("passed on as a report on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("villager's concern")
        verbose_name_plural = _("villagers' concerns")

    def __str__(self) -> str:
        return self.code

    @property
    def late(self) -> bool:
        from django.utils import timezone

        end = self.answered_on or timezone.localdate()
        return end > self.promised_by


class VillageRule(TimeStampedModel):
    """Village rules (村规民约): adopted by the villagers' meeting, filed with the township, which reviews
    their legality within a time limit (村民委员会组织法 Art. 27), then published."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=10, choices=VillageRuleStatusChoices.choices,
                              default=VillageRuleStatusChoices.DRAFT)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adoption = models.JSONField(_("adoption vote"), default=dict, blank=True)
    review_reason = models.TextField(_("township's reason"), blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("village rule")
        verbose_name_plural = _("village rules")

    def __str__(self) -> str:
        return self.title


class PaperBallotEntry(models.Model):
    """A paper ballot entered by a first teller and waiting for a second teller's identical entry.
    Keyed by the slip printed on the paper; no time, no voter (the paper came out of the ballot box)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    appraisal = models.ForeignKey(Appraisal, verbose_name=_("appraisal"), on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(_("slip hash"), max_length=64)
    ratings = models.JSONField(_("ratings"), default=dict)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("first teller"),
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("paper ballot awaiting the second teller")
        verbose_name_plural = _("paper ballots awaiting the second teller")
        constraints = [models.UniqueConstraint(fields=["appraisal", "token_hash"], name="democracy_paper_once")]

    def __str__(self) -> str:
        return str(self.id)
