"""The county's organisation tree, its people, the posts they hold over time and their relations."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cleangov.core.models import TimeStampedModel

from .choices import (
    PersonGenderChoices,
    PersonPartyChoices,
    PersonRankChoices,
    PostTypeChoices,
    RelationKindChoices,
    UnitLevelChoices,
)


class Unit(TimeStampedModel):
    """A node of the organisation tree: the county, a township or county department, a village, a
    villager group. ``path`` is the chain of codes from the root ("/C/T01/V001/") so a subtree is
    one indexed prefix query on SQLite and PostgreSQL alike."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=UnitLevelChoices.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("path"), max_length=400, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    # The city or region the unit sits in: the lodging caps of the travel rules are looked up by it.
    city = models.CharField(_("city/region"), max_length=60)
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_to = models.DateField(_("active to"), null=True, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_to__gte=models.F("active_from")),
                name="orgs_unit_active_dates_ordered",
                violation_error_message=_("A unit cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None = None) -> str:
        if language and language.startswith("en") and self.name_en:
            return self.name_en
        return self.name

    def ancestors(self) -> models.QuerySet[Unit]:
        codes = [c for c in self.path.strip("/").split("/") if c and c != self.code]
        return Unit.objects.filter(code__in=codes).order_by("depth")

    def subtree(self, include_self: bool = True) -> models.QuerySet[Unit]:
        qs = Unit.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    def is_active_on(self, day: date) -> bool:
        return (self.active_from is None or self.active_from <= day) and (
            self.active_to is None or day <= self.active_to
        )


class RankMapping(TimeStampedModel):
    """Maps a local cadre grade (乡科级正职, 副处级, ...) to the rank used by the spending standards."""

    local_grade = models.CharField(_("local grade"), max_length=60, unique=True)
    rank = models.CharField(_("rank for spending standards"), max_length=20, choices=PersonRankChoices.choices)

    class Meta:
        ordering = ["local_grade"]
        verbose_name = _("rank mapping")
        verbose_name_plural = _("rank mappings")

    def __str__(self) -> str:
        return f"{self.local_grade} → {self.get_rank_display()}"


class Person(TimeStampedModel):
    """A cadre, staff member or villager known to the system. The identity number is never stored:
    only a keyed hash (to find duplicates) and its last four characters (to show)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, db_index=True)
    id_hash = models.CharField(_("identity number hash"), max_length=64, blank=True, db_index=True, editable=False)
    id_last4 = models.CharField(_("identity number (last 4)"), max_length=4, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=PersonGenderChoices.choices, blank=True)
    party = models.CharField(
        _("party membership"), max_length=20, choices=PersonPartyChoices.choices, default=PersonPartyChoices.NONE
    )
    local_grade = models.CharField(_("local grade"), max_length=60, blank=True)
    rank = models.CharField(
        _("rank for spending standards"),
        max_length=20,
        choices=PersonRankChoices.choices,
        default=PersonRankChoices.OTHER,
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    home_unit = models.ForeignKey(
        Unit, verbose_name=_("home unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="residents"
    )

    class Meta:
        ordering = ["name", "code"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id(self) -> str:
        return f"**************{self.id_last4}" if self.id_last4 else ""


class Post(TimeStampedModel):
    """A post held by a person in a unit from ``start_date`` to ``end_date`` (open while null), so
    term history and "who held this post on date D" are answerable."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="posts")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="posts")
    post_type = models.CharField(_("post"), max_length=40, choices=PostTypeChoices.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        ordering = ["unit__path", "post_type", "-start_date"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [models.Index(fields=["unit", "post_type", "start_date"], name="orgs_post_unit_type_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="orgs_post_dates_ordered",
                violation_error_message=_("A post cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.unit} · {self.get_post_type_display()}"

    @classmethod
    def held_on(cls, day: date) -> Q:
        return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


class Relation(TimeStampedModel):
    """A registered relation between two people (family or business), read by conflict-of-interest
    rules: a person's relatives never see or handle matters about them. Stored once; read both ways."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="relations_from"
    )
    relative = models.ForeignKey(
        Person, verbose_name=_("related person"), on_delete=models.CASCADE, related_name="relations_to"
    )
    kind = models.CharField(_("relation"), max_length=20, choices=RelationKindChoices.choices)

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "relative"],
                name="orgs_relation_unique_pair",
                violation_error_message=_("This relation is already registered."),
            ),
            models.CheckConstraint(
                condition=~Q(person=models.F("relative")),
                name="orgs_relation_not_self",
                violation_error_message=_("A person cannot be related to themselves."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.relative} ({self.get_kind_display()})"


def related_person_ids(person_ids) -> set[int]:
    """The people themselves plus everyone registered as related to any of them, in one query."""
    ids = set(person_ids)
    if not ids:
        return set()
    rows = Relation.objects.filter(Q(person_id__in=ids) | Q(relative_id__in=ids)).values_list(
        "person_id", "relative_id"
    )
    for a, b in rows:
        ids.add(a)
        ids.add(b)
    return ids
