"""Reports' lines of the home page's "To do today" and "Since your last visit" (core.todo; declared in apps.py).

A handler reads how many reports in their office wait to be accepted, forwarded or not accepted (within
5 working days of receipt, 《纪检监察机关处理检举控告工作规则》 Art. 16: the earliest of those clocks is the
line's due date) and how many are being dealt with. The clocks belong to the office, not to one handler, so
the deadline engine does not list them for a person. Counts only: a report's content never reaches the home
page. Three queries at most.
"""

from __future__ import annotations

from django.db.models import CharField, Count, Min, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import ngettext

from cleangov.core.access import has_role
from cleangov.core.declarations import Change, Todo
from cleangov.deadlines.api import ACTIVE_STATUSES
from cleangov.deadlines.models import Deadline

from .access import HANDLER_ROLES, visible_reports
from .choices import ReportStatusChoices as S
from .workflow import ACCEPT_RULE

TO_ACCEPT = (S.RECEIVED, S.REGISTERED)
BEING_HANDLED = (S.ACCEPTED, S.IN_DISPOSAL)


def todos(user) -> list[Todo]:
    if not has_role(user, HANDLER_ROLES):
        return []
    reports = visible_reports(user)
    counts = reports.aggregate(accept=Count("id", filter=Q(status__in=TO_ACCEPT)),
                               handle=Count("id", filter=Q(status__in=BEING_HANDLED)))
    inbox = reverse("whistleblowing:inbox")
    out = []
    if n := counts["accept"]:
        ids = reports.filter(status__in=TO_ACCEPT).annotate(key=Cast("pk", CharField())).values("key")
        due = Deadline.objects.filter(subject_type="whistleblowing.report", subject_id__in=ids, rule=ACCEPT_RULE,
                                      status__in=ACTIVE_STATUSES).aggregate(d=Min("due_date"))["d"]
        out.append(Todo(ngettext("%(n)s report to accept, forward or not accept",
                                 "%(n)s reports to accept, forward or not accept", n) % {"n": n}, inbox, due=due))
    if n := counts["handle"]:
        out.append(Todo(ngettext("%(n)s report being dealt with", "%(n)s reports being dealt with", n) % {"n": n},
                        inbox))
    return out


def changes(user, since) -> list[Change]:
    if not has_role(user, HANDLER_ROLES):
        return []
    n = visible_reports(user).filter(received_on__gte=since.date()).count()
    return [Change(ngettext("%(n)s report received since (counting from that day)",
                            "%(n)s reports received since (counting from that day)", n) % {"n": n}, n,
                   reverse("whistleblowing:inbox"))]
