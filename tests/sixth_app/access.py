from django.http import Http404

from cleangov.core.access import user_roles

VIEW_ROLES = frozenset({"village_secretary"})


def require_view(user) -> None:
    if not user_roles(user) & VIEW_ROLES:
        raise Http404
