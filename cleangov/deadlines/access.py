"""Who may see which deadlines: the unit's scope, the assignee themselves, never the conflicted."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from cleangov.core.access import exclude_conflicts, get_or_404, scope_q

from .models import Deadline, DeadlineSubjectPerson


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
