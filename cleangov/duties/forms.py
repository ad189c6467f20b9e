"""Forms of the duties pages. Validation of business rules stays in the actions; forms parse input."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleangov.core.forms import EVIDENCE_ACCEPT, MultipleFileField
from cleangov.orgs.choices import UnitLevelChoices
from cleangov.orgs.models import Person, Post, Unit

from .evidence import EVIDENCE_MAX_BYTES, EvidenceLinkSpec, validate_evidence_file
from .models import KeyPoint


class KeyPointsForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)


class KeyPointForm(forms.Form):
    title = forms.CharField(label=_("Key point"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class DutyItemForm(forms.Form):
    """A duty item for one of the unit's leaders, decomposed from a published key point."""

    key_point = forms.ModelChoiceField(label=_("Key point"), queryset=KeyPoint.objects.none(), required=False)
    title = forms.CharField(label=_("What"), max_length=300)
    lead_person = forms.ModelChoiceField(label=_("Lead leader"), queryset=Person.objects.none())
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=Unit.objects.none(), required=False)
    due_date = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    expected_evidence = forms.CharField(label=_("Evidence that proves it done"),
                                        widget=forms.Textarea(attrs={"rows": 2}))
    assign = forms.BooleanField(label=_("Assign now (the lead leader is told and the clock starts)"),
                                required=False, initial=True)

    def __init__(self, *args, unit: Unit, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        holders = Post.objects.filter(Post.held_on(today), unit=unit).values_list("person_id", flat=True)
        self.fields["lead_person"].queryset = Person.objects.filter(pk__in=holders).order_by("name")
        self.fields["lead_person"].label_from_instance = lambda p: p.name
        self.fields["key_point"].queryset = KeyPoint.objects.filter(
            document__year=year, document__status="published").order_by("number")
        # The unit itself or a county department (a county department often leads the work).
        county_path = "/" + unit.path.strip("/").split("/")[0] + "/"
        lead_units = Unit.objects.filter(pk=unit.pk) | Unit.objects.filter(
            level=UnitLevelChoices.DEPARTMENT, path__startswith=county_path)
        self.fields["lead_unit"].queryset = lead_units.order_by("path")


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Evidence files"), required=False, accept=EVIDENCE_ACCEPT)
    link_type = forms.CharField(label=_("Linked record type"), required=False, max_length=80,
                                help_text=_("For example ledgers.ledgerentry"))
    link_id = forms.CharField(label=_("Linked record id"), required=False, max_length=64)
    link_label = forms.CharField(label=_("Link label"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _("PDF, JPEG, PNG, DOCX, XLSX or TXT, up to %(mb)s MB each.") % {
            "mb": EVIDENCE_MAX_BYTES // 2**20}

    def clean(self):
        data = super().clean()
        uploads = data.get("files") or []
        for upload in uploads:
            try:
                validate_evidence_file(upload)
            except ValidationError as exc:
                self.add_error("files", exc)
        data["uploads"] = uploads
        link_type, link_id = data.get("link_type", "").strip(), data.get("link_id", "").strip()
        data["link_specs"] = []
        if link_type or link_id:
            if not (link_type and link_id):
                self.add_error("link_id", _("Give both the record type and its id."))
            else:
                data["link_specs"] = [EvidenceLinkSpec(link_type.lower(), link_id,
                                                       data.get("link_label") or f"{link_type} #{link_id}")]
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class LetterReviseForm(forms.Form):
    reason = forms.CharField(label=_("Why the letter changes"), max_length=300)
    extra_terms = forms.CharField(label=_("Additional terms"), widget=forms.Textarea(attrs={"rows": 3}),
                                  required=False)


class LetterSignForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    confirm = forms.BooleanField(label=_("I have read this version and acknowledge the duties it lists."),
                                 required=False)
