from django.contrib import admin

from .models import ApiToken, AuditRun, FinanceProfile, Finding, ImportBatch


@admin.register(FinanceProfile)
class FinanceProfileAdmin(admin.ModelAdmin):
    list_display = ("unit", "reception_budget")
    search_fields = ("unit__code", "unit__name")
    autocomplete_fields = ("unit",)

    def save_model(self, request, obj, form, change):
        # Through the action, so the change is in the audit trail.
        from .actions import do_set_finance_profile

        do_set_finance_profile(obj.unit, acting_user=request.user, reception_budget=obj.reception_budget,
                               fleet_plates=obj.fleet_plates)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Batches, runs, findings and tokens change only through actions: the admin only reads them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ("pk", "file_name", "scope_unit", "status", "rows_imported", "uploaded_at")
    list_filter = ("status", "source")


@admin.register(AuditRun)
class AuditRunAdmin(ReadOnlyAdmin):
    list_display = ("pk", "scope_unit", "trigger", "status", "lines", "findings_total", "created_at")


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("pk", "rule", "unit", "status", "amount_at_stake")
    list_filter = ("status", "rule")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "prefix", "created_at", "revoked_at")
