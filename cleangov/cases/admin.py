"""Django admin for accountability cases: read-only. Every change goes through the case pages, whose
actions check conflicts of interest and write the audit trail."""

from django.contrib import admin

from cleangov.core.admin import ReadOnlyAdmin

from .models import AccountabilityCase, CaseAppeal, CaseForm


@admin.register(AccountabilityCase)
class AccountabilityCaseAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "unit", "status", "registered_on", "decided_on", "public_reference")
    list_filter = ("status",)
    search_fields = ("reference", "title", "public_reference")
    list_select_related = ("unit",)


@admin.register(CaseForm)
class CaseFormAdmin(ReadOnlyAdmin):
    list_display = ("case", "subject", "form", "effective_from", "revoked_on")
    list_filter = ("form",)
    list_select_related = ("case", "subject__person", "subject__subject_unit")


@admin.register(CaseAppeal)
class CaseAppealAdmin(ReadOnlyAdmin):
    list_display = ("case", "subject", "status", "filed_on", "decide_by", "decided_on")
    list_filter = ("status",)
    list_select_related = ("case", "subject__person", "subject__subject_unit")
