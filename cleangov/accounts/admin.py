"""Django admin for users and their scoped roles (system administrators' back office).

Role assignments are granted and revoked through the actions (so each writes its audit event);
an existing assignment is not edited in place: revoke it and grant a new one. Users are never
deleted here (their audit events and records point to them, and a delete would drop their role
assignments without ``do_revoke_role``): untick "active" instead. A locked-out user is unlocked
with the "Lift the login lockout" action (``do_unlock_user``).
"""

import threading

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from cleangov.core.admin import ActionRefusalsAdminMixin, NoDeleteMixin, ReadOnlyAdminMixin

from .actions import (
    do_assign_role,
    do_remove_totp_device,
    do_revoke_role,
    do_save_user_from_admin,
    do_set_password,
    do_unlock_user,
)
from .models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ("role", "unit", "include_subtree", "start_date", "end_date")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


# Django builds the set-password form itself, without the request; the acting admin is handed over
# per thread (each request is served by one thread), never through shared admin state.
_acting = threading.local()


class AuditedPasswordChangeForm(AdminPasswordChangeForm):
    """The admin's set-password form, saving through do_set_password so the change is audited."""

    def save(self, commit=True):
        do_set_password(self.user, acting_user=getattr(_acting, "user", None),
                        password=self.cleaned_data["password1"])
        return self.user


@admin.register(User)
class UserAdmin(ActionRefusalsAdminMixin, NoDeleteMixin, DjangoUserAdmin):
    change_password_form = AuditedPasswordChangeForm
    actions = ["unlock"]
    list_display = ("username", "person", "email", "preferred_language", "is_active", "is_superuser", "last_login")
    list_filter = ("is_active", "is_superuser", "role_assignments__role")
    search_fields = ("username", "email", "person__name", "person__code")
    list_select_related = ("person",)
    raw_id_fields = ("person",)
    inlines = [RoleAssignmentInline]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("CleanGov"), {"fields": ("person", "preferred_language")}),
    )

    def save_model(self, request, obj, form, change):
        do_save_user_from_admin(obj, acting_user=request.user,
                                save=lambda: super(UserAdmin, self).save_model(request, obj, form, change))

    @admin.action(description=_("Lift the login lockout of the selected users"))
    def unlock(self, request, queryset):
        removed = sum(do_unlock_user(user, acting_user=request.user) for user in queryset)
        self.message_user(request, gettext("Lockout lifted for %(users)s users (%(attempts)s failed attempts "
                                           "forgotten).") % {"users": len(queryset), "attempts": removed},
                          messages.SUCCESS)

    def user_change_password(self, request, id, form_url=""):
        _acting.user = request.user
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _acting.user = None


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ActionRefusalsAdminMixin, admin.ModelAdmin):
    list_display = ("user", "role", "unit", "include_subtree", "start_date", "end_date")
    list_filter = ("role", "include_subtree", "unit__level")
    search_fields = ("user__username", "user__person__name", "unit__name", "unit__code")
    list_select_related = ("user", "user__person", "unit")
    raw_id_fields = ("user", "unit")
    date_hierarchy = "start_date"

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ("user", "role", "unit", "include_subtree", "start_date", "end_date")
        return ()

    def save_model(self, request, obj, form, change):
        if change:
            return
        saved = do_assign_role(acting_user=request.user, user=obj.user, role=obj.role, unit=obj.unit,
                               include_subtree=obj.include_subtree, start_date=obj.start_date,
                               end_date=obj.end_date)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        do_revoke_role(obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for assignment in queryset:
            do_revoke_role(assignment, acting_user=request.user)


# --- Admins of installed packages, which would otherwise write without an audit event ---------------
def _replace_registration(model, make_admin) -> None:
    if admin.site.is_registered(model):
        base = type(admin.site.get_model_admin(model))
        admin.site.unregister(model)
        admin.site.register(model, make_admin(base))


# Rights come from role assignments, never from Django groups: the group screens are not offered.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)

# Login attempts (django-axes) are read here; a lockout is lifted with the user's "Lift the login
# lockout" action (do_unlock_user), never by deleting attempts.
_replace_registration(AccessAttempt, lambda base: type(base.__name__, (ReadOnlyAdminMixin, base), {}))
_replace_registration(AccessLog, lambda base: type(base.__name__, (ReadOnlyAdminMixin, base), {}))
_replace_registration(AccessFailureLog, lambda base: type(base.__name__, (ReadOnlyAdminMixin, base), {}))


def _audited_totp_admin(base):
    class AuditedTOTPDeviceAdmin(ActionRefusalsAdminMixin, base):
        """Devices are enrolled by their user (do_enrol_totp_device); an administrator may only remove one
        (a lost phone), through do_remove_totp_device."""

        def has_add_permission(self, request, obj=None):
            return False

        def has_change_permission(self, request, obj=None):
            return False

        def delete_model(self, request, obj):
            do_remove_totp_device(obj, acting_user=request.user)

        def delete_queryset(self, request, queryset):
            for device in queryset:
                do_remove_totp_device(device, acting_user=request.user)

    return AuditedTOTPDeviceAdmin


_replace_registration(TOTPDevice, _audited_totp_admin)
