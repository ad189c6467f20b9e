"""Django admin for the organisation tree: read-mostly, and every save goes through an action.

The admin is the system administrators' back office. Saving here calls the same actions as the
import and the CLI (``do_create_unit``, ``do_update_person``, ...), so each change writes its audit
event. Nothing is deleted here except relations (through ``do_remove_relation``): units, people
and posts carry history that other records point to. The identity-number hash is never shown;
an identity number can be entered (write-only) and is hashed by the action.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cleangov.core.admin import ActionRefusalsAdminMixin, NoDeleteMixin
from cleangov.core.declarations import appointment_warnings

from .actions import (
    PERSON_FIELDS,
    UNIT_FIELDS,
    do_add_relation,
    do_create_person,
    do_create_unit,
    do_end_post,
    do_remove_relation,
    do_set_rank_mapping,
    do_start_post,
    do_update_person,
    do_update_unit,
)
from .models import Person, Post, RankMapping, Relation, Unit


def _changes(obj, form, fields) -> dict:
    return {name: getattr(obj, name) for name in fields if name in form.changed_data}


@admin.register(Unit)
class UnitAdmin(ActionRefusalsAdminMixin, NoDeleteMixin, admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "level", "parent", "city", "active_from", "active_to")
    list_filter = ("level", "city")
    search_fields = ("code", "name", "name_en")
    list_select_related = ("parent",)
    raw_id_fields = ("parent",)
    readonly_fields = ("path", "depth")
    fields = ("code", "name", "name_en", "level", "parent", "city", "active_from", "active_to", "path", "depth")

    def save_model(self, request, obj, form, change):
        if change:
            saved = do_update_unit(obj, acting_user=request.user, **_changes(obj, form, UNIT_FIELDS))
        else:
            saved = do_create_unit(acting_user=request.user, **{f: getattr(obj, f) for f in UNIT_FIELDS})
        obj.pk = saved.pk


class PersonAdminForm(forms.ModelForm):
    identity_number = forms.CharField(
        label=_("Identity number"), required=False, max_length=30,
        help_text=_("Write-only: only a keyed hash and the last four characters are stored."),
    )

    class Meta:
        model = Person
        fields = ("code", "name", "gender", "party", "local_grade", "rank", "phone", "home_unit")


@admin.register(Person)
class PersonAdmin(ActionRefusalsAdminMixin, NoDeleteMixin, admin.ModelAdmin):
    form = PersonAdminForm
    list_display = ("code", "name", "masked_id", "gender", "party", "local_grade", "rank", "home_unit")
    list_filter = ("party", "rank", "gender")
    search_fields = ("code", "name")
    list_select_related = ("home_unit",)
    raw_id_fields = ("home_unit",)
    readonly_fields = ("masked_id",)
    # id_hash is never listed, shown or searchable here.
    fields = ("code", "name", "identity_number", "masked_id", "gender", "party", "local_grade", "rank", "phone",
              "home_unit")

    @admin.display(description=_("identity number (masked)"))
    def masked_id(self, obj):
        return obj.masked_id

    def save_model(self, request, obj, form, change):
        identity = form.cleaned_data.get("identity_number") or None
        if change:
            changes = _changes(obj, form, PERSON_FIELDS)
            saved = do_update_person(obj, acting_user=request.user, identity_number=identity, **changes)
        else:
            values = {f: getattr(obj, f) for f in PERSON_FIELDS if f != "id_last4"}
            if "rank" not in form.changed_data:
                values.pop("rank")  # let the action derive it from the local grade
            saved = do_create_person(acting_user=request.user, identity_number=identity, **values)
        obj.pk = saved.pk


class PostAdminForm(forms.ModelForm):
    """A new post asks the declared appointment checks (core.declarations.appointment_warnings: a period
    of effect after an accountability decision); with a warning it is saved only with a reason."""

    override_reason = forms.CharField(
        label=_("Reason to proceed despite the warnings"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Asked only when the person is under a period of effect or another appointment warning; "
                    "recorded in the audit trail."),
    )

    class Meta:
        model = Post
        fields = ("person", "unit", "post_type", "start_date", "end_date")

    def clean(self):
        data = super().clean()
        person, start = data.get("person"), data.get("start_date")
        if self.instance.pk is None and person is not None and start is not None:
            warnings = [str(w) for w in appointment_warnings(person.pk, start)]
            if warnings and not (data.get("override_reason") or "").strip():
                for warning in warnings:
                    self.add_error("override_reason", warning)
                self.add_error("override_reason", _("Give a reason to appoint this person despite these warnings; "
                                                    "it is recorded."))
        return data


@admin.register(Post)
class PostAdmin(ActionRefusalsAdminMixin, NoDeleteMixin, admin.ModelAdmin):
    """Posts are started here and ended by setting the end date; nothing else changes afterwards."""

    form = PostAdminForm

    list_display = ("person", "unit", "post_type", "start_date", "end_date")
    list_filter = ("post_type", "unit__level")
    search_fields = ("person__name", "person__code", "unit__name", "unit__code")
    list_select_related = ("person", "unit")
    raw_id_fields = ("person", "unit")
    date_hierarchy = "start_date"

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        fixed = ("person", "unit", "post_type", "start_date")
        return (*fixed, "end_date") if obj.end_date else fixed

    def save_model(self, request, obj, form, change):
        if change:
            if "end_date" in form.changed_data and obj.end_date:
                do_end_post(obj, acting_user=request.user, end_date=obj.end_date)
            return
        saved = do_start_post(acting_user=request.user, person=obj.person, unit=obj.unit, post_type=obj.post_type,
                              start_date=obj.start_date, end_date=obj.end_date,
                              override_reason=form.cleaned_data.get("override_reason", ""))
        obj.pk = saved.pk


@admin.register(Relation)
class RelationAdmin(ActionRefusalsAdminMixin, admin.ModelAdmin):
    """Relations are registered or removed, never edited: remove and register again."""

    list_display = ("person", "relative", "kind")
    list_filter = ("kind",)
    search_fields = ("person__name", "person__code", "relative__name", "relative__code")
    list_select_related = ("person", "relative")
    raw_id_fields = ("person", "relative")

    def get_readonly_fields(self, request, obj=None):
        return ("person", "relative", "kind") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if change:
            return
        saved = do_add_relation(acting_user=request.user, person=obj.person, relative=obj.relative, kind=obj.kind)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        do_remove_relation(obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for relation in queryset.select_related("person__home_unit"):
            do_remove_relation(relation, acting_user=request.user)


@admin.register(RankMapping)
class RankMappingAdmin(ActionRefusalsAdminMixin, NoDeleteMixin, admin.ModelAdmin):
    list_display = ("local_grade", "rank")
    search_fields = ("local_grade",)

    def get_readonly_fields(self, request, obj=None):
        return ("local_grade",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        saved = do_set_rank_mapping(acting_user=request.user, local_grade=obj.local_grade, rank=obj.rank)
        obj.pk = saved.pk
