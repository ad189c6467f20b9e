"""Admin: finance profiles are set through ``do_set_finance_profile`` and never deleted (the audit runs
read them); batches, runs, findings and tokens change only through actions: the admin only reads them."""

from django.contrib import admin

from cleangov.core.admin import ActionRefusalsAdminMixin, NoDeleteMixin, ReadOnlyAdmin

from .models import ApiToken, AuditRun, FinanceProfile, Finding, ImportBatch


@admin.register(FinanceProfile)
class FinanceProfileAdmin(ActionRefusalsAdminMixin, NoDeleteMixin, admin.ModelAdmin):
    list_display = ("unit", "reception_budget")
    search_fields = ("unit__code", "unit__name")
    autocomplete_fields = ("unit",)

    def save_model(self, request, obj, form, change):
        # Through the action, so the change is in the audit trail.
        from .actions import do_set_finance_profile

        do_set_finance_profile(obj.unit, acting_user=request.user, reception_budget=obj.reception_budget,
                               fleet_plates=obj.fleet_plates)


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
