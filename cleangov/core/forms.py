"""Form plumbing shared by every app: the project's form renderer and the mapping of an action's
ValidationError onto the form that fed it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


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
