"""The villagers' side (no login, under /public/): disclosed resolutions and results, the appraisal
ballot, and following a concern by its code. Nothing here reads or stores who the visitor is
(core.public.PublicPrivacyMiddleware has already removed it)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from cleangov.core.public import over_rate_limit
from cleangov.orgs.choices import UnitLevelChoices
from cleangov.orgs.models import Unit

from . import ballots
from .choices import AppraisalResultChoices, AppraisalStatusChoices, DecisionStatusChoices, VillageRuleStatusChoices
from .forms import FollowForm, TokenForm, ballot_form_class
from .models import Appraisal, Concern, Decision, VillageRule

DISCLOSED = (DecisionStatusChoices.RESOLUTION_DISCLOSED, DecisionStatusChoices.RESULT_DISCLOSED)


@require_GET
def villages(request):
    units = Unit.objects.filter(level=UnitLevelChoices.VILLAGE).order_by("path")
    published = set(Decision.objects.filter(status__in=DISCLOSED).values_list("unit_id", flat=True)) | set(
        VillageRule.objects.filter(status=VillageRuleStatusChoices.PUBLISHED).values_list("unit_id", flat=True))
    return render(request, "democracy/public/villages.html",
                  {"villages": [u for u in units if u.pk in published]})


@require_GET
def village(request, unit_code):
    unit = Unit.objects.filter(level=UnitLevelChoices.VILLAGE, code=unit_code).first()
    if unit is None:
        raise Http404
    decisions = Decision.objects.filter(unit=unit, status__in=DISCLOSED).order_by("-resolution_disclosed_on", "-pk")
    rules = VillageRule.objects.filter(unit=unit, status=VillageRuleStatusChoices.PUBLISHED)
    appraisals = Appraisal.objects.filter(unit=unit, status=AppraisalStatusChoices.CLOSED).prefetch_related(
        "candidates__person")
    return render(request, "democracy/public/village.html", {
        "unit": unit, "decisions": decisions, "rules": rules, "appraisals": appraisals,
        "suppressed": AppraisalResultChoices.SUPPRESSED, "min_group": ballots.MIN_GROUP})


@never_cache
@require_http_methods(["GET", "POST"])
def appraisal(request):
    """Step 1: the slip's code. Step 2: the ballot (the code travels in a hidden field). Step 3: thanks.
    Works without JavaScript; the slip itself is the proof of eligibility."""
    token_form, ballot_form, found, done, error = TokenForm(), None, None, False, None
    if request.method == "POST":
        if over_rate_limit("democracy.appraisal", limit=600, window_seconds=60):
            error = "busy"
        elif "token" in request.POST and not any(k.startswith("rating_") for k in request.POST):
            token_form = TokenForm(request.POST)
            if token_form.is_valid():
                found = ballots.appraisal_for_token(token_form.cleaned_data["token"])
                if found is None:
                    error = "slip"
                else:
                    candidates = list(found.candidates.select_related("person"))
                    ballot_form = ballot_form_class(candidates)(
                        initial={"token": ballots.normalise_token(token_form.cleaned_data["token"])})
        else:
            found = ballots.appraisal_for_token(request.POST.get("token", ""))
            if found is None:
                error = "slip"
            else:
                candidates = list(found.candidates.select_related("person"))
                ballot_form = ballot_form_class(candidates)(request.POST)
                if ballot_form.is_valid():
                    d = ballot_form.cleaned_data
                    ratings = {c.pk: (d[f"rating_{c.pk}"], d[f"comment_{c.pk}"]) for c in candidates}
                    try:
                        ballots.do_cast_ballot(token=d["token"], ratings=ratings)
                        done, ballot_form, found = True, None, None
                    except ValidationError as exc:
                        ballot_form.add_error(None, exc.messages)
    return render(request, "democracy/public/appraisal.html", {
        "token_form": token_form, "ballot_form": ballot_form, "appraisal": found, "done": done, "error": error})


@never_cache
@require_http_methods(["GET", "POST"])
def concern_follow(request):
    form, concern, not_found, busy = FollowForm(), None, False, False
    if request.method == "POST":
        form = FollowForm(request.POST)
        if over_rate_limit("democracy.concern_follow", limit=300, window_seconds=60):
            busy = True
        elif form.is_valid():
            code = form.cleaned_data["code"].strip().upper()
            if not code.startswith("MQ-") and len(code) == 8:
                code = f"MQ-{code}"
            concern = Concern.objects.filter(code=code).select_related("unit").first()
            not_found = concern is None
    return render(request, "democracy/public/concern_follow.html",
                  {"form": form, "concern": concern, "not_found": not_found, "busy": busy})
