"""Access gates of the accountability cases app.

| noun                 | roles                                  | reach                                           |
| -------------------- | -------------------------------------- | ----------------------------------------------- |
| case (read)          | VIEW_ROLES: discipline bodies, party committees, auditor | cases in the assignment's subtree |
| case steps           | the roles of each transition of CASE_WORKFLOW | same scope |
| team, statements     | HANDLER_ROLES                          | same scope                                      |
| appeal decisions     | the roles of APPEAL_WORKFLOW           | same scope                                      |
| public outcome       | nobody signs in: /public/outcomes/ shows only what the decision makes public |           |

Whatever the role: a subject of a case and every person registered as their relative never reach it
(list, page, export, statistics, timeline); neither does a handler who recused themselves.
Missing and forbidden give the same 404.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from cleangov.core.access import exclude_conflicts, get_or_404, has_role, scope_q
from cleangov.core.workflow import Workflow

from .models import AccountabilityCase, CaseAppeal, CaseRecusal, CaseSubject
from .workflow import APPEAL_WORKFLOW, CASE_WORKFLOW, DECIDER_ROLES, HANDLER_ROLES, VIEW_ROLES

VIEW_ROLES = VIEW_ROLES
REGISTER_ROLES = HANDLER_ROLES
APPEAL_ROLES = APPEAL_WORKFLOW.roles()
ACT_ROLES = CASE_WORKFLOW.roles()


def visible_cases(user, *, roles=VIEW_ROLES) -> QuerySet[AccountabilityCase]:
    """Cases in the user's scope, without those about the user or a relative, or that they recused from."""
    if not getattr(user, "is_authenticated", False):
        return AccountabilityCase.objects.none()
    qs = AccountabilityCase.objects.filter(scope_q(user, roles=roles))
    qs = exclude_conflicts(qs, user, through_model=CaseSubject, object_field="case")
    recused = CaseRecusal.objects.filter(case=OuterRef("pk"), user=user)
    return qs.filter(~Exists(recused))


def can_register(user) -> bool:
    return has_role(user, REGISTER_ROLES)


def access_case_by_id(user, case_id, *, action: str = "view") -> AccountabilityCase:
    """``action`` is "view", "handle" (team, statements, appeals filed, recusal, publication), "decide"
    (corrections), or a transition name of CASE_WORKFLOW; anything else is a 404."""
    roles = _roles_for(CASE_WORKFLOW, action)
    return get_or_404(visible_cases(user, roles=roles).select_related("unit"), pk=case_id)


def _roles_for(workflow: Workflow, action: str):
    if action == "view":
        return VIEW_ROLES
    if action == "handle":
        return HANDLER_ROLES
    if action == "decide":
        return DECIDER_ROLES
    if action in workflow.names:
        return workflow.roles(action)
    raise Http404


def access_appeal_by_id(user, appeal_id, *, action: str = "view") -> CaseAppeal:
    roles = _roles_for(APPEAL_WORKFLOW, action)
    cases = visible_cases(user, roles=roles)
    return get_or_404(CaseAppeal.objects.filter(case__in=cases).select_related("case", "subject"), pk=appeal_id)
