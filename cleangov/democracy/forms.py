from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import (
    ConcernCategoryChoices,
    ConcernChannelChoices,
    ElectorateChoices,
    LevyExemptionChoices,
    MajorMatterChoices,
    MeetingBodyChoices,
    RatingChoices,
)

DATE = forms.DateInput(attrs={"type": "date"})


class DecisionForm(forms.Form):
    matter_type = forms.ChoiceField(label=_("Matter"), choices=MajorMatterChoices.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Proposal"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class DecisionStepForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    text = forms.CharField(label=_("Implementation result"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MeetingForm(forms.Form):
    body = forms.ChoiceField(label=_("Meeting"), choices=MeetingBodyChoices.choices)
    held_on = forms.DateField(label=_("Held on"), widget=DATE, initial=timezone.localdate)
    expected = forms.IntegerField(label=_("Should attend"), min_value=1, required=False,
                                  help_text=_("Only where the people register does not list them (villagers' "
                                              "meeting): the register's count is used otherwise."))
    present = forms.IntegerField(label=_("Present"), min_value=0, required=False,
                                 help_text=_("Or tick the people present below."))
    attendees = forms.MultipleChoiceField(label=_("Present, from the register"), required=False,
                                          widget=forms.CheckboxSelectMultiple)
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0)
    votes_against = forms.IntegerField(label=_("Votes against"), min_value=0, initial=0)
    abstentions = forms.IntegerField(label=_("Abstentions"), min_value=0, initial=0)
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    resolution_text = forms.CharField(label=_("Resolution (for the decision)"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    proposer_codes = forms.CharField(
        label=_("Convened on the proposal of (register codes)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For a villagers' meeting convened on a proposal: the register codes of the villagers who "
                    "proposed it, separated by spaces or commas. At least one tenth of the villagers, or one third "
                    "of the households' representatives, must propose it (Organic Law of Villagers' Committees, "
                    "Art. 21); for a representatives' meeting one fifth of the representatives (Art. 26)."))
    proposed_on = forms.DateField(label=_("Proposed on"), widget=DATE, required=False)
    resolution_amount = forms.DecimalField(
        label=_("Amount approved (yuan)"), required=False, min_value=0, max_digits=14, decimal_places=2,
        help_text=_("The most the resolution allows to be paid for the matter; the voucher audit checks the "
                    "payments citing the resolution against it."))

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = [(str(p.pk), p.name) for p in people]


class LevyForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100,
                              initial=lambda: timezone.localdate().year)
    project = forms.CharField(label=_("Project"), max_length=200)
    budget = forms.DecimalField(label=_("Budget (yuan)"), min_value=0, max_digits=14, decimal_places=2)
    cash_per_person = forms.DecimalField(label=_("Cash per person (yuan)"), min_value=0, max_digits=8,
                                         decimal_places=2)
    workdays_per_labourer = forms.DecimalField(label=_("Workdays per labourer"), min_value=0, max_digits=6,
                                               decimal_places=1)
    persons = forms.IntegerField(label=_("People who pay"), min_value=0)
    labourers = forms.IntegerField(label=_("Labourers who work"), min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in LevyExemptionChoices.choices:
            self.fields[f"exempt_{value}"] = forms.IntegerField(label=_("Exempt: %(what)s") % {"what": label},
                                                                min_value=0, required=False)

    def exemptions(self) -> dict[str, int]:
        return {v: self.cleaned_data.get(f"exempt_{v}") or 0 for v in LevyExemptionChoices.values}


class LevyStepForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason or opinion"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    decision = forms.IntegerField(label=_("Resolution"), required=False)
    filing_ref = forms.CharField(label=_("County filing number"), required=False)
    amount_spent = forms.DecimalField(label=_("Amount spent (yuan)"), required=False, min_value=0)


class RepresentativesMeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    expected = forms.IntegerField(label=_("Representatives"), min_value=1, required=False,
                                  help_text=_("Only where the register lists no representatives."))
    present = forms.IntegerField(label=_("Present"), min_value=0)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    proposer_ids = forms.MultipleChoiceField(
        label=_("Convened on the proposal of these representatives"), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty when the villagers' committee convened it. The committee must convene the meeting "
                    "when at least one fifth of the representatives in the register propose it (Organic Law of "
                    "Villagers' Committees, Art. 26); the platform counts them."))
    proposed_on = forms.DateField(label=_("Proposed on"), widget=DATE, required=False,
                                  help_text=_("The day of the proposal (the meeting day if empty)."))

    def __init__(self, *args, representatives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposer_ids"].choices = [(str(p.pk), p.name) for p in representatives]

    def clean_proposer_ids(self):
        return [int(pk) for pk in self.cleaned_data["proposer_ids"]]


class LineVerdictForm(forms.Form):
    verdict = forms.ChoiceField(choices=[("passed", _("Pass")), ("queried", _("Query"))])
    reason = forms.CharField(label=_("Reason"), required=False)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 2}))


class AppraisalForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100,
                              initial=lambda: timezone.localdate().year)
    title = forms.CharField(label=_("Title"), max_length=200)
    electorate = forms.ChoiceField(label=_("Who rates"), choices=ElectorateChoices.choices)
    cadres = forms.MultipleChoiceField(label=_("Cadres to be rated"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadres"].choices = [(str(p.pk), p.name) for p in people]


class SlipsForm(forms.Form):
    count = forms.IntegerField(label=_("Number of slips"), min_value=1, max_value=2000)


class ConcernForm(forms.Form):
    channel = forms.ChoiceField(label=_("How it came"), choices=ConcernChannelChoices.choices)
    category = forms.ChoiceField(label=_("Category"), choices=ConcernCategoryChoices.choices)
    received_on = forms.DateField(label=_("Received on"), widget=DATE, initial=timezone.localdate)
    summary = forms.CharField(label=_("Concern"), widget=forms.Textarea(attrs={"rows": 3}))
    villager_name = forms.CharField(label=_("Villager (kept internal)"), required=False, max_length=60)
    promise = forms.CharField(label=_("What was promised"), widget=forms.Textarea(attrs={"rows": 2}))
    promised_by = forms.DateField(label=_("Promised by"), widget=DATE)
    alleges_misconduct = forms.BooleanField(label=_("Alleges misconduct by a cadre"), required=False)


class ReferForm(forms.Form):
    villager_consents = forms.BooleanField(label=_("The villager agrees that the concern is passed on as a report"),
                                           required=False)


class RuleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))


class RuleAdoptForm(forms.Form):
    body = forms.ChoiceField(label=_("Meeting"), choices=[
        (b.value, b.label) for b in (MeetingBodyChoices.ASSEMBLY_ADULTS, MeetingBodyChoices.ASSEMBLY_HOUSEHOLDS,
                                     MeetingBodyChoices.REPRESENTATIVES)])
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    expected = forms.IntegerField(label=_("Should attend"), min_value=1, required=False)
    present = forms.IntegerField(label=_("Present"), min_value=0)
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0)
    votes_against = forms.IntegerField(label=_("Votes against"), min_value=0, initial=0)


class RuleReviewForm(forms.Form):
    name = forms.ChoiceField(choices=[("approve", _("Lawful: publish")), ("return", _("Return"))])
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


# --- public -------------------------------------------------------------------------------------
class TokenForm(forms.Form):
    token = forms.CharField(label=_("The code on your voting slip"), max_length=40,
                            widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))


def ballot_form_class(candidates):
    """A form with one rating and one comment per cadre (no JavaScript needed)."""
    fields = {"token": forms.CharField(widget=forms.HiddenInput, max_length=40)}
    for c in candidates:
        label = f"{c.person.name}" + (f" ({c.post_label})" if c.post_label else "")
        fields[f"rating_{c.pk}"] = forms.ChoiceField(label=label, choices=RatingChoices.choices,
                                                     widget=forms.RadioSelect)
        fields[f"comment_{c.pk}"] = forms.CharField(label=_("Comment (optional)"), required=False, max_length=500,
                                                    widget=forms.Textarea(attrs={"rows": 2}))
    return type("BallotForm", (forms.Form,), fields)


class FollowForm(forms.Form):
    code = forms.CharField(label=_("Reference code"), max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))

