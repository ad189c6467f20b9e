"""Query filters of the organisation pages."""

from django.db.models import Count, Q, QuerySet

from cleangov.core.access import scope_q

from .access import ORGS_VIEW_ROLES

SEARCH_LIMIT = 50


def search_units(qs: QuerySet, text: str) -> QuerySet:
    """Units whose Chinese name, English name or code contains the text."""
    text = text.strip()
    if not text:
        return qs.none()
    return qs.filter(Q(name__icontains=text) | Q(name_en__icontains=text) | Q(code__icontains=text))


def with_child_counts(qs: QuerySet, user) -> QuerySet:
    """Annotate ``child_count``: the children the user may see, counted in the same query (no N+1).

    Children are counted through the scope too, so a unit assigned without its subtree shows none.
    """
    visible_child = scope_q(user, roles=ORGS_VIEW_ROLES["unit"], path_field="children__path")
    return qs.annotate(child_count=Count("children", filter=visible_child, distinct=True))
