"""Forms of the assessment pages. Business rules stay in the actions; forms parse input."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleangov.core import uploads
from cleangov.orgs.models import Person, Post

from .choices import UnitSelectionChoices
from .models import FrameworkVersion

MAX_UPLOAD_BYTES = 512 * 1024


class StartRunForm(forms.Form):
    framework_version = forms.ModelChoiceField(label=_("Framework"), queryset=FrameworkVersion.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    scope_unit = forms.ModelChoiceField(label=_("Scope"), queryset=None)
    selection = forms.ChoiceField(label=_("Units assessed"), choices=UnitSelectionChoices.choices,
                                  initial=UnitSelectionChoices.ALL)

    def __init__(self, *args, scopes, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Framework

        current = Framework.objects.exclude(current_version=None).values_list("current_version_id", flat=True)
        versions = FrameworkVersion.objects.filter(pk__in=list(current)).order_by("-framework__kind")
        self.fields["framework_version"].queryset = versions
        self.fields["framework_version"].initial = versions.first()
        self.fields["scope_unit"].queryset = scopes
        self.fields["scope_unit"].initial = scopes.first()
        self.fields["year"].initial = timezone.localdate().year


class AdjustForm(forms.Form):
    points = forms.DecimalField(label=_("Points (+/-)"), max_digits=6, decimal_places=2, min_value=-100,
                                max_value=100)
    indicator_id = forms.ChoiceField(label=_("Indicator"), required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)

    def __init__(self, *args, snapshot, language=None, **kwargs):
        super().__init__(*args, **kwargs)
        english = bool(language and language.startswith("en"))
        self.fields["indicator_id"].choices = [("", _("The total"))] + [
            (i["id"], f"{i['id']} · {i['name_en'] if english and i['name_en'] else i['name']}")
            for i in snapshot.indicators]


class FindingForm(forms.Form):
    description = forms.CharField(label=_("Problem found"), widget=forms.Textarea(attrs={"rows": 3}),
                                  max_length=2000)
    indicator_id = forms.ChoiceField(label=_("Indicator"), required=False)
    responsible_person = forms.ModelChoiceField(label=_("Responsible person"), queryset=Person.objects.none())
    deadline = forms.DateField(label=_("Rectification deadline"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, snapshot, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator_id"].choices = [("", "—")] + [(i["id"], f"{i['id']} · {i['name']}")
                                                            for i in snapshot.indicators]
        holders = Post.objects.filter(Post.held_on(timezone.localdate()), unit=snapshot.unit).values("person_id")
        self.fields["responsible_person"].queryset = Person.objects.filter(pk__in=holders).order_by("name")


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(label=_("Framework file (YAML)"))
    check_only = forms.BooleanField(label=_("Only check the file, do not load it"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 512 KB."))
        try:
            # bounded like every upload (cleangov.core.uploads); the 512 KB above is this form's own, smaller
            return uploads.read_text(upload, max_bytes=MAX_UPLOAD_BYTES)
        except uploads.ReadError as exc:  # not UTF-8/GBK text: what is wrong and what to do
            raise forms.ValidationError(uploads.refusal(exc)) from exc
