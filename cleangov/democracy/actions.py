"""State changes of the democracy app. Views, the demo and tests call these; each is atomic and writes
one audit event in the same transaction — except casting a ballot (ballots.py), which by design
leaves no event: an event carries a time and a place in the chain, which would order the ballots.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cleangov.accounts.choices import RoleChoices as R
from cleangov.core.audit import record_event, snapshot
from cleangov.core.matters import MatterRef
from cleangov.core.signals import case_requested
from cleangov.core.workflow import find_transition, validate_reason
from cleangov.deadlines.api import create_deadline, meet_deadlines
from cleangov.orgs.choices import PersonPartyChoices, PostTypeChoices, UnitLevelChoices
from cleangov.orgs.conflicts import check_conflict_of_interest
from cleangov.orgs.models import Person, Post, Unit

from . import quorum
from .ballots import random_code
from .caps import levy_caps
from .choices import (
    AppraisalStatusChoices,
    ConcernStatusChoices,
    DecisionStatusChoices,
    LevyStatusChoices,
    MeetingBodyChoices,
    ReviewStatusChoices,
    ReviewVerdictChoices,
    VillageRuleStatusChoices,
)
from .models import (
    Appraisal,
    AppraisalCandidate,
    Concern,
    Decision,
    DecisionMeeting,
    LevyExemption,
    LevyPlan,
    MonthlyReview,
    RepresentativesMeeting,
    ReviewLine,
    VillageRule,
)
from .workflow import DECISION_WORKFLOW, LEVY_WORKFLOW, MEETING_STEPS, PLAIN_DECISION_STEPS, RULE_WORKFLOW

REVIEW_RULE = "democracy.financial_review"
CONCERN_RULE = "democracy.concern_answer"
RULE_REVIEW_RULE = "democracy.rule_review"
# The township reviews filed village rules within this many working days (local practice; the law,
# 村民委员会组织法 Art. 27, asks for filing and correction but fixes no time limit).
RULE_REVIEW_WORKDAYS = 20
# The month's review is due on this day of the following month (local rules on 民主理财 commonly ask
# for the group to meet monthly before the accounts are posted).
REVIEW_DUE_DAY = 10
DECISION_FIELDS = ("unit", "matter_type", "title", "status", "steps_merged", "resolution_ref", "resolution_amount",
                   "proposed_on", "decided_on", "resolution_disclosed_on", "result_disclosed_on")
LEVY_FIELDS = ("unit", "year", "project", "budget", "cash_per_person", "workdays_per_labourer", "persons",
               "labourers", "status", "decision", "county_filing_ref", "amount_spent")
CONCERN_FIELDS = ("unit", "code", "channel", "category", "received_on", "promised_by", "status", "answered_on",
                  "alleges_misconduct", "referred_on")

TWO_COMMITTEE_POSTS = (PostTypeChoices.VILLAGE_PARTY_SECRETARY, PostTypeChoices.COMMITTEE_DIRECTOR,
                       PostTypeChoices.COMMITTEE_MEMBER)


def _require_village(unit: Unit) -> None:
    if unit.level != UnitLevelChoices.VILLAGE:
        raise ValidationError({"unit": _("Choose a village.")})


def _active_posts(unit: Unit, post_types, on: date | None = None):
    on = on or timezone.localdate()
    return Post.objects.filter(unit=unit, post_type__in=post_types, start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on))


# --- the people register: who should attend --------------------------------------------------------
def register_people(unit: Unit, body: str, on: date | None = None):
    """The people of the register who should attend a meeting of ``body`` (posts held on ``on``,
    today by default), or None when the register cannot tell (adult villagers and households are not
    in it: their number is entered)."""
    if body == MeetingBodyChoices.PARTY_MEMBERS:
        return Person.objects.filter(home_unit__path__startswith=unit.path,
                                     party__in=(PersonPartyChoices.MEMBER, PersonPartyChoices.PROBATIONARY))
    if body == MeetingBodyChoices.REPRESENTATIVES:
        return Person.objects.filter(pk__in=_active_posts(unit, (PostTypeChoices.VILLAGER_REPRESENTATIVE,), on)
                                     .values("person_id"))
    if body == MeetingBodyChoices.TWO_COMMITTEES:
        return Person.objects.filter(pk__in=_active_posts(unit, TWO_COMMITTEE_POSTS, on).values("person_id"))
    return None


def register_villagers(unit: Unit):
    """The villagers of the register (people whose home is the village or one of its groups)."""
    return Person.objects.filter(home_unit__path__startswith=unit.path)


def register_ids_for_codes(unit: Unit, codes) -> list[int]:
    """The register ids of the village's people with these codes; refused when a code is not one."""
    codes = [c.strip() for c in codes if c and c.strip()]
    found = dict(register_villagers(unit).filter(code__in=codes).values_list("code", "pk"))
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError({"proposer_codes": _("Not villagers of this village in the people register: "
                                                   "%(codes)s.") % {"codes": ", ".join(unknown)}})
    return list(dict.fromkeys(found[c] for c in codes))


def _refusal(body: str, outcome: quorum.Convening) -> str:
    values = {"n": outcome.proposers, "base": outcome.base, "ratio": outcome.ratio_percent,
              "needed": outcome.needed}
    if body == MeetingBodyChoices.REPRESENTATIVES:
        return _("Not convened on a proposal: %(n)s of the %(base)s villagers' representatives in the register "
                 "proposed it (%(ratio)s). The Organic Law of Villagers' Committees (Art. 26) requires at least "
                 "one fifth of the representatives: %(needed)s of %(base)s.") % values
    if body == MeetingBodyChoices.ASSEMBLY_HOUSEHOLDS:
        return _("Not convened on a proposal: %(n)s of the %(base)s households' representatives proposed it "
                 "(%(ratio)s). The Organic Law of Villagers' Committees (Art. 21) requires at least one third of "
                 "the households: %(needed)s of %(base)s.") % values
    return _("Not convened on a proposal: %(n)s of the %(base)s villagers proposed it (%(ratio)s). The Organic Law "
             "of Villagers' Committees (Art. 21) requires at least one tenth of the villagers: %(needed)s of "
             "%(base)s.") % values


def check_proposal(unit: Unit, body: str, proposer_ids, *, expected: int | None, proposed_on: date):
    """The proposers (people of the register) and the checked proposal that had a meeting of ``body``
    convened, or ValidationError naming the numbers. Representatives are counted against the register's
    representatives on the day of the proposal; villagers and households' representatives must be
    villagers of the register, counted against the number who should attend the villagers' meeting
    (the register knows neither ages nor households). 村民委员会组织法 Art. 21 and Art. 26."""
    ids = list(dict.fromkeys(int(pk) for pk in proposer_ids))
    if body not in quorum.CONVENING:
        raise ValidationError({"proposer_ids": _("This meeting is not convened on the proposal of villagers or "
                                              "representatives.")})
    if body == MeetingBodyChoices.REPRESENTATIVES:
        pool = register_people(unit, body, on=proposed_on)
        base = pool.count()
        if not base:
            raise ValidationError({"proposer_ids": _("The people register lists no villagers' representatives of "
                                                  "this village on the day of the proposal.")})
        what = _("Only the village's representatives in the register on the day of the proposal count as "
                 "proposers.")
    else:
        pool, base = register_villagers(unit), expected
        if not base:
            raise ValidationError({"expected": _("Enter how many should attend: the proposal is counted against "
                                                 "it.")})
        what = _("Only villagers of this village in the people register count as proposers.")
    people = list(pool.filter(pk__in=ids))
    if len(people) != len(ids):
        raise ValidationError({"proposer_ids": what})
    outcome = quorum.convening(body, proposers=len(people), base=base)
    if not outcome.met:
        raise ValidationError({"proposer_ids": _refusal(body, outcome)})
    return people, outcome


def _convening(unit: Unit, body: str, proposer_ids, *, expected: int | None, proposed_on: date | None,
               held_on: date) -> tuple[list, dict]:
    """The proposers and the meeting's convening fields: convened by the committee when nobody is named,
    else on the proposal of the people named, checked against the register (``check_proposal``)."""
    from .choices import ConveningChoices

    if not proposer_ids:
        return [], {"convened": ConveningChoices.COMMITTEE}
    proposed_on = proposed_on or held_on
    if proposed_on > held_on:
        raise ValidationError({"proposed_on": _("The proposal cannot be after the meeting.")})
    people, outcome = check_proposal(unit, body, proposer_ids, expected=expected, proposed_on=proposed_on)
    return people, {"convened": ConveningChoices.PROPOSAL, "proposed_on": proposed_on,
                    "proposers_count": outcome.proposers, "proposal_base": outcome.base}


def _attendance(unit: Unit, body: str, expected: int | None, present: int | None, attendee_ids) -> tuple:
    """(expected, present, from_register, attendees) for a meeting of ``body``: the register's count
    when it has one, the entered number otherwise; attendees must be people of the register."""
    people = register_people(unit, body)
    from_register = people is not None and people.exists()
    attendees = []
    if from_register:
        expected = people.count()
        if attendee_ids:
            attendees = list(people.filter(pk__in=attendee_ids))
            if len(attendees) != len(set(attendee_ids)):
                raise ValidationError({"attendees": _("Only people of the register who should attend can be "
                                                      "marked present.")})
            present = len(attendees)
    if expected is None:
        raise ValidationError({"expected": _("Enter how many should attend: the people register does not "
                                             "list them.")})
    if present is None:
        raise ValidationError({"present": _("Enter how many were present, or mark them on the list.")})
    return expected, present, from_register, attendees


# --- four discussions, two disclosures ---------------------------------------------------------------
@transaction.atomic
def do_create_decision(*, acting_user, unit: Unit, matter_type: str, title: str, description: str = "") -> Decision:
    _require_village(unit)
    decision = Decision(unit=unit, matter_type=matter_type, title=title.strip(), description=description.strip())
    decision.full_clean()
    decision.save()
    record_event(acting_user=acting_user, event_code="democracy.decision_created", subject=decision,
                 after=snapshot(decision, DECISION_FIELDS), unit=unit)
    return decision


def _holds_both_posts(unit: Unit) -> bool:
    secretaries = _active_posts(unit, (PostTypeChoices.VILLAGE_PARTY_SECRETARY,)).values("person_id")
    return _active_posts(unit, (PostTypeChoices.COMMITTEE_DIRECTOR,)).filter(person_id__in=secretaries).exists()


@transaction.atomic
def do_take_decision_step(decision: Decision, *, acting_user, name: str, reason: str = "", text: str = "",
                          on_date: date | None = None) -> Decision:
    """A step without a meeting: the proposal, the two disclosures, withdrawal."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if name in MEETING_STEPS:
        raise ValidationError(_("This step is taken by recording its meeting, with attendance and votes."))
    transition = find_transition(DECISION_WORKFLOW, decision.status, name)
    if transition is None or name not in PLAIN_DECISION_STEPS:
        raise ValidationError(_("This step does not apply to the decision at its current step."))
    reason = validate_reason(transition, reason)
    on_date = on_date or timezone.localdate()
    before = snapshot(decision, DECISION_FIELDS)
    if name == "propose_merged":
        if not _holds_both_posts(decision.unit):
            raise ValidationError(_("Steps 1 and 2 may be merged only where one person is both the village "
                                    "party secretary and the committee director."))
        decision.steps_merged = True
    if name in ("propose", "propose_merged"):
        decision.proposed_on = on_date
    elif name == "disclose_resolution":
        decision.resolution_disclosed_on = on_date
    elif name == "disclose_result":
        if not text.strip():
            raise ValidationError({"text": _("Describe the implementation result to disclose.")})
        decision.result_text = text.strip()
        decision.result_disclosed_on = on_date
    decision.status = transition.target
    decision.save()
    record_event(acting_user=acting_user, event_code=f"democracy.decision_{transition.target}", subject=decision,
                 before=before, after={**snapshot(decision, DECISION_FIELDS), "reason": reason}, unit=decision.unit)
    return decision


def meeting_step(decision: Decision, body: str) -> str | None:
    """The step a meeting of ``body`` takes the decision through, from its current step (None if none)."""
    for name, bodies in MEETING_STEPS.items():
        if body in bodies and find_transition(DECISION_WORKFLOW, decision.status, name) is not None:
            return name
    return None


def _next_resolution_ref(decision: Decision, body: str, held_on: date) -> str:
    prefix = _("Villagers' representatives' meeting resolution") if body == MeetingBodyChoices.REPRESENTATIVES \
        else _("Villagers' meeting resolution")
    count = Decision.objects.filter(unit=decision.unit, decided_on__year=held_on.year).count() + 1
    return f"{decision.unit.code} {prefix} 〔{held_on.year}〕{count}"


@transaction.atomic
def do_record_decision_meeting(decision: Decision, *, acting_user, body: str, held_on: date, present: int | None = None,
                               votes_for: int, votes_against: int = 0, abstentions: int = 0,
                               expected: int | None = None, attendee_ids=(), minutes: str = "",
                               resolution_text: str = "", resolution_amount: Decimal | None = None,
                               proposer_ids=(), proposed_on: date | None = None) -> DecisionMeeting:
    """Record a meeting on the decision; when the platform finds its quorum and majority held, the
    decision takes the meeting's step, otherwise the meeting stays on record as failed and the
    decision does not advance. A villagers' (representatives') meeting convened on a proposal names
    its proposers from the register (``check_proposal``)."""
    decision = Decision.objects.select_for_update().select_related("unit").get(pk=decision.pk)
    name = meeting_step(decision, body)
    if resolution_amount is not None and resolution_amount < 0:
        raise ValidationError({"resolution_amount": _("Amounts cannot be negative.")})
    if name is None:
        raise ValidationError({"body": _("At its current step (%(step)s) the decision is not taken forward by "
                                         "this meeting.") % {"step": decision.get_status_display()}})
    expected, present, from_register, attendees = _attendance(decision.unit, body, expected, present, attendee_ids)
    proposers, convening = _convening(decision.unit, body, proposer_ids, expected=expected, proposed_on=proposed_on,
                                      held_on=held_on)
    outcome = quorum.evaluate(body, expected=expected, present=present, votes_for=votes_for,
                              votes_against=votes_against, abstentions=abstentions)
    meeting = DecisionMeeting.objects.create(
        decision=decision, body=body, held_on=held_on, expected=expected, expected_from_register=from_register,
        present=present, votes_for=votes_for, votes_against=votes_against, abstentions=abstentions,
        quorum_met=outcome.quorum_met, passed=outcome.passed, minutes=minutes.strip(),
        **convening)
    if attendees:
        meeting.attendees.set(attendees)
    if proposers:
        meeting.proposers.set(proposers)
    before = snapshot(decision, DECISION_FIELDS)
    if outcome.passed:
        decision.status = find_transition(DECISION_WORKFLOW, decision.status, name).target
        if name == "decide":
            decision.decided_on = held_on
            decision.resolution_ref = _next_resolution_ref(decision, body, held_on)
            decision.resolution_text = resolution_text.strip()
            decision.resolution_amount = resolution_amount
        decision.save()
    record_event(acting_user=acting_user,
                 event_code="democracy.meeting_passed" if outcome.passed else "democracy.meeting_failed",
                 subject=decision, before=before,
                 after={**snapshot(decision, DECISION_FIELDS), "meeting": meeting.pk, "body": body,
                        "expected": expected, "present": present, "votes_for": votes_for,
                        "quorum_met": outcome.quorum_met, "passed": outcome.passed, "convened": meeting.convened,
                        "proposers": [p.pk for p in proposers], "proposers_count": meeting.proposers_count,
                        "proposal_base": meeting.proposal_base},
                 unit=decision.unit)
    return meeting


# --- one matter, one discussion ------------------------------------------------------------------
def _check_caps(unit: Unit, year: int, cash: Decimal, workdays: Decimal, *, exclude_pk=None) -> None:
    """Refuse a plan that would take the village's levies of the year above the province's caps
    (村民一事一议筹资筹劳管理办法, 国办发〔2007〕4号, Art. 8: caps set by the province)."""
    caps = levy_caps()
    others = LevyPlan.objects.filter(unit=unit, year=year).exclude(status=LevyStatusChoices.WITHDRAWN)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    sums = others.aggregate(cash=Sum("cash_per_person"), days=Sum("workdays_per_labourer"))
    errors = {}
    total_cash = (sums["cash"] or Decimal(0)) + cash
    total_days = (sums["days"] or Decimal(0)) + workdays
    if total_cash > caps.cash_per_person_year:
        errors["cash_per_person"] = _(
            "Refused: %(total)s yuan per person in %(year)s would exceed the province's cap of %(cap)s yuan per "
            "person per year for one-matter-one-discussion levies (%(other)s yuan already planned this year).") % {
            "total": total_cash, "year": year, "cap": caps.cash_per_person_year, "other": sums["cash"] or 0}
    if total_days > caps.workdays_per_labourer_year:
        errors["workdays_per_labourer"] = _(
            "Refused: %(total)s workdays per labourer in %(year)s would exceed the province's cap of %(cap)s "
            "standard workdays per labourer per year (%(other)s already planned this year).") % {
            "total": total_days, "year": year, "cap": caps.workdays_per_labourer_year, "other": sums["days"] or 0}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_create_levy_plan(*, acting_user, unit: Unit, year: int, project: str, budget: Decimal,
                        cash_per_person: Decimal, workdays_per_labourer: Decimal, persons: int, labourers: int,
                        exemptions: dict[str, int] | None = None) -> LevyPlan:
    _require_village(unit)
    exemptions = {k: int(v) for k, v in (exemptions or {}).items() if v}
    if min([cash_per_person, workdays_per_labourer, budget]) < 0:
        raise ValidationError(_("Amounts cannot be negative."))
    if sum(exemptions.values()) > persons:
        raise ValidationError({"persons": _("More people are exempt than the plan covers.")})
    _check_caps(unit, year, cash_per_person, workdays_per_labourer)
    plan = LevyPlan(unit=unit, year=year, project=project.strip(), budget=budget, cash_per_person=cash_per_person,
                    workdays_per_labourer=workdays_per_labourer, persons=persons, labourers=labourers)
    plan.full_clean()
    plan.save()
    LevyExemption.objects.bulk_create(LevyExemption(plan=plan, category=k, count=v) for k, v in exemptions.items())
    record_event(acting_user=acting_user, event_code="democracy.levy_created", subject=plan,
                 after={**snapshot(plan, LEVY_FIELDS), "exemptions": exemptions}, unit=unit)
    return plan


@transaction.atomic
def do_take_levy_step(plan: LevyPlan, *, acting_user, name: str, reason: str = "", decision: Decision | None = None,
                      filing_ref: str = "", amount_spent: Decimal | None = None) -> LevyPlan:
    plan = LevyPlan.objects.select_for_update().select_related("unit").get(pk=plan.pk)
    transition = find_transition(LEVY_WORKFLOW, plan.status, name)
    if transition is None:
        raise ValidationError(_("This step does not apply to the plan at its current step."))
    reason = validate_reason(transition, reason, required=name in ("township_review", "settle"))
    before = snapshot(plan, LEVY_FIELDS)
    if name == "approve":
        decided = (DecisionStatusChoices.DECIDED, DecisionStatusChoices.RESOLUTION_DISCLOSED,
                   DecisionStatusChoices.RESULT_DISCLOSED)
        decision = Decision.objects.filter(pk=getattr(decision, "pk", None)).first()
        if decision is None or decision.unit_id != plan.unit_id or decision.status not in decided:
            raise ValidationError({"decision": _("Link the villagers' meeting resolution that approved the plan.")})
        _check_caps(plan.unit, plan.year, plan.cash_per_person, plan.workdays_per_labourer, exclude_pk=plan.pk)
        plan.decision = decision
    elif name == "township_review":
        plan.township_opinion = reason
    elif name == "county_file":
        if not filing_ref.strip():
            raise ValidationError({"filing_ref": _("Enter the county's filing number.")})
        plan.county_filing_ref = filing_ref.strip()
    elif name == "settle":
        if amount_spent is None or amount_spent < 0:
            raise ValidationError({"amount_spent": _("Enter the amount spent on the project.")})
        plan.amount_spent = amount_spent
        plan.settlement = reason
    plan.status = transition.target
    plan.save()
    record_event(acting_user=acting_user, event_code=f"democracy.levy_{transition.target}", subject=plan,
                 before=before, after={**snapshot(plan, LEVY_FIELDS), "reason": reason}, unit=plan.unit)
    return plan


# --- representatives' meetings ---------------------------------------------------------------------
@transaction.atomic
def do_record_representatives_meeting(*, acting_user, unit: Unit, held_on: date, present: int, agenda: str,
                                      minutes: str = "", expected: int | None = None, proposer_ids=(),
                                      proposed_on: date | None = None) -> RepresentativesMeeting:
    """A representatives' meeting (村民委员会组织法 Art. 26): convened by the villagers' committee every
    quarter, and whenever at least one fifth of the representatives propose it; quorum two thirds of
    the members. A meeting on a proposal names its proposers from the register, and is refused with
    the numbers when they are fewer than one fifth of the register's representatives."""
    _require_village(unit)
    expected, present, _reg, _att = _attendance(unit, MeetingBodyChoices.REPRESENTATIVES, expected, present, ())
    outcome = quorum.evaluate(MeetingBodyChoices.REPRESENTATIVES, expected=expected, present=present, votes_for=0)
    if not agenda.strip():
        raise ValidationError({"agenda": _("Enter the agenda.")})
    proposers, convening = _convening(unit, MeetingBodyChoices.REPRESENTATIVES, proposer_ids, expected=None,
                                      proposed_on=proposed_on, held_on=held_on)
    meeting = RepresentativesMeeting.objects.create(unit=unit, held_on=held_on, expected=expected, present=present,
                                                    quorum_met=outcome.quorum_met, agenda=agenda.strip(),
                                                    minutes=minutes.strip(),
                                                    **convening)
    if proposers:
        meeting.proposers.set(proposers)
    record_event(acting_user=acting_user, event_code="democracy.representatives_meeting_recorded", subject=meeting,
                 after={**snapshot(meeting, ("unit", "held_on", "expected", "present", "quorum_met", "convened",
                                             "proposed_on", "proposers_count", "proposal_base")),
                        "proposers": [p.pk for p in proposers]}, unit=unit)
    return meeting


def quarters_without_meeting(unit: Unit, year: int, today: date | None = None) -> list[int]:
    """The ended quarters of ``year`` in which the village held no representatives' meeting with quorum."""
    today = today or timezone.localdate()
    held = {(m.month - 1) // 3 + 1 for m in RepresentativesMeeting.objects.filter(
        unit=unit, held_on__year=year, quorum_met=True).values_list("held_on", flat=True)}
    ended = [q for q in (1, 2, 3, 4) if date(year, q * 3, calendar.monthrange(year, q * 3)[1]) < today]
    return [q for q in ended if q not in held]


# --- democratic financial management ---------------------------------------------------------------
def month_bounds(month: date) -> tuple[date, date]:
    start = month.replace(day=1)
    return start, start.replace(day=calendar.monthrange(start.year, start.month)[1])


def review_due_date(month: date) -> date:
    _start, end = month_bounds(month)
    return (end + timedelta(days=1)).replace(day=REVIEW_DUE_DAY)


def _first_user(unit: Unit, role: str):
    """The user holding ``role`` over ``unit`` (on the unit itself first), for a clock's assignee."""
    from cleangov.accounts.models import RoleAssignment

    today = timezone.localdate()
    rows = (RoleAssignment.objects.filter(role=role).filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
            .select_related("unit", "user").order_by("-unit__depth", "pk"))
    for a in rows:
        if a.unit_id == unit.pk or (a.include_subtree and unit.path.startswith(a.unit.path)):
            return a.user
    return None


@transaction.atomic
def do_open_monthly_review(*, acting_user, unit: Unit, month: date) -> MonthlyReview:
    """Open the financial management group's review of a month: copy the month's imported voucher lines
    and start its clock on the deadline engine (due on the 10th of the next month)."""
    from cleangov.finance.api import month_lines

    _require_village(unit)
    start, end = month_bounds(month)
    if MonthlyReview.objects.filter(unit=unit, month=start).exists():
        raise ValidationError({"month": _("This month is already under review.")})
    review = MonthlyReview.objects.create(unit=unit, month=start, due_date=review_due_date(start))
    ReviewLine.objects.bulk_create(
        ReviewLine(review=review, line_key=row["key"], voucher_no=row["voucher_no"],
                   voucher_date=row["voucher_date"], category=row["category"], amount=row["amount"],
                   summary=row["summary"] or "") for row in month_lines(unit.pk, start, end))
    create_deadline(review, REVIEW_RULE, due_date=review.due_date, unit=unit, acting_user=acting_user,
                    assignee=_first_user(unit, R.SUPERVISION_MEMBER),
                    title=_("Financial management group: review the vouchers of %(month)s") % {
                        "month": start.strftime("%Y-%m")})
    record_event(acting_user=acting_user, event_code="democracy.review_opened", subject=review,
                 after={"unit": unit.pk, "month": start, "lines": review.lines.count(), "due": review.due_date},
                 unit=unit)
    return review


@transaction.atomic
def do_review_voucher_line(line: ReviewLine, *, acting_user, verdict: str, reason: str = "") -> ReviewLine:
    line = ReviewLine.objects.select_for_update().select_related("review__unit").get(pk=line.pk)
    if line.review.status == ReviewStatusChoices.DONE:
        raise ValidationError(_("This month's review is complete."))
    if verdict not in (ReviewVerdictChoices.PASSED, ReviewVerdictChoices.QUERIED):
        raise ValidationError({"verdict": _("Pass or query the line.")})
    if verdict == ReviewVerdictChoices.QUERIED and not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the query.")})
    before = {"verdict": line.verdict, "reason": line.reason}
    line.verdict, line.reason, line.answer = verdict, reason.strip(), ""
    line.save()
    record_event(acting_user=acting_user, event_code=f"democracy.line_{verdict}", subject=line.review, before=before,
                 after={"line": line.line_key, "verdict": verdict, "reason": line.reason}, unit=line.review.unit)
    return line


@transaction.atomic
def do_answer_voucher_query(line: ReviewLine, *, acting_user, answer: str) -> ReviewLine:
    line = ReviewLine.objects.select_for_update().select_related("review__unit").get(pk=line.pk)
    if line.verdict != ReviewVerdictChoices.QUERIED:
        raise ValidationError(_("Only a queried line can be answered."))
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer.")})
    line.verdict, line.answer = ReviewVerdictChoices.ANSWERED, answer.strip()
    line.save()
    record_event(acting_user=acting_user, event_code="democracy.query_answered", subject=line.review,
                 after={"line": line.line_key, "answer": line.answer}, unit=line.review.unit)
    return line


@transaction.atomic
def do_complete_monthly_review(review: MonthlyReview, *, acting_user, on_date: date | None = None) -> MonthlyReview:
    review = MonthlyReview.objects.select_for_update().select_related("unit").get(pk=review.pk)
    if review.status == ReviewStatusChoices.DONE:
        raise ValidationError(_("This month's review is complete."))
    pending = review.lines.filter(verdict=ReviewVerdictChoices.PENDING).count()
    unanswered = review.lines.filter(verdict=ReviewVerdictChoices.QUERIED).count()
    if pending or unanswered:
        raise ValidationError(_("%(pending)s line(s) not reviewed and %(queried)s query(ies) not answered yet.") % {
            "pending": pending, "queried": unanswered})
    review.status, review.completed_on = ReviewStatusChoices.DONE, on_date or timezone.localdate()
    review.save()
    meet_deadlines(review, rule=REVIEW_RULE, acting_user=acting_user)
    record_event(acting_user=acting_user, event_code="democracy.review_completed", subject=review,
                 after={"unit": review.unit_id, "month": review.month, "completed_on": review.completed_on},
                 unit=review.unit)
    return review


# --- villagers' concerns ---------------------------------------------------------------------------
def _concern_code() -> str:
    while True:
        code = "MQ-" + random_code(8)
        if not Concern.objects.filter(code=code).exists():
            return code


@transaction.atomic
def do_record_concern(*, acting_user, unit: Unit, channel: str, category: str, received_on: date, summary: str,
                      promise: str, promised_by: date, villager_name: str = "",
                      alleges_misconduct: bool = False) -> Concern:
    """A liaison cadre records a villager's concern and what was promised by when; the promise is a
    clock on the deadline engine and the villager gets the reference code to follow it."""
    _require_village(unit)
    if promised_by < received_on:
        raise ValidationError({"promised_by": _("The promised date cannot be before the day it was received.")})
    concern = Concern(unit=unit, code=_concern_code(), channel=channel, category=category, received_on=received_on,
                      summary=summary.strip(), villager_name=villager_name.strip(), promise=promise.strip(),
                      promised_by=promised_by, alleges_misconduct=alleges_misconduct, recorded_by=acting_user
                      if getattr(acting_user, "pk", None) else None)
    concern.full_clean()
    concern.save()
    create_deadline(concern, CONCERN_RULE, due_date=promised_by, unit=unit, acting_user=acting_user,
                    assignee=acting_user if getattr(acting_user, "pk", None) else None,
                    title=_("Answer the villager's concern %(code)s") % {"code": concern.code})
    record_event(acting_user=acting_user, event_code="democracy.concern_recorded", subject=concern,
                 after=snapshot(concern, CONCERN_FIELDS), unit=unit)
    return concern


@transaction.atomic
def do_answer_concern(concern: Concern, *, acting_user, answer: str, answered_on: date | None = None) -> Concern:
    concern = Concern.objects.select_for_update().select_related("unit").get(pk=concern.pk)
    if concern.status == ConcernStatusChoices.ANSWERED:
        raise ValidationError(_("This concern is already answered."))
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer given to the villager.")})
    before = snapshot(concern, CONCERN_FIELDS)
    concern.status, concern.answer = ConcernStatusChoices.ANSWERED, answer.strip()
    concern.answered_on = answered_on or timezone.localdate()
    concern.save()
    meet_deadlines(concern, rule=CONCERN_RULE, acting_user=acting_user)
    record_event(acting_user=acting_user, event_code="democracy.concern_answered", subject=concern, before=before,
                 after=snapshot(concern, CONCERN_FIELDS), unit=concern.unit)
    return concern


@transaction.atomic
def do_refer_concern(concern: Concern, *, acting_user, villager_consents: bool) -> Concern:
    """Pass a concern alleging misconduct on as a report, with the villager's consent: sends
    ``core.signals.case_requested`` (whichever app registers reports and cases receives it)."""
    concern = Concern.objects.select_for_update().select_related("unit").get(pk=concern.pk)
    if not concern.alleges_misconduct:
        raise ValidationError(_("Only a concern that alleges misconduct can be passed on as a report."))
    if not villager_consents:
        raise ValidationError({"villager_consents": _("The villager must agree before the concern is passed on.")})
    if concern.referred_on:
        raise ValidationError(_("This concern was already passed on."))
    concern.referred_on = timezone.localdate()
    concern.save()
    record_event(acting_user=acting_user, event_code="democracy.concern_referred", subject=concern,
                 after={**snapshot(concern, CONCERN_FIELDS), "consent": True}, unit=concern.unit)
    case_requested.send(sender=Concern, source=MatterRef.of(concern), unit_id=concern.unit_id,
                        subject_person_ids=[], summary=concern.summary, acting_user=acting_user)
    return concern


# --- village rules ---------------------------------------------------------------------------------
@transaction.atomic
def do_draft_village_rule(*, acting_user, unit: Unit, title: str, text: str) -> VillageRule:
    _require_village(unit)
    rule = VillageRule(unit=unit, title=title.strip(), text=text.strip())
    rule.full_clean()
    rule.save()
    record_event(acting_user=acting_user, event_code="democracy.rule_drafted", subject=rule,
                 after=snapshot(rule, ("unit", "title", "status")), unit=unit)
    return rule


@transaction.atomic
def do_adopt_village_rule(rule: VillageRule, *, acting_user, body: str, held_on: date, expected: int | None,
                          present: int, votes_for: int, votes_against: int = 0, abstentions: int = 0) -> VillageRule:
    """Adoption by the villagers' (representatives') meeting with its quorum, then filing with the
    township, whose legality review (村民委员会组织法 Art. 27) gets a clock."""
    rule = VillageRule.objects.select_for_update().select_related("unit").get(pk=rule.pk)
    if find_transition(RULE_WORKFLOW, rule.status, "adopt") is None:
        raise ValidationError(_("This step does not apply to the rules at their current step."))
    if body not in MEETING_STEPS["decide"]:
        raise ValidationError({"body": _("Village rules are adopted by the villagers' meeting or its "
                                         "representatives' meeting.")})
    expected, present, _reg, _att = _attendance(rule.unit, body, expected, present, ())
    outcome = quorum.evaluate(body, expected=expected, present=present, votes_for=votes_for,
                              votes_against=votes_against, abstentions=abstentions)
    if not outcome.passed:
        raise ValidationError(_("Not adopted: the meeting had no quorum or the rules did not get a majority."))
    rule.status, rule.adopted_on = VillageRuleStatusChoices.FILED, held_on
    rule.adoption = {"body": body, "expected": expected, "present": present, "votes_for": votes_for}
    rule.review_reason = ""
    rule.save()
    create_deadline(rule, RULE_REVIEW_RULE, timezone.localdate(), workdays=RULE_REVIEW_WORKDAYS,
                    unit=rule.unit.parent, acting_user=acting_user,
                    title=_("Review the legality of the village rules: %(title)s") % {"title": rule.title})
    record_event(acting_user=acting_user, event_code="democracy.rule_filed", subject=rule,
                 after={**snapshot(rule, ("unit", "title", "status", "adopted_on")), **rule.adoption}, unit=rule.unit)
    return rule


@transaction.atomic
def do_review_village_rule(rule: VillageRule, *, acting_user, name: str, reason: str = "") -> VillageRule:
    rule = VillageRule.objects.select_for_update().select_related("unit").get(pk=rule.pk)
    transition = find_transition(RULE_WORKFLOW, rule.status, name)
    if transition is None or name == "adopt":
        raise ValidationError(_("This step does not apply to the rules at their current step."))
    reason = validate_reason(transition, reason)
    rule.status, rule.review_reason = transition.target, reason
    if transition.target == VillageRuleStatusChoices.PUBLISHED:
        rule.published_on = timezone.localdate()
    rule.save()
    meet_deadlines(rule, rule=RULE_REVIEW_RULE, acting_user=acting_user)
    record_event(acting_user=acting_user, event_code=f"democracy.rule_{transition.target}", subject=rule,
                 after={**snapshot(rule, ("unit", "title", "status", "published_on")), "reason": reason},
                 unit=rule.unit)
    return rule


# --- appraisal (the ballots themselves: ballots.py) ------------------------------------------------
@transaction.atomic
def do_create_appraisal(*, acting_user, unit: Unit, year: int, title: str, electorate: str,
                        candidate_people) -> Appraisal:
    """An appraisal of the village cadres run by the supervision committee (村民委员会组织法 Art. 33). A
    member who is one of the cadres, or related to one, may not run it."""
    _require_village(unit)
    people = list(candidate_people)
    if not people:
        raise ValidationError({"candidate_people": _("Choose the cadres to be rated.")})
    check_conflict_of_interest(acting_user, subject_people=people)
    appraisal = Appraisal(unit=unit, year=year, title=title.strip(), electorate=electorate)
    appraisal.full_clean()
    appraisal.save()
    posts = dict(Post.objects.filter(unit=unit, person__in=people, end_date__isnull=True)
                 .values_list("person_id", "post_type"))
    labels = dict(PostTypeChoices.choices)
    AppraisalCandidate.objects.bulk_create(
        AppraisalCandidate(appraisal=appraisal, person=p, post_label=str(labels.get(posts.get(p.pk), "")))
        for p in people)
    record_event(acting_user=acting_user, event_code="democracy.appraisal_created", subject=appraisal,
                 after={"unit": unit.pk, "year": year, "title": appraisal.title, "electorate": electorate,
                        "cadres": [p.pk for p in people]}, unit=unit, subject_people=people)
    return appraisal


def appraisal_people(appraisal: Appraisal) -> list[int]:
    return list(appraisal.candidates.values_list("person_id", flat=True))


@transaction.atomic
def do_open_appraisal(appraisal: Appraisal, *, acting_user) -> Appraisal:
    appraisal = Appraisal.objects.select_for_update().select_related("unit").get(pk=appraisal.pk)
    check_conflict_of_interest(acting_user, subject_people=appraisal_people(appraisal))
    if appraisal.status != AppraisalStatusChoices.DRAFT:
        raise ValidationError(_("Only an appraisal being prepared can be opened."))
    if not appraisal.tokens_issued:
        raise ValidationError(_("Print the voting slips before opening the vote."))
    appraisal.status = AppraisalStatusChoices.OPEN
    appraisal.save()
    record_event(acting_user=acting_user, event_code="democracy.appraisal_opened", subject=appraisal,
                 after={"status": appraisal.status, "tokens_issued": appraisal.tokens_issued}, unit=appraisal.unit)
    return appraisal
