"""Accountability cases' lines of the home page's "To do today" and "Since your last visit" (core.todo; declared
in apps.py): the open cases of the user's investigation teams, then a count of the
other open cases they may act on. References and counts only: who a case is about never reaches the home page.
Two queries at most each.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cleangov.core.access import has_role
from cleangov.core.declarations import Change, Todo

from .access import ACT_ROLES, VIEW_ROLES, visible_cases
from .choices import CaseStatusChoices as S
from .models import CaseMember

OPEN = (S.REGISTERED, S.INITIATED, S.INVESTIGATING, S.REPORTED, S.DELIBERATED, S.DECIDED, S.DELIVERED,
        S.IMPLEMENTED)
LIMIT = 10


def todos(user) -> list[Todo]:
    if not has_role(user, ACT_ROLES):
        return []
    cases = visible_cases(user, roles=ACT_ROLES).filter(status__in=OPEN)
    person_id = getattr(user, "person_id", None)
    mine = cases.filter(pk__in=CaseMember.objects.filter(person_id=person_id, recused_on__isnull=True)
                        .values("case_id")) if person_id else cases.none()
    out = [Todo(_("Case %(reference)s: %(stage)s") % {"reference": case.reference,
                                                     "stage": case.get_status_display()},
                reverse("cases:case_detail", kwargs={"case_id": case.pk}))
           for case in mine.order_by("pk")[:LIMIT]]
    others = cases.exclude(pk__in=mine.values("pk")).count()
    if others:
        out.append(Todo(ngettext("%(n)s other open accountability case in your units",
                                 "%(n)s other open accountability cases in your units", others) % {"n": others},
                        reverse("cases:index")))
    return out


def changes(user, since) -> list[Change]:
    if not has_role(user, VIEW_ROLES):
        return []
    n = visible_cases(user).filter(created_at__gt=since).count()
    return [Change(ngettext("%(n)s new accountability case", "%(n)s new accountability cases", n) % {"n": n}, n,
                   reverse("cases:index"))]
