"""Rectification's lines of the home page's "To do today" and "Since your last visit" (core.todo; declared in
apps.py). The responsible person's own items carry a deadline-engine clock, which the deadline engine lists;
a handler reads here the items that wait for them: evidence submitted to verify, verified items to sign off.
One query each.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import ngettext

from cleangov.core.access import has_role
from cleangov.core.declarations import Change, Todo

from .access import HANDLE_ROLES, VIEW_ROLES, items_for
from .choices import ItemStatusChoices as S


def todos(user) -> list[Todo]:
    if not has_role(user, HANDLE_ROLES):
        return []
    counts = items_for(user, action="handle").aggregate(
        submitted=Count("id", filter=Q(status=S.SUBMITTED)), verified=Count("id", filter=Q(status=S.VERIFIED)))
    index = reverse("rectification:index")
    out = []
    if n := counts["submitted"]:
        out.append(Todo(ngettext("%(n)s rectification item submitted: verify the evidence",
                                 "%(n)s rectification items submitted: verify the evidence", n) % {"n": n},
                        f"{index}?status={S.SUBMITTED}"))
    if n := counts["verified"]:
        out.append(Todo(ngettext("%(n)s verified rectification item to sign off",
                                 "%(n)s verified rectification items to sign off", n) % {"n": n},
                        f"{index}?status={S.VERIFIED}"))
    return out


def changes(user, since) -> list[Change]:
    if not has_role(user, VIEW_ROLES):
        return []
    n = items_for(user).filter(created_at__gt=since).count()
    return [Change(ngettext("%(n)s new rectification item in your units", "%(n)s new rectification items in your units",
                            n) % {"n": n}, n, reverse("rectification:index"))]
