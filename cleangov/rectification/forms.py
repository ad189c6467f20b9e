from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cleangov.core.forms import EVIDENCE_ACCEPT, MultipleFileField
from cleangov.orgs.models import Person, Unit

from . import taxonomy
from .actions import EVIDENCE_MAX_FILES


class SubmitForm(forms.Form):
    measures = forms.CharField(label=_("Measures taken"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    files = MultipleFileField(label=_("Evidence files"), required=False, accept=EVIDENCE_ACCEPT,
                              help_text=_("PDF, JPEG, PNG, DOCX, XLSX or TXT, up to 10 MB each, at most %(n)s.")
                              % {"n": EVIDENCE_MAX_FILES})
    link_url = forms.URLField(label=_("Link to evidence"), required=False, max_length=500, assume_scheme="https")
    link_label = forms.CharField(label=_("What the link shows"), required=False, max_length=200)


class DecideForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class RepaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount repaid (yuan)"), max_digits=14, decimal_places=2, min_value=0)
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    receipt = forms.CharField(label=_("Voucher or receipt number"), max_length=100)


class RecuseForm(forms.Form):
    reason = forms.CharField(label=_("Why you withdraw"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class OpenItemForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit that rectifies"), queryset=Unit.objects.none())
    problem_type = forms.ChoiceField(label=_("Problem type"), choices=())
    title = forms.CharField(label=_("Problem"), max_length=300)
    detail = forms.CharField(label=_("Problem statement"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    responsible_person = forms.ModelChoiceField(label=_("Responsible person"), queryset=Person.objects.none())
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label=_("Amount to recover (yuan)"), required=False, max_digits=14,
                                decimal_places=2, min_value=0)

    def __init__(self, *args, units, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["responsible_person"].queryset = people
        self.fields["problem_type"].choices = taxonomy.choices()


class FilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    problem_type = forms.ChoiceField(label=_("Problem type"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    recurrence = forms.BooleanField(label=_("Recurrences only"), required=False)

    def __init__(self, *args, **kwargs):
        from .choices import ItemStatusChoices

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any")), *ItemStatusChoices.choices]
        self.fields["problem_type"].choices = [("", _("Any")), *taxonomy.choices()]
