"""Who may see and handle reports (纪检监察机关处理检举控告工作规则, 2020, Art. 47: the report and the
reporter are kept confidential; nothing goes to the accused).

| noun               | roles                 | reach                                                            |
| ------------------ | --------------------- | ---------------------------------------------------------------- |
| report (handle)    | township_discipline   | reports sent to their township's office about a unit in scope     |
|                    | county_commission     | every report of the county (the higher organ may take any over)  |
| statistics         | HANDLER_ROLES         | the same reports, counted with small cells suppressed            |
| everyone else      | none (404)            | auditors and administrators included: report content is need-to-know |

Whatever the role, a report naming the user or a registered relative as subject is hidden
(the same 404 as a missing one), and so is a report the user has withdrawn from.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from cleangov.accounts.choices import RoleChoices as R
from cleangov.core.access import exclude_conflicts, get_or_404, require_role, scope_q

HANDLER_ROLES = frozenset({R.TOWNSHIP_DISCIPLINE, R.COUNTY_COMMISSION})


def visible_reports(user) -> QuerySet:
    from .models import Recusal, Report, ReportSubject

    # Both the handling office and the unit reported on lie in the user's scope: a township handler
    # never sees a report about their township sent up to the county, and a handler holding the
    # township without its villages sees only reports about the township itself.
    qs = Report.objects.filter(scope_q(user, roles=HANDLER_ROLES, path_field="office__path"),
                               scope_q(user, roles=HANDLER_ROLES, path_field="subject_unit__path"))
    qs = exclude_conflicts(qs, user, through_model=ReportSubject, object_field="report")
    if getattr(user, "is_authenticated", False):
        qs = qs.filter(~Exists(Recusal.objects.filter(report=OuterRef("pk"), user=user)))
    return qs


def access_report_by_id(user, report_id, *, action: str = "view"):
    """The one way from a request to a report: missing, out of scope, conflicted or recused give one 404."""
    if action not in ("view", "handle"):
        get_or_404(visible_reports(user).none(), pk=report_id)
    return get_or_404(visible_reports(user).select_related("office", "subject_unit", "repeat_of"), pk=report_id)


def require_handler(user) -> None:
    require_role(user, HANDLER_ROLES)
