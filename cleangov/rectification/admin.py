from django.contrib import admin

from .models import ItemEvent, ItemEvidence, RectificationItem, Repayment


class EvidenceInline(admin.TabularInline):
    model = ItemEvidence
    extra = 0
    readonly_fields = ("kind", "original_name", "sha256", "size", "url", "label", "submitted_by", "created_at")
    can_delete = False


class RepaymentInline(admin.TabularInline):
    model = Repayment
    extra = 0
    readonly_fields = ("amount", "paid_on", "receipt", "recorded_by", "created_at")
    can_delete = False


class EventInline(admin.TabularInline):
    model = ItemEvent
    extra = 0
    readonly_fields = ("kind", "text", "actor", "for_responsible", "created_at")
    can_delete = False


@admin.register(RectificationItem)
class RectificationItemAdmin(admin.ModelAdmin):
    """Read-only: items change through the actions (and their audit events), never here."""

    list_display = ("pk", "unit", "problem_type", "title", "status", "deadline", "recurrence_of")
    list_filter = ("status", "problem_type", "origin")
    search_fields = ("title", "source_ref")
    inlines = (EvidenceInline, RepaymentInline, EventInline)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
