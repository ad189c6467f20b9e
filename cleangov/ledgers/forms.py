"""Forms of the record books: the "record an entry" form is built from the kind version's fields.

Attendance is one row per person of the unit's register (present / absent / not concerned, with a
reason for absence), which works on a phone without any script.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cleangov.core.forms import MultipleFileField
from cleangov.orgs.models import Person, Post, Unit

from .actions import UploadedAttachment
from .choices import LedgerFieldTypeChoices as T
from .kinds import KindSpec, parse_catalog

# How far back a post counts for the people register of a unit's minutes: a meeting in January
# names people whose term ended in March.
REGISTER_LOOKBACK_DAYS = 400


def register_people(unit: Unit):
    """People holding (or recently holding) a post in the unit: who may be named in its minutes."""
    since = timezone.localdate() - timedelta(days=REGISTER_LOOKBACK_DAYS)
    posts = Post.objects.filter(person=OuterRef("pk"), unit=unit, start_date__lte=timezone.localdate()).exclude(
        end_date__lt=since)
    return Person.objects.filter(Exists(posts)).order_by("name", "code")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


ATTENDANCE_CHOICES = [("", _("Not concerned")), ("present", _("Present")), ("absent", _("Absent"))]


class EntryForm(forms.Form):
    """Title, event date, the kind's own fields, attendance and files."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Leave empty to use the name of the kind."))
    event_date = forms.DateField(label=_("Event date"), widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("The day of the meeting, talk or event, not today's date."))

    def __init__(self, *args, spec: KindSpec, people, revising: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.people = list(people)
        self.revising = revising
        language = get_language()
        person_qs = Person.objects.filter(pk__in=[p.pk for p in self.people]).order_by("name", "code")
        for f in spec.fields:
            self.fields[f"f_{f.name}"] = self._field(f, person_qs, language)
        if spec.minutes:
            for person in self.people:
                self.fields[f"att_{person.pk}"] = forms.ChoiceField(
                    label=person.name, choices=ATTENDANCE_CHOICES, required=False)
                self.fields[f"why_{person.pk}"] = forms.CharField(
                    label=_("Reason for absence"), max_length=200, required=False)
        for a in spec.attachments:
            self.fields[f"file_{a.code}"] = forms.FileField(
                label=a.name_en if language and language.startswith("en") and a.name_en else a.name,
                required=not revising)
        self.fields["files"] = MultipleFileField(label=_("Other files"), required=False)
        if revising:
            self.fields["reason"] = forms.CharField(label=_("Why is the record changed?"), max_length=300,
                                                    widget=forms.Textarea(attrs={"rows": 2}))

    def _field(self, f, person_qs, language):
        label = f.label_for(language)
        common = {"label": label, "required": f.required, "help_text": f.help}
        if f.type == T.TEXT:
            return forms.CharField(max_length=500, **common)
        if f.type == T.LONGTEXT:
            return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), **common)
        if f.type == T.DATE:
            return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        if f.type == T.INTEGER:
            return forms.IntegerField(min_value=0, **common)
        if f.type == T.DECIMAL:
            return forms.DecimalField(max_digits=14, decimal_places=2, **common)
        if f.type == T.CHOICE:
            en = language and language.startswith("en")
            choices = [("", "—")] + [(v, (le if en and le else lz)) for v, lz, le in f.choices]
            return forms.ChoiceField(choices=choices, **common)
        if f.type == T.BOOLEAN:
            return forms.BooleanField(**common)
        if f.type == T.PERSON:
            return PersonChoiceField(queryset=person_qs, **common)
        return PeopleChoiceField(queryset=person_qs, widget=forms.CheckboxSelectMultiple, **common)

    # --- reading the form ------------------------------------------------------------------------
    def field_rows(self):
        return [self[f"f_{f.name}"] for f in self.spec.fields]

    def attendance_rows(self):
        return [(p, self[f"att_{p.pk}"], self[f"why_{p.pk}"]) for p in self.people] if self.spec.minutes else []

    def file_rows(self):
        return [self[f"file_{a.code}"] for a in self.spec.attachments]

    def clean(self):
        data = super().clean()
        if self.spec.minutes:
            for person in self.people:
                if data.get(f"att_{person.pk}") == "absent" and not (data.get(f"why_{person.pk}") or "").strip():
                    self.add_error(f"why_{person.pk}", _("Give the reason for the absence."))
        return data

    def values(self) -> dict:
        out = {}
        for f in self.spec.fields:
            value = self.cleaned_data.get(f"f_{f.name}")
            if f.type == T.PERSON and value is not None:
                value = value.pk
            elif f.type == T.PEOPLE:
                value = [p.pk for p in value or []]
            out[f.name] = value
        return out

    def attendance(self) -> tuple[list[int], list[dict]]:
        attendees, absentees = [], []
        for person in self.people if self.spec.minutes else []:
            state = self.cleaned_data.get(f"att_{person.pk}")
            if state == "present":
                attendees.append(person.pk)
            elif state == "absent":
                absentees.append({"person": person.pk, "reason": self.cleaned_data.get(f"why_{person.pk}", "")})
        return attendees, absentees

    def uploads(self) -> list[UploadedAttachment]:
        out = []
        for a in self.spec.attachments:
            upload = self.cleaned_data.get(f"file_{a.code}")
            if upload:
                out.append(UploadedAttachment(name=upload.name, content=upload.read(), code=a.code))
        for upload in self.cleaned_data.get("files") or []:
            out.append(UploadedAttachment(name=upload.name, content=upload.read()))
        return out

    def initial_from(self, revision) -> None:
        """Prefill from the current revision when revising."""
        self.initial.update({"title": revision.title, "event_date": revision.event_date})
        for f in self.spec.fields:
            self.initial[f"f_{f.name}"] = revision.values.get(f.name)
        for pid in revision.attendees:
            self.initial[f"att_{pid}"] = "present"
        for row in revision.absentees:
            self.initial[f"att_{row['person']}"] = "absent"
            self.initial[f"why_{row['person']}"] = row["reason"]


class BookFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    kind = forms.CharField(label=_("Kind"), required=False, max_length=60)
    late = forms.BooleanField(label=_("Late entries only"), required=False)


class KindCatalogUploadForm(forms.Form):
    """The admin screen's YAML upload: validated in full before anything is imported."""

    file = forms.FileField(label=_("Kinds catalog (YAML)"))

    def clean_file(self):
        from cleangov.core import uploads

        from .kinds import CatalogError

        upload = self.cleaned_data["file"]
        try:
            text = uploads.read_text(upload, max_bytes=uploads.yaml_max_bytes())
        except uploads.ReadError as exc:  # too large, or not UTF-8/GBK text: what is wrong and what to do
            raise forms.ValidationError(uploads.refusal(exc)) from exc
        try:
            self.specs = parse_catalog(text, upload.name)
        except CatalogError as exc:
            raise forms.ValidationError(exc.errors) from exc
        return upload
