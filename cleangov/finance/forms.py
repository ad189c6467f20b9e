from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleangov.orgs.models import Person, Unit

from .engine import LINE_FIELDS
from .workflow import FINDING_WORKFLOW


class UnitPlaceField(forms.ModelChoiceField):
    """A unit offered by its place (镇 › 村 › 组), in that order: a township has dozens of 第一村民小组, and only
    the village in front tells them apart."""

    paths: dict[str, str] = {}

    def use_units(self, units) -> None:
        from .filters import unit_paths

        self.paths = unit_paths(units)
        # In the order of the tree: each township followed by its villages, each village by its groups.
        self.queryset = units.order_by("path")

    def label_from_instance(self, obj) -> str:
        return self.paths.get(obj.code, obj.name)


class UploadForm(forms.Form):
    unit = UnitPlaceField(label=_("Books of"), queryset=Unit.objects.none(),
                          help_text=_("A township covers the books of all its villages."))
    file = forms.FileField(label=_("Voucher file (CSV or XLSX)"))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].use_units(units if units is not None else Unit.objects.none())

    def clean_file(self):
        from cleangov.core.uploads import read_limits

        f = self.cleaned_data["file"]
        limit = read_limits().max_file_bytes
        if f.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s MB; files of at most %(max)s MB can be imported. Split it by period or "
                  "by unit and upload the parts."),
                params={"size": f"{f.size / (1 << 20):.1f}", "max": f"{limit / (1 << 20):g}"}, code="too_large")
        return f


class MappingForm(forms.Form):
    """One choice per header of the file: which canonical column it holds (or none)."""

    def __init__(self, *args, headers=(), initial_mapping=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("(ignore this column)"))] + [(c, c) for c in LINE_FIELDS]
        self.headers = [h for h in headers if h.strip()]
        for i, h in enumerate(self.headers):
            self.fields[f"col_{i}"] = forms.ChoiceField(label=h, choices=choices, required=False,
                                                        initial=(initial_mapping or {}).get(h, ""))

    def mapping(self) -> dict[str, str]:
        return {h: self.cleaned_data.get(f"col_{i}", "") for i, h in enumerate(self.headers)}


class ConfirmImportForm(forms.Form):
    skip_invalid = forms.BooleanField(label=_("Skip the invalid rows listed above and import the rest"),
                                      required=False)
    supersedes = forms.TypedChoiceField(label=_("This file replaces batch"), required=False, coerce=int,
                                        empty_value=None)

    def __init__(self, *args, batches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supersedes"].choices = [("", _("(none: new books)"))] + [
            (b.pk, f"#{b.pk} {b.file_name} ({b.period_start} – {b.period_end})") for b in batches]


class RunForm(forms.Form):
    unit = UnitPlaceField(label=_("Audit the books of"), queryset=Unit.objects.none())

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].use_units(units if units is not None else Unit.objects.none())


class PersonWithPostField(forms.ModelChoiceField):
    """A person offered with their current posts and units (or home unit), so two 王芳 are told apart."""

    def label_from_instance(self, obj) -> str:
        posts = getattr(obj, "current_posts", None) or []
        where = "；".join(f"{p.get_post_type_display()} · {p.unit.name}" for p in posts)
        if not where and obj.home_unit_id:
            where = obj.home_unit.name
        return f"{obj.name}（{where}）" if where else obj.name


class FindingActionForm(forms.Form):
    verb = forms.ChoiceField(choices=[*FINDING_WORKFLOW.choices(), ("comment", _("Comment"))])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    responsible_person = PersonWithPostField(label=_("Responsible person"), queryset=Person.objects.none(),
                                             required=False,
                                             help_text=_("People of the finding's unit you may name (not the people it "
                                                         "concerns, not yourself or your relatives)."))
    due_date = forms.DateField(label=_("Rectify by"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_person"].queryset = people if people is not None else Person.objects.none()

    def clean(self):
        data = super().clean()
        if data.get("verb") == "confirm":
            if not data.get("responsible_person"):
                self.add_error("responsible_person", _("Confirming names a responsible person."))
            due = data.get("due_date")
            if not due:
                self.add_error("due_date", _("Confirming sets a deadline."))
            elif due <= timezone.localdate():
                self.add_error("due_date", _("The deadline must be in the future."))
        return data


class FindingFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    rule = forms.ChoiceField(label=_("Rule"), required=False)
    category = forms.ChoiceField(label=_("Expense category"), required=False)
    # Typed into a search box: the reader's units are searched on the server as they type (orgs:unit_search
    # fills the datalist, a few at a time, so a county of thousands of units is never sent whole); without
    # JavaScript the field takes a code, a place (镇 › 村) or a name, and the search page links back here.
    unit = forms.CharField(label=_("Unit"), required=False, max_length=400,
                           widget=forms.TextInput(attrs={
                               "list": "finding-units", "autocomplete": "off",
                               "hx-get": reverse_lazy("orgs:unit_search"), "hx-params": "unit",
                               "hx-trigger": "input changed delay:250ms", "hx-target": "#finding-units",
                               "hx-swap": "innerHTML", "hx-sync": "this:replace"}))
    current = forms.BooleanField(label=_("Only found by the latest run"), required=False)

    def __init__(self, *args, units=None, **kwargs):
        """``units``: the units the reader may filter by (a queryset, scoped), searched only when a unit is typed."""
        from .choices import FindingRuleChoices, FindingStatusChoices, VoucherCategoryChoices

        super().__init__(*args, **kwargs)
        self.units = units if units is not None else Unit.objects.none()
        self.fields["status"].choices = [("", _("(any)")), *FindingStatusChoices.choices]
        # Sorted by label in the reader's language, so a rule is found by its name, not its code.
        self.fields["rule"].choices = [("", _("(any)")), *sorted(FindingRuleChoices.choices, key=lambda c: str(c[1]))]
        self.fields["category"].choices = [("", _("(any)")),
                                           *sorted(VoucherCategoryChoices.choices, key=lambda c: str(c[1]))]

    def clean_unit(self) -> str:
        """The code of the unit typed: its code, its place as offered (镇 › 村), or a name only one unit has."""
        from django.utils.translation import get_language

        from cleangov.orgs.filters import resolve_unit

        text = self.cleaned_data["unit"].strip()
        if not text:
            return ""
        matches = resolve_unit(self.units, text, get_language() or "")
        if len(matches) == 1:
            return matches[0]["code"]
        if matches:
            places = "; ".join(m["place"] for m in matches[:10])
            raise forms.ValidationError(_("Several of your units are called %(name)s: %(places)s. Type the place."),
                                        params={"name": text, "places": places})
        raise forms.ValidationError(_("None of your units is called %(name)s."), params={"name": text})


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name (e.g. the accounting software)"), max_length=100)
