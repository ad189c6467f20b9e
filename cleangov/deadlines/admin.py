"""Admin: the holiday calendar (read, and load a new year from a file) and deadlines (read only).

Nothing is edited in place: a year is (re)loaded from its file through do_load_calendar_year, so the
change is validated as a whole and audited, exactly as ``cleangov calendar load FILE`` does.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cleangov.core.admin import ReadOnlyAdminMixin

from .actions import do_load_calendar_year
from .calendars import CalendarFileError, parse_calendar_text
from .models import CalendarDay, CalendarYear, Deadline


class CalendarDayInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CalendarDay
    fields = ("date", "kind", "name")
    readonly_fields = fields
    extra = 0


class CalendarFileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Calendar file (CSV)"))


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("year", "source", "file_name", "loaded_by", "updated_at")
    readonly_fields = ("year", "source", "notes", "file_name", "file_sha256", "loaded_by", "created_at", "updated_at")
    inlines = [CalendarDayInline]
    change_list_template = "admin/deadlines/calendaryear/change_list.html"

    def get_urls(self):
        custom = [path("load/", self.admin_site.admin_view(self.load_view), name="deadlines_calendaryear_load")]
        return custom + super().get_urls()

    def load_view(self, request):
        if not (request.user.is_superuser or request.user.has_perm("deadlines.add_calendaryear")):
            raise PermissionDenied
        form = CalendarFileForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            raw = upload.read()
            try:
                calendar = parse_calendar_text(raw.decode("utf-8"), origin=upload.name)
            except UnicodeDecodeError:
                problems = [_("The file is not UTF-8 text.")]
            except CalendarFileError as exc:
                problems = [str(p) for p in exc.problems]
            else:
                cy, moved = do_load_calendar_year(calendar, acting_user=request.user, file_name=upload.name,
                                                  file_bytes=raw)
                messages.success(request, _("Loaded the %(year)s calendar; %(moved)s open deadlines recomputed.")
                                 % {"year": cy.year, "moved": moved})
                return redirect("admin:deadlines_calendaryear_changelist")
        context = {**self.admin_site.each_context(request), "form": form, "problems": problems,
                   "opts": self.model._meta, "title": _("Load a calendar year")}
        return TemplateResponse(request, "admin/deadlines/calendaryear/load.html", context)


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("rule", "subject_repr", "unit", "assignee", "due_date", "status", "escalation_level",
                    "escalation_outcome")
    list_filter = ("status", "escalation_outcome", "rule")
    search_fields = ("subject_repr", "title", "rule")
    date_hierarchy = "due_date"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]
