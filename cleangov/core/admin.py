"""Shared pieces of every app's Django admin: read-only screens, no deletes, refusals shown as messages.

The admin is the system administrators' back office, and it writes nothing the actions do not: an
app's admin either saves and deletes through its ``do_*`` actions (each writing its audit event) or
is read-only. Core registers no model here; the apps import these classes.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect


class NoDeleteMixin:
    """No delete in the admin: the object carries history other records point to (deactivate or end it)."""

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin(NoDeleteMixin):
    """Read only, for a ModelAdmin or an inline: the object changes through actions and app pages only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


class ActionRefusalsAdminMixin:
    """An action's refusal (a ValidationError, e.g. a conflict of interest) raised while the admin saves
    or deletes is shown as an error message on the same page, not as a server error.

    The admin runs ``save_model``/``delete_model`` inside the view's transaction; the refusal leaves
    that transaction (nothing is written) before it is caught here.
    """

    def _refused(self, request, exc: ValidationError):
        for message in exc.messages:
            self.message_user(request, message, messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except ValidationError as exc:
            return self._refused(request, exc)

    def delete_view(self, request, *args, **kwargs):
        try:
            return super().delete_view(request, *args, **kwargs)
        except ValidationError as exc:
            return self._refused(request, exc)

    def changelist_view(self, request, *args, **kwargs):
        try:
            return super().changelist_view(request, *args, **kwargs)
        except ValidationError as exc:
            return self._refused(request, exc)
