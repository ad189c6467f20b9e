"""The voucher audit's panel on the home page: what the reader has to do today in the finance workspace.

Declared in apps.py (``HomePanel``). Each role reads its own open items: a reviewer the open findings that wait
for a decision, the most serious first; an accountant the findings of their units to rectify and the earliest
deadline; a supervision member or auditor the open findings to watch. A fixed number of queries.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Min
from django.utils import timezone

from cleangov.core.access import has_role

from .access import FINDING_COMMENT_ROLES, FINDING_DECIDE_ROLES, FINDING_VIEW_ROLES, IMPORT_ROLES, findings_for
from .choices import FindingStatusChoices as S
from .filters import sort_findings

NEW_DAYS = 7


def home_panel(user) -> dict:
    if not has_role(user, FINDING_VIEW_ROLES):
        return {"show": False}
    findings = findings_for(user)
    deciding = has_role(user, FINDING_DECIDE_ROLES)
    waiting = findings.filter(status__in=[S.OPEN, S.ESCALATED] if has_role(user, {"county_commission"}) else [S.OPEN])
    top = list(sort_findings(waiting.select_related("unit"), "")[0][:3])
    since = timezone.now() - timedelta(days=NEW_DAYS)
    context = {
        "show": True,
        "deciding": deciding,
        "commenting": has_role(user, FINDING_COMMENT_ROLES) and not deciding,
        "importing": has_role(user, IMPORT_ROLES),
        "waiting": waiting.count(),
        "top": top,
        "new_this_week": findings.filter(created_at__gte=since).count(),
        "new_days": NEW_DAYS,
    }
    if context["importing"]:
        to_rectify = findings.filter(status=S.CONFIRMED, due_date__isnull=False)
        context["to_rectify"] = to_rectify.count()
        context["earliest_due"] = to_rectify.aggregate(d=Min("due_date"))["d"]
    return context
