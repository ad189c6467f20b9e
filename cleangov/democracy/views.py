"""Pages of the democracy app: thin — parse, gate, act, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cleangov.core.access import require_role
from cleangov.core.workflow import available_transitions
from cleangov.deadlines.api import deadlines_for
from cleangov.orgs.choices import PostTypeChoices
from cleangov.orgs.models import Person, Post

from . import access as A
from . import actions, ballots
from .choices import MeetingBodyChoices, ReviewStatusChoices, ReviewVerdictChoices
from .forms import (
    AnswerForm,
    AppraisalForm,
    ConcernForm,
    DecisionForm,
    DecisionStepForm,
    LevyForm,
    LevyStepForm,
    LineVerdictForm,
    MeetingForm,
    ReferForm,
    RepresentativesMeetingForm,
    RuleAdoptForm,
    RuleForm,
    RuleReviewForm,
    SlipsForm,
    TokenForm,
    ballot_form_class,
)
from .models import Decision, LevyPlan, MonthlyReview, RepresentativesMeeting, VillageRule
from .workflow import DECISION_WORKFLOW, LEVY_WORKFLOW, MEETING_STEPS, PLAIN_DECISION_STEPS, RULE_WORKFLOW

# Record-book kinds that held these meetings before this app (cleangov/data/ledgers/kinds.yaml): their
# entries stay in the record books and the village page links to them.
LEGACY_LEDGER_KINDS = ("democratic_decision", "villagers_assembly", "representatives_meeting", "democratic_hearing",
                       "cadre_appraisal")


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def index(request):
    require_role(request.user, A.VIEW_ROLES)
    villages = list(A.visible_villages(request.user).order_by("path")[:300])
    today = timezone.localdate()
    open_reviews = set(MonthlyReview.objects.filter(unit__in=villages, status=ReviewStatusChoices.OPEN,
                                                    due_date__lt=today).values_list("unit_id", flat=True))
    rows = [{"unit": v, "overdue_review": v.pk in open_reviews,
             "missing_quarters": actions.quarters_without_meeting(v, today.year, today)} for v in villages]
    return render(request, "democracy/index.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def village(request, unit_id):
    unit = A.access_village_by_id(request.user, unit_id)
    user = request.user
    can = {noun: A.can_act(user, unit, noun) for noun in A.ACTION_ROLES}
    forms = {"decision": DecisionForm(prefix="d"), "levy": LevyForm(prefix="l"),
             "meeting": RepresentativesMeetingForm(prefix="m", representatives=_representatives(unit)),
             "concern": ConcernForm(prefix="c"),
             "rule": RuleForm(prefix="r"), "appraisal": AppraisalForm(prefix="a", people=_cadres(unit))}
    if request.method == "POST":
        kind = request.POST.get("form")
        target = _create(request, unit, kind, forms, can)
        if target is not None:
            return target
    today = timezone.localdate()
    context = {
        "unit": unit, "can": can, "forms": forms,
        "decisions": Decision.objects.filter(unit=unit)[:100],
        "levies": LevyPlan.objects.filter(unit=unit)[:100],
        "meetings": RepresentativesMeeting.objects.filter(unit=unit)[:20],
        "missing_quarters": actions.quarters_without_meeting(unit, today.year, today),
        "reviews": MonthlyReview.objects.filter(unit=unit)[:24],
        "appraisals": A.visible_appraisals(user).filter(unit=unit)[:20],
        "concerns": A.visible_concerns(user).filter(unit=unit)[:100],
        "show_concerns": A.can_see_concerns(user, unit),
        "rules": VillageRule.objects.filter(unit=unit)[:20],
        "ledger_kinds": LEGACY_LEDGER_KINDS, "today": today,
    }
    return render(request, "democracy/village.html", context)


def _representatives(unit):
    return actions.register_people(unit, MeetingBodyChoices.REPRESENTATIVES).order_by("name")


def _cadres(unit):
    posts = (PostTypeChoices.VILLAGE_PARTY_SECRETARY, PostTypeChoices.COMMITTEE_DIRECTOR,
             PostTypeChoices.COMMITTEE_MEMBER, PostTypeChoices.ACCOUNTANT, PostTypeChoices.GROUP_LEADER)
    ids = Post.objects.filter(unit__path__startswith=unit.path, post_type__in=posts, end_date__isnull=True)
    return Person.objects.filter(pk__in=ids.values("person_id")).order_by("name")


def _create(request, unit, kind, forms, can):
    """Handle one of the village page's creation forms; a redirect on success, None to re-render."""
    user = request.user
    noun = {"decision": "decision", "levy": "levy", "meeting": "meeting", "concern": "concern", "rule": "meeting",
            "appraisal": "appraisal"}.get(kind)
    if noun is None or not can[noun]:
        raise Http404
    prefix = {"decision": "d", "levy": "l", "meeting": "m", "concern": "c", "rule": "r", "appraisal": "a"}[kind]
    form_class = type(forms[kind])
    extra = {"people": _cadres(unit)} if kind == "appraisal" else {}
    if kind == "meeting":
        extra = {"representatives": _representatives(unit)}
    form = form_class(request.POST, prefix=prefix, **extra)
    forms[kind] = form
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        if kind == "decision":
            obj = actions.do_create_decision(acting_user=user, unit=unit, **data)
            return redirect("democracy:decision_detail", obj.pk)
        if kind == "levy":
            fields = {k: v for k, v in data.items() if not k.startswith("exempt_")}
            obj = actions.do_create_levy_plan(acting_user=user, unit=unit, exemptions=form.exemptions(), **fields)
            return redirect("democracy:levy_detail", obj.pk)
        if kind == "meeting":
            actions.do_record_representatives_meeting(acting_user=user, unit=unit, **data)
        elif kind == "concern":
            obj = actions.do_record_concern(acting_user=user, unit=unit, **data)
            return redirect("democracy:concern_detail", obj.pk)
        elif kind == "rule":
            obj = actions.do_draft_village_rule(acting_user=user, unit=unit, **data)
            return redirect("democracy:rule_detail", obj.pk)
        elif kind == "appraisal":
            people = list(_cadres(unit).filter(pk__in=data["cadres"]))
            obj = actions.do_create_appraisal(acting_user=user, unit=unit, year=data["year"], title=data["title"],
                                              electorate=data["electorate"], candidate_people=people)
            return redirect("democracy:appraisal_detail", obj.pk)
    except ValidationError as exc:
        _apply_errors(form, exc)
        return None
    return redirect("democracy:village", unit.pk)


# --- decisions ---------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def decision_detail(request, decision_id):
    decision = A.access_decision_by_id(request.user, decision_id)
    steps = available_transitions(DECISION_WORKFLOW, request.user, decision)
    meeting_steps = [t for t in steps if t.name in MEETING_STEPS]
    plain_steps = [t for t in steps if t.name in PLAIN_DECISION_STEPS]
    bodies = [b for t in meeting_steps for b in MEETING_STEPS[t.name]]
    people = actions.register_people(decision.unit, bodies[0]) if len(bodies) == 1 else None
    meeting_form = MeetingForm(prefix="mt", people=people or ())
    meeting_form.fields["body"].choices = [(b, MeetingBodyChoices(b).label) for b in bodies]
    step_form = DecisionStepForm(prefix="st")
    if request.method == "POST":
        if request.POST.get("form") == "meeting" and meeting_steps:
            meeting_form = MeetingForm(request.POST, prefix="mt", people=people or ())
            meeting_form.fields["body"].choices = [(b, MeetingBodyChoices(b).label) for b in bodies]
            if meeting_form.is_valid():
                d = meeting_form.cleaned_data
                try:
                    codes = d["proposer_codes"].replace(",", " ").replace("，", " ").split()
                    proposer_ids = actions.register_ids_for_codes(decision.unit, codes) if codes else []
                    actions.do_record_decision_meeting(
                        decision, acting_user=request.user, body=d["body"], held_on=d["held_on"],
                        expected=d["expected"], present=d["present"], votes_for=d["votes_for"],
                        votes_against=d["votes_against"] or 0, abstentions=d["abstentions"] or 0,
                        attendee_ids=[int(x) for x in d["attendees"]], minutes=d["minutes"],
                        resolution_text=d["resolution_text"], resolution_amount=d["resolution_amount"],
                        proposer_ids=proposer_ids, proposed_on=d["proposed_on"])
                    return redirect("democracy:decision_detail", decision.pk)
                except ValidationError as exc:
                    _apply_errors(meeting_form, exc)
        elif request.POST.get("form") == "step":
            step_form = DecisionStepForm(request.POST, prefix="st")
            if step_form.is_valid() and step_form.cleaned_data["name"] in {t.name for t in plain_steps}:
                d = step_form.cleaned_data
                try:
                    actions.do_take_decision_step(decision, acting_user=request.user, name=d["name"],
                                                  reason=d["reason"], text=d["text"])
                    return redirect("democracy:decision_detail", decision.pk)
                except ValidationError as exc:
                    _apply_errors(step_form, exc)
            elif step_form.is_valid():
                raise Http404
        else:
            raise Http404
    from cleangov.core.matters import MatterRef
    from cleangov.finance.api import findings_linked_to, lines_citing_resolution

    context = {"decision": decision, "meetings": decision.meetings.all(), "meeting_steps": meeting_steps,
               "plain_steps": plain_steps, "meeting_form": meeting_form, "step_form": step_form,
               "payments": lines_citing_resolution(decision.unit_id, decision.resolution_ref),
               "findings": findings_linked_to(request.user, str(MatterRef.of(decision)))}
    return render(request, "democracy/decision_detail.html", context)


# --- representatives' meetings ---------------------------------------------------------------------
@login_required
@require_http_methods(["GET"])
def meeting_detail(request, meeting_id):
    meeting = A.access_meeting_by_id(request.user, meeting_id)
    return render(request, "democracy/meeting_detail.html", {
        "meeting": meeting, "proposal": meeting.proposal, "proposers": meeting.proposers.order_by("name")})


# --- levies ---------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def levy_detail(request, levy_id):
    plan = A.access_levy_by_id(request.user, levy_id)
    steps = available_transitions(LEVY_WORKFLOW, request.user, plan)
    form = LevyStepForm(prefix="st")
    if request.method == "POST":
        form = LevyStepForm(request.POST, prefix="st")
        if not form.is_valid() or form.cleaned_data["name"] not in {t.name for t in steps}:
            raise Http404
        d = form.cleaned_data
        decision = Decision.objects.filter(unit=plan.unit, pk=d["decision"]).first() if d["decision"] else None
        try:
            actions.do_take_levy_step(plan, acting_user=request.user, name=d["name"], reason=d["reason"],
                                      decision=decision, filing_ref=d["filing_ref"], amount_spent=d["amount_spent"])
            return redirect("democracy:levy_detail", plan.pk)
        except ValidationError as exc:
            _apply_errors(form, exc)
    from .caps import levy_caps

    decisions = Decision.objects.filter(unit=plan.unit).exclude(resolution_ref="")
    return render(request, "democracy/levy_detail.html", {
        "plan": plan, "steps": steps, "form": form, "decisions": decisions, "caps": levy_caps(),
        "exemptions": plan.exemptions.all()})


# --- monthly financial review --------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request, review_id):
    review = A.access_review_by_id(request.user, review_id)
    can_review = A.can_act(request.user, review.unit, "review")
    can_answer = A.can_act(request.user, review.unit, "answer")
    error = None
    if request.method == "POST":
        if not can_review or request.POST.get("form") != "complete":
            raise Http404
        try:
            actions.do_complete_monthly_review(review, acting_user=request.user)
            return redirect("democracy:review_detail", review.pk)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    clock = deadlines_for(review).order_by("-pk").first()
    return render(request, "democracy/review_detail.html", {
        "review": review, "lines": review.lines.all(), "can_review": can_review, "can_answer": can_answer,
        "clock": clock, "error": error, "open": review.status == ReviewStatusChoices.OPEN,
        "verdict_form": LineVerdictForm(), "answer_form": AnswerForm(), "V": ReviewVerdictChoices})


@login_required
@require_POST
def review_line(request, line_id):
    action = "answer" if request.POST.get("form") == "answer" else "review"
    line = A.access_review_line_by_id(request.user, line_id, action=action)
    try:
        if action == "answer":
            form = AnswerForm(request.POST)
            if form.is_valid():
                actions.do_answer_voucher_query(line, acting_user=request.user, answer=form.cleaned_data["answer"])
        else:
            form = LineVerdictForm(request.POST)
            if form.is_valid():
                actions.do_review_voucher_line(line, acting_user=request.user, verdict=form.cleaned_data["verdict"],
                                               reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("democracy:review_detail", line.review_id)


# --- appraisals ------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def appraisal_detail(request, appraisal_id):
    appraisal = A.access_appraisal_by_id(request.user, appraisal_id)
    can_run = A.visible_appraisals(request.user).filter(pk=appraisal.pk).filter(
        unit__in=[appraisal.unit]).exists() and A.can_act(request.user, appraisal.unit, "appraisal")
    slips_form = SlipsForm()
    paper_form = None
    error = None
    if request.method == "POST":
        if not can_run:
            raise Http404
        step = request.POST.get("form")
        try:
            if step == "slips":
                slips_form = SlipsForm(request.POST)
                if slips_form.is_valid():
                    tokens = ballots.do_issue_appraisal_tokens(appraisal, acting_user=request.user,
                                                               count=slips_form.cleaned_data["count"])
                    # The only time the slips exist in clear: this printable page, never stored.
                    response = render(request, "democracy/appraisal_slips.html",
                                      {"appraisal": appraisal, "tokens": tokens})
                    response["Cache-Control"] = "no-store"
                    return response
            elif step == "paper":
                paper_form = _paper_form(appraisal, request.POST)
                if paper_form.is_valid():
                    d = paper_form.cleaned_data
                    outcome = ballots.do_enter_paper_ballot(
                        appraisal, acting_user=request.user, token=d["token"],
                        ratings={c.pk: (d[f"rating_{c.pk}"], d[f"comment_{c.pk}"])
                                 for c in appraisal.candidates.all()})
                    messages.success(request, _("Entered: waiting for the second teller.") if outcome == "waiting"
                                     else _("Both tellers agree: the paper ballot is counted."))
                    return redirect("democracy:appraisal_detail", appraisal.pk)
            elif step == "open":
                actions.do_open_appraisal(appraisal, acting_user=request.user)
                return redirect("democracy:appraisal_detail", appraisal.pk)
            elif step == "close":
                ballots.do_close_appraisal(appraisal, acting_user=request.user)
                return redirect("democracy:appraisal_detail", appraisal.pk)
            else:
                raise Http404
        except ValidationError as exc:
            error = " ".join(exc.messages)
    appraisal.refresh_from_db()
    return render(request, "democracy/appraisal_detail.html", {
        "appraisal": appraisal, "candidates": appraisal.candidates.select_related("person"), "can_run": can_run,
        "slips_form": slips_form, "error": error, "min_group": ballots.MIN_GROUP,
        "terminations": appraisal.terminations.select_related("person"),
        "paper_form": paper_form if request.method == "POST" and request.POST.get("form") == "paper"
        else _paper_form(appraisal)})


def _paper_form(appraisal, data=None):
    """The ballot form for tellers: the slip printed on the paper, and per cadre the rating and the
    voter's written comment copied from the paper, like the phone ballot."""
    candidates = list(appraisal.candidates.select_related("person"))
    form = ballot_form_class(candidates)(data)
    form.fields["token"].widget = TokenForm().fields["token"].widget
    form.fields["token"].label = TokenForm().fields["token"].label
    for c in candidates:
        form.fields[f"comment_{c.pk}"].label = _("Comment written on the paper (copy it as written)")
    return form


# --- concerns --------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def concern_detail(request, concern_id):
    concern = A.access_concern_by_id(request.user, concern_id)
    can_act = A.can_act(request.user, concern.unit, "concern")
    answer_form, refer_form = AnswerForm(), ReferForm()
    if request.method == "POST":
        if not can_act:
            raise Http404
        try:
            if request.POST.get("form") == "answer":
                answer_form = AnswerForm(request.POST)
                if answer_form.is_valid():
                    actions.do_answer_concern(concern, acting_user=request.user,
                                              answer=answer_form.cleaned_data["answer"])
                    return redirect("democracy:concern_detail", concern.pk)
            elif request.POST.get("form") == "refer":
                refer_form = ReferForm(request.POST)
                if refer_form.is_valid():
                    actions.do_refer_concern(concern, acting_user=request.user,
                                             villager_consents=refer_form.cleaned_data["villager_consents"])
                    return redirect("democracy:concern_detail", concern.pk)
            else:
                raise Http404
        except ValidationError as exc:
            _apply_errors(answer_form if request.POST.get("form") == "answer" else refer_form, exc)
    clock = deadlines_for(concern).order_by("-pk").first()
    return render(request, "democracy/concern_detail.html", {
        "concern": concern, "can_act": can_act, "answer_form": answer_form, "refer_form": refer_form,
        "clock": clock, "matter": f"democracy.concern:{concern.pk}"})


# --- village rules ---------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def rule_detail(request, rule_id):
    rule = A.access_rule_by_id(request.user, rule_id)
    steps = {t.name for t in available_transitions(RULE_WORKFLOW, request.user, rule)}
    adopt_form, review_form = RuleAdoptForm(), RuleReviewForm()
    if request.method == "POST":
        which = request.POST.get("form")
        try:
            if which == "adopt" and "adopt" in steps:
                adopt_form = RuleAdoptForm(request.POST)
                if adopt_form.is_valid():
                    actions.do_adopt_village_rule(rule, acting_user=request.user, **adopt_form.cleaned_data)
                    return redirect("democracy:rule_detail", rule.pk)
            elif which == "review" and steps & {"approve", "return"}:
                review_form = RuleReviewForm(request.POST)
                if review_form.is_valid() and review_form.cleaned_data["name"] in steps:
                    actions.do_review_village_rule(rule, acting_user=request.user, **review_form.cleaned_data)
                    return redirect("democracy:rule_detail", rule.pk)
            else:
                raise Http404
        except ValidationError as exc:
            _apply_errors(adopt_form if which == "adopt" else review_form, exc)
    return render(request, "democracy/rule_detail.html", {
        "rule": rule, "steps": steps, "adopt_form": adopt_form, "review_form": review_form,
        "clock": deadlines_for(rule).order_by("-pk").first()})


