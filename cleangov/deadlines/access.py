"""Who may see which deadlines: the unit's scope, the assignee themselves, never the conflicted."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from cleangov.accounts.choices import RoleChoices
from cleangov.core.access import exclude_conflicts, get_or_404, scope_q

from .choices import DeadlineEscalationChoices, DeadlineStatusChoices
from .models import Deadline, DeadlineSubjectPerson

# Who reads the list of clocks nobody receives: the discipline organs that supervise the clocks
# (监督专责, 问责条例 2019 Art. 4) — the county commission for the county, a township's discipline
# secretary for the township — each within the units of their role assignments.
UNREACHED_VIEW_ROLES = frozenset({RoleChoices.COUNTY_COMMISSION, RoleChoices.TOWNSHIP_DISCIPLINE})
ACTIVE_STATUSES = (DeadlineStatusChoices.OPEN, DeadlineStatusChoices.OVERDUE)


def visible_deadlines(user) -> QuerySet[Deadline]:
    """Deadlines of units in the user's scope, plus those assigned to the user, minus any whose
    subject is the user or a relative (a relative must not learn a matter's clock exists)."""
    if not getattr(user, "is_authenticated", False):
        return Deadline.objects.none()
    qs = Deadline.objects.filter(scope_q(user) | Q(assignee=user)).select_related("unit", "assignee")
    return exclude_conflicts(qs, user, through_model=DeadlineSubjectPerson, object_field="deadline")


def access_deadline_by_id(user, deadline_id, *, action: str = "view") -> Deadline:
    """The one way from a request to a deadline; missing and forbidden are the same 404.

    Only ``view`` exists: deadlines change through their subject's actions, never directly.
    """
    if action != "view":
        raise ValueError(f"unknown action {action!r}")
    return get_or_404(visible_deadlines(user), pk=deadline_id)


def unreached_deadlines(user) -> dict[str, QuerySet[Deadline]]:
    """The clocks no person receives, in the user's scope for UNREACHED_VIEW_ROLES (empty for others):

    * ``unreached``: overdue, and the escalation found nobody holding the supervising role up to the county;
    * ``skipped``: the escalation reached someone only above levels where nobody held the role;
    * ``unassigned``: open or overdue with nobody with an active account responsible.
    """
    if not getattr(user, "is_authenticated", False):
        base = Deadline.objects.none()
    else:
        base = exclude_conflicts(
            Deadline.objects.filter(scope_q(user, roles=UNREACHED_VIEW_ROLES)),
            user, through_model=DeadlineSubjectPerson, object_field="deadline",
        ).select_related("unit", "assignee", "escalated_to", "responsible_post__person")
    return {
        "unreached": base.filter(status=DeadlineStatusChoices.OVERDUE,
                                 escalation_outcome=DeadlineEscalationChoices.UNREACHED),
        "skipped": base.filter(escalation_outcome=DeadlineEscalationChoices.REACHED, escalation_level__gt=1),
        "unassigned": base.filter(Q(assignee__isnull=True) | Q(assignee__is_active=False),
                                  status__in=ACTIVE_STATUSES),
    }
