from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ResponsibilityChoices, SubjectKindChoices, TeamRoleChoices


class RegisterCaseForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit concerned"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Clue"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    registered_on = forms.DateField(label=_("Registered on"), initial=timezone.localdate,
                                    widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class PersonCodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", _("The person's code in the organisation tree."))
        super().__init__(**kwargs)


class SubjectForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SubjectKindChoices.choices)
    person_code = PersonCodeField(label=_("Leading cadre"), required=False)
    unit_code = forms.CharField(label=_("Party organisation (unit code)"), max_length=40, required=False)
    post_title = forms.CharField(label=_("Post at the time"), max_length=100, required=False)
    responsibility = forms.ChoiceField(label=_("Responsibility"), required=False,
                                       choices=[("", "—"), *ResponsibilityChoices.choices])


class MemberForm(forms.Form):
    person_code = PersonCodeField(label=_("Person"))
    role = forms.ChoiceField(label=_("Role"), choices=TeamRoleChoices.choices)


class StatementForm(forms.Form):
    responsibility = forms.ChoiceField(label=_("Responsibility"), choices=ResponsibilityChoices.choices)
    statement = forms.CharField(label=_("Statement and defence"), widget=forms.Textarea(attrs={"rows": 3}))
    recorded_on = forms.DateField(label=_("Recorded on"), initial=timezone.localdate,
                                  widget=forms.DateInput(attrs={"type": "date"}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
