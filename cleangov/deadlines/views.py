"""Pages of the deadlines app: thin — parse, gate, render. Deadlines change through their subjects."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cleangov.core.access import user_roles

from .access import UNREACHED_VIEW_ROLES, unreached_deadlines

ROWS_PER_SECTION = 200


@login_required
@require_GET
def unreached(request):
    """Clocks nobody receives: escalations that reached no one, and clocks with no account behind them."""
    if not user_roles(request.user) & UNREACHED_VIEW_ROLES:
        raise Http404
    sections = []
    for key, qs in unreached_deadlines(request.user).items():
        rows = list(qs.order_by("due_date", "pk")[:ROWS_PER_SECTION])
        sections.append({"key": key, "rows": rows, "count": qs.count() if len(rows) == ROWS_PER_SECTION else len(rows)})
    return render(request, "deadlines/unreached.html", {"sections": sections})
