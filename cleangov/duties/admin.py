"""Admin: read-only views for the system administrator. Changes go through the actions (and the app's
pages), so the audit trail stays complete; the admin never edits duties or letters."""

from django.contrib import admin

from cleangov.core.admin import ReadOnlyAdmin

from .models import AnnualKeyPoints, DutyItem, KeyPoint, LetterSignature, LetterVersion, ResponsibilityLetter


class KeyPointInline(admin.TabularInline):
    model = KeyPoint
    extra = 0
    can_delete = False
    readonly_fields = ("number", "title", "text")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AnnualKeyPoints)
class AnnualKeyPointsAdmin(ReadOnlyAdmin):
    list_display = ("year", "title", "status", "published_at")
    inlines = [KeyPointInline]


@admin.register(DutyItem)
class DutyItemAdmin(ReadOnlyAdmin):
    list_display = ("title", "unit", "year", "lead_person", "responsibility", "due_date", "status")
    list_filter = ("year", "status", "responsibility")
    search_fields = ("title", "unit__name", "lead_person__name")
    list_select_related = ("unit", "lead_person")


class LetterVersionInline(admin.TabularInline):
    model = LetterVersion
    extra = 0
    can_delete = False
    fields = ("number", "content_hash", "reason", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ResponsibilityLetter)
class ResponsibilityLetterAdmin(ReadOnlyAdmin):
    list_display = ("year", "issuer_person", "recipient_person", "recipient_unit", "current_version")
    list_filter = ("year",)
    search_fields = ("issuer_person__name", "recipient_person__name", "recipient_unit__name")
    inlines = [LetterVersionInline]


@admin.register(LetterSignature)
class LetterSignatureAdmin(ReadOnlyAdmin):
    list_display = ("version", "side", "person", "signed_at", "content_hash")
