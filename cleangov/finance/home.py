"""The voucher audit on the home page: its lines of "To do today" and "Since your last visit" (declared in
apps.py: ``todos``, ``changes``, see core.todo) and its panel of the most serious open findings (``HomePanel``).

Each role reads its own open items: a reviewer the open findings that wait for a decision; an accountant the
findings of their units to rectify with the earliest deadline, and this month's upload; a supervision member
the open findings to comment on; an auditor the open findings to watch. A fixed number of queries.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cleangov.core.access import has_role
from cleangov.core.declarations import Change, Todo

from .access import FINDING_COMMENT_ROLES, FINDING_DECIDE_ROLES, FINDING_VIEW_ROLES, IMPORT_ROLES, findings_for
from .choices import FindingStatusChoices as S
from .filters import sort_findings

NEW_DAYS = 7


def home_panel(user) -> dict:
    """The panel: the three most serious open findings, how many are open, how many are new this week."""
    if not has_role(user, FINDING_VIEW_ROLES):
        return {"show": False}
    findings = findings_for(user)
    waiting = _waiting(user, findings)
    since = timezone.now() - timedelta(days=NEW_DAYS)
    return {
        "show": True,
        "importing": has_role(user, IMPORT_ROLES),
        "waiting": waiting.count(),
        "top": list(sort_findings(waiting.select_related("unit"), "")[0][:3]),
        "new_this_week": findings.filter(created_at__gte=since).count(),
        "new_days": NEW_DAYS,
    }


def _waiting(user, findings):
    return findings.filter(status__in=[S.OPEN, S.ESCALATED] if has_role(user, {"county_commission"}) else [S.OPEN])


def todos(user) -> list[Todo]:
    if not has_role(user, FINDING_VIEW_ROLES):
        return []
    findings = findings_for(user)
    out = []
    open_list = reverse("finance:finding_list") + "?status=open"
    if has_role(user, FINDING_DECIDE_ROLES) or has_role(user, FINDING_COMMENT_ROLES):
        n = _waiting(user, findings).count()
        if n and has_role(user, FINDING_DECIDE_ROLES):
            out.append(Todo(ngettext("%(n)s finding waits for your decision", "%(n)s findings wait for your decision",
                                     n) % {"n": n}, open_list))
        elif n:
            out.append(Todo(ngettext("%(n)s open finding in your units: read it and comment",
                                     "%(n)s open findings in your units: read them and comment", n) % {"n": n},
                            open_list))
    if has_role(user, IMPORT_ROLES):
        to_rectify = findings.filter(status=S.CONFIRMED, due_date__isnull=False).aggregate(n=Count("id"),
                                                                                           d=Min("due_date"))
        if to_rectify["n"]:
            out.append(Todo(ngettext("%(n)s confirmed finding to rectify", "%(n)s confirmed findings to rectify",
                                     to_rectify["n"]) % {"n": to_rectify["n"]},
                            reverse("finance:finding_list") + "?status=confirmed", due=to_rectify["d"]))
        out.append(Todo(_("Upload this month's voucher file"), reverse("finance:import_upload")))
    return out


def changes(user, since) -> list[Change]:
    if not has_role(user, FINDING_VIEW_ROLES):
        return []
    n = findings_for(user).filter(created_at__gt=since).count()
    return [Change(ngettext("%(n)s new finding in your units", "%(n)s new findings in your units", n) % {"n": n}, n,
                   reverse("finance:finding_list"))]
