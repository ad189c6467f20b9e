"""Form plumbing shared by every app: the project's form renderer, the mapping of an action's
ValidationError onto the form that fed it, and the several-files input."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

EVIDENCE_ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,.txt"


class FormRenderer(TemplatesSetting):
    """Renders ``{{ form }}`` and ``{{ form.field.as_field_group }}`` with the project's templates
    (cleangov/templates/forms/), so every page shows labels, help and errors the same way. Widgets keep
    Django's own templates (found through ``django.forms`` in INSTALLED_APPS)."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


def add_action_errors(form, exc: ValidationError, *, field_prefix: str = "") -> None:
    """Put the errors of an action's ValidationError on ``form``.

    Errors naming a field go to that field (to ``field_prefix + name`` first, for forms that prefix
    generated fields); errors naming no field, or a field the form does not have, go to the form as
    a whole, so no message is lost.
    """
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for name, errors in exc.message_dict.items():
        target = next((n for n in (f"{field_prefix}{name}", name) if n in form.fields), None)
        for message in errors:
            form.add_error(target, message)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern). ``accept`` is the browser's hint only:
    each file's size and type are checked by the action that stores it."""

    def __init__(self, *args, accept: str | None = None, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept} if accept else None))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []
