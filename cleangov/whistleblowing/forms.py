from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cleangov.core.forms import MultipleFileField
from cleangov.core.public import ProofOfWorkField
from cleangov.orgs.choices import UnitLevelChoices
from cleangov.orgs.models import Unit

from .choices import NotAcceptedReasonChoices, ReportCategoryChoices, ReportDisposalChoices, ReportOutcomeChoices
from .routing import OFFICE_LEVELS
from .stripping import UnsupportedFile, kind_of

MAX_FILES = 5


class AttachmentsField(MultipleFileField):
    """A report's attachments, checked in the form (the report is sealed in one step afterwards):
    how many, how large, and whether the first bytes are a type the metadata removal reads."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("accept", ".jpg,.jpeg,.png,.pdf,.docx,.txt")
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = super().clean(data, initial)
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("Send at most %(n)s files.") % {"n": MAX_FILES})
        limit = settings.CLEANGOV_WB_MAX_FILE_BYTES
        for f in files:
            if f.size > limit:
                raise forms.ValidationError(_("%(name)s is larger than %(mb)s MB.")
                                            % {"name": f.name, "mb": limit // (1024 * 1024)})
            head = f.read(16)
            f.seek(0)
            try:
                kind_of(f.name, head)
            except UnsupportedFile as exc:
                raise forms.ValidationError(f"{f.name}: {exc}") from exc
        return files


def unit_choices():
    """Every unit, indented under its parent, for choosing whom a report is about."""
    rows = Unit.objects.exclude(level=UnitLevelChoices.GROUP).order_by("path").only("pk", "name", "depth")
    return [("", _("— choose —"))] + [(u.pk, "\u3000" * u.depth + u.name) for u in rows]


class ReportForm(forms.Form):
    category = forms.ChoiceField(label=_("What kind of matter is it?"), choices=ReportCategoryChoices.choices,
                                 widget=forms.RadioSelect)
    subject_unit = forms.TypedChoiceField(label=_("Which unit is it about?"), coerce=int, choices=())
    subject_name = forms.CharField(label=_("Whom is it about? (name, post, or a description)"), max_length=200,
                                   required=False)
    what = forms.CharField(label=_("What happened?"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_("Say who did what, where, and how you know. Reports without concrete facts "
                                       "cannot be accepted."))
    when = forms.CharField(label=_("When did it happen?"), max_length=200, required=False)
    amount = forms.CharField(label=_("Amounts of money involved"), max_length=200, required=False)
    files = AttachmentsField(label=_("Photos or documents (optional)"), required=False,
                              help_text=_("Up to 5 files: JPEG, PNG, PDF, DOCX or TXT. We keep the original as "
                                          "evidence and give handlers a copy with location and author data removed."))
    real_name = forms.CharField(label=_("Your name (optional)"), max_length=100, required=False,
                                help_text=_("Real-name reports are handled first and you are told of the "
                                            "acceptance and the result. Leave empty to stay anonymous."))
    contact = forms.CharField(label=_("How to reach you (optional)"), max_length=200, required=False)
    pow = ProofOfWorkField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject_unit"].choices = unit_choices()
        for name in ("real_name", "contact", "subject_name", "what", "when", "amount"):
            self.fields[name].widget.attrs["autocomplete"] = "off"

    def clean(self):
        data = super().clean()
        if bool((data.get("real_name") or "").strip()) != bool((data.get("contact") or "").strip()):
            raise forms.ValidationError(_("For a real-name report give both your name and how to reach you; "
                                          "for an anonymous one leave both empty."))
        return data

    def clean_subject_unit(self):
        unit = Unit.objects.filter(pk=self.cleaned_data["subject_unit"]).first()
        if unit is None:
            raise forms.ValidationError(_("Choose a unit."))
        return unit


class FollowForm(forms.Form):
    code = forms.CharField(label=_("Receipt code"), max_length=40,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    pow = ProofOfWorkField()


class ReplyForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    text = forms.CharField(label=_("Your message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class PasswordForm(forms.Form):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "off"}))


class RegisterForm(forms.Form):
    repeat_of = forms.TypedChoiceField(label=_("First or repeat report"), coerce=int, required=False, choices=())

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["repeat_of"].choices = [("", _("First report: start the clocks"))] + [
            (r.pk, _("Repeat of %(number)s (%(date)s)") % {"number": r.number, "date": r.received_on})
            for r in candidates]


class RefuseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why it is not accepted"), choices=NotAcceptedReasonChoices.choices)


class ForwardForm(forms.Form):
    to_office = forms.ModelChoiceField(label=_("Forward to"), queryset=Unit.objects.filter(level__in=OFFICE_LEVELS))


class DisposeForm(forms.Form):
    method = forms.ChoiceField(label=_("Method of disposal"), choices=ReportDisposalChoices.choices)
    outcome = forms.ChoiceField(label=_("What the reporter is told (when closing)"), required=False,
                                choices=[("", "—"), *ReportOutcomeChoices.choices])


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("What the reporter is told"), choices=ReportOutcomeChoices.choices)


class TextForm(forms.Form):
    text = forms.CharField(label=_("Text"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class RectificationForm(forms.Form):
    title = forms.CharField(label=_("What must be rectified"), max_length=200)
    detail = forms.CharField(label=_("Detail"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


class FalseAccusationForm(forms.Form):
    clear_publicly = forms.BooleanField(label=_("The person reported on wishes their name cleared in public"),
                                        required=False)
