"""Users and their scoped role assignments."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleangov.core.models import TimeStampedModel

from .choices import RoleChoices


class User(AbstractUser):
    """A login. Linked to the person it belongs to, so conflict-of-interest rules know who is asking."""

    person = models.OneToOneField(
        "orgs.Person", verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT, related_name="user"
    )
    preferred_language = models.CharField(_("preferred language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        if self.person_id:
            return f"{self.person.name} ({self.username})"
        return self.username

    def active_assignments(self):
        today = timezone.localdate()
        return self.role_assignments.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=today), Q(end_date__isnull=True) | Q(end_date__gte=today)
        ).select_related("unit")


class RoleAssignment(TimeStampedModel):
    """A role held by a user over one unit, or over the unit and everything under it."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=40, choices=RoleChoices.choices)
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    include_subtree = models.BooleanField(_("includes the subtree"), default=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit"],
                name="accounts_roleassignment_unique",
                violation_error_message=_("This user already holds this role in this unit."),
            )
        ]

    def __str__(self) -> str:
        scope = _("and subtree") if self.include_subtree else _("only")
        return f"{self.user} · {self.get_role_display()} · {self.unit} ({scope})"
