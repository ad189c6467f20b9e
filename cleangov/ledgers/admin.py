"""The admin screen for record-book kinds: read the versions, upload a YAML catalog, retire a kind.

Kinds change only through ``do_import_ledger_kinds`` (a new version per changed kind, one audit
event each) and ``do_set_ledger_kind_active``; entries, revisions and checkpoints are read-only
here: the chain must never be edited, not even by an administrator.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cleangov.core.admin import ReadOnlyAdmin

from .actions import do_import_ledger_kinds, do_set_ledger_kind_active
from .forms import KindCatalogUploadForm
from .models import LedgerCheckpoint, LedgerEntry, LedgerKind, LedgerKindVersion, LedgerSigningKey


class VersionInline(admin.TabularInline):
    model = LedgerKindVersion
    fields = ("version", "name", "name_en", "source_file", "created_at", "spec_hash")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LedgerKind)
class LedgerKindAdmin(admin.ModelAdmin):
    list_display = ("code", "current_name", "current_version_number", "active", "sort_order")
    list_filter = ("active",)
    search_fields = ("code", "versions__name")
    readonly_fields = ("code", "current_version", "sort_order", "active")
    fields = readonly_fields
    inlines = [VersionInline]
    actions = ["retire", "reactivate"]
    change_list_template = "admin/ledgers/ledgerkind/change_list.html"

    @admin.display(description=gettext_lazy("name"))
    def current_name(self, obj):
        return obj.current_version.name if obj.current_version_id else ""

    @admin.display(description=gettext_lazy("version"))
    def current_version_number(self, obj):
        return obj.current_version.version if obj.current_version_id else ""

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("current_version")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Every field is read-only: a saved change form would write the row without an action.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Retire the selected kinds (no new entries)"))
    def retire(self, request, queryset):
        for kind in queryset:
            do_set_ledger_kind_active(kind, active=False, acting_user=request.user)

    @admin.action(description=gettext_lazy("Reactivate the selected kinds"))
    def reactivate(self, request, queryset):
        for kind in queryset:
            do_set_ledger_kind_active(kind, active=True, acting_user=request.user)

    def get_urls(self):
        return [path("import/", self.admin_site.admin_view(self.import_view), name="ledgers_ledgerkind_import"),
                *super().get_urls()]

    def import_view(self, request):
        """Upload a YAML catalog: every problem is listed with its line, kind and field; nothing is
        imported unless the whole file is valid."""
        if not self.has_view_permission(request):
            return redirect("admin:index")
        form = KindCatalogUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            summary = do_import_ledger_kinds(form.specs, acting_user=request.user,
                                             source_file=form.cleaned_data["file"].name)
            messages.success(request, _("%(created)s kinds created, %(versions)s new versions, %(same)s unchanged.")
                             % {"created": len(summary.created), "versions": len(summary.new_versions),
                                "same": len(summary.unchanged)})
            return redirect(reverse("admin:ledgers_ledgerkind_changelist"))
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
                   "title": _("Import record-book kinds (YAML)")}
        return render(request, "admin/ledgers/ledgerkind/import.html", context)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("unit", "number", "kind", "event_date", "entered_at", "late_days", "revision_count")
    list_filter = ("kind",)
    search_fields = ("unit__code", "title")
    list_select_related = ("unit", "kind")


@admin.register(LedgerCheckpoint)
class LedgerCheckpointAdmin(ReadOnlyAdmin):
    list_display = ("unit", "month", "seq", "entry_count", "head_hash", "signed_at")
    list_select_related = ("unit",)
    search_fields = ("unit__code",)


@admin.register(LedgerSigningKey)
class LedgerSigningKeyAdmin(ReadOnlyAdmin):
    list_display = ("unit", "key_id", "algorithm", "created_at", "retired_at")
    list_select_related = ("unit",)
