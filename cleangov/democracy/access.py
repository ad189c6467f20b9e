"""Access gates of the democracy app. Missing and forbidden give the same 404.

| noun                     | read                                  | change                                   |
| ------------------------ | ------------------------------------- | ---------------------------------------- |
| village page, decisions, | VIEW_ROLES in scope                   | the workflow tables' roles: village      |
| levies, meetings, rules  |                                       | leaders; township and county for a       |
|                          |                                       | levy's review and filing, rules' review  |
| monthly financial review | VIEW_ROLES in scope                   | REVIEW_ROLES pass/query and complete;    |
|                          |                                       | ANSWER_ROLES answer the queries          |
| appraisal                | VIEW_ROLES in scope, never a rated    | APPRAISAL_ROLES (the supervision         |
|                          | cadre or a relative of one            | committee, 村民委员会组织法 Art. 33)        |
| concerns                 | CONCERN_ROLES in scope (they name     | CONCERN_RECORD_ROLES record, answer and  |
|                          | villagers)                            | pass on as a report                      |

Why: decisions and their disclosure concern every villager, so every village role, the township and
the county overseers read them; the financial management group (supervision committee) reviews the
vouchers and the township's agency accounting centre (accountant) answers for the books; villagers'
concerns name the villager and stay with the liaison cadre, the village leaders and the discipline
side.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from cleangov.accounts.choices import RoleChoices as R
from cleangov.core.access import exclude_conflicts, get_or_404, scope_q
from cleangov.core.declarations import LinkGate
from cleangov.core.links import visible_ids
from cleangov.orgs.choices import UnitLevelChoices
from cleangov.orgs.models import Unit

from .models import (
    Appraisal,
    AppraisalCandidate,
    Concern,
    Decision,
    LevyPlan,
    MonthlyReview,
    RepresentativesMeeting,
    ReviewLine,
    VillageRule,
)
from .workflow import DECISION_WORKFLOW, LEVY_WORKFLOW, RULE_WORKFLOW, VILLAGE_LEADERS

VIEW_ROLES = frozenset({
    R.COUNTY_COMMISSION, R.COUNTY_LEADER, R.AUDITOR, R.TOWNSHIP_SECRETARY, R.TOWNSHIP_LEADER, R.TOWNSHIP_DISCIPLINE,
    R.ACCOUNTANT, R.LIAISON_CADRE, R.VILLAGE_SECRETARY, R.COMMITTEE_DIRECTOR, R.SUPERVISION_MEMBER,
    R.VILLAGER_REPRESENTATIVE,
})
DECISION_ROLES = DECISION_WORKFLOW.roles()
LEVY_ROLES = LEVY_WORKFLOW.roles()
RULE_ROLES = RULE_WORKFLOW.roles()
MEETING_ROLES = VILLAGE_LEADERS
REVIEW_ROLES = frozenset({R.SUPERVISION_MEMBER})
ANSWER_ROLES = frozenset({R.ACCOUNTANT, R.VILLAGE_SECRETARY, R.COMMITTEE_DIRECTOR})
APPRAISAL_ROLES = frozenset({R.SUPERVISION_MEMBER})
CONCERN_RECORD_ROLES = frozenset({R.LIAISON_CADRE, R.VILLAGE_SECRETARY, R.COMMITTEE_DIRECTOR})
CONCERN_ROLES = CONCERN_RECORD_ROLES | {R.TOWNSHIP_SECRETARY, R.TOWNSHIP_LEADER, R.TOWNSHIP_DISCIPLINE,
                                        R.COUNTY_COMMISSION}
ACTION_ROLES = {
    "decision": DECISION_ROLES, "levy": LEVY_ROLES, "rule": RULE_ROLES, "meeting": MEETING_ROLES,
    "review": REVIEW_ROLES, "answer": ANSWER_ROLES, "appraisal": APPRAISAL_ROLES, "concern": CONCERN_RECORD_ROLES,
}


def visible_villages(user) -> QuerySet[Unit]:
    return Unit.objects.filter(scope_q(user, roles=VIEW_ROLES, path_field="path"), level=UnitLevelChoices.VILLAGE)


def can_act(user, unit: Unit, noun: str) -> bool:
    return Unit.objects.filter(scope_q(user, roles=ACTION_ROLES[noun], path_field="path"), pk=unit.pk).exists()


def access_village_by_id(user, unit_id, *, action: str = "view") -> Unit:
    """``action`` is "view" or a noun of ACTION_ROLES (the right to create or act on that noun there)."""
    roles = VIEW_ROLES if action == "view" else ACTION_ROLES.get(action)
    if roles is None:
        raise Http404
    return get_or_404(Unit.objects.filter(scope_q(user, roles=roles, path_field="path"),
                                          level=UnitLevelChoices.VILLAGE), pk=unit_id)


def _scoped(qs, user, roles, action):
    if action != "view":
        roles = ACTION_ROLES.get(action)
        if roles is None:
            raise Http404
    return qs.filter(scope_q(user, roles=roles))


def access_decision_by_id(user, decision_id, *, action: str = "view") -> Decision:
    return get_or_404(_scoped(Decision.objects.select_related("unit"), user, VIEW_ROLES, action), pk=decision_id)


def access_meeting_by_id(user, meeting_id, *, action: str = "view") -> RepresentativesMeeting:
    return get_or_404(_scoped(RepresentativesMeeting.objects.select_related("unit"), user, VIEW_ROLES, action),
                      pk=meeting_id)


def access_levy_by_id(user, levy_id, *, action: str = "view") -> LevyPlan:
    return get_or_404(_scoped(LevyPlan.objects.select_related("unit", "decision"), user, VIEW_ROLES, action),
                      pk=levy_id)


def access_rule_by_id(user, rule_id, *, action: str = "view") -> VillageRule:
    return get_or_404(_scoped(VillageRule.objects.select_related("unit"), user, VIEW_ROLES, action), pk=rule_id)


def access_review_by_id(user, review_id, *, action: str = "view") -> MonthlyReview:
    return get_or_404(_scoped(MonthlyReview.objects.select_related("unit"), user, VIEW_ROLES, action),
                      pk=review_id)


def access_review_line_by_id(user, line_id, *, action: str) -> ReviewLine:
    roles = ACTION_ROLES.get(action)
    if action not in ("review", "answer"):
        raise Http404
    return get_or_404(ReviewLine.objects.filter(scope_q(user, roles=roles, path_field="review__unit__path"))
                      .select_related("review__unit"), pk=line_id)


def visible_appraisals(user) -> QuerySet[Appraisal]:
    qs = Appraisal.objects.filter(scope_q(user, roles=VIEW_ROLES))
    return exclude_conflicts(qs, user, through_model=AppraisalCandidate, object_field="appraisal")


def access_appraisal_by_id(user, appraisal_id, *, action: str = "view") -> Appraisal:
    qs = visible_appraisals(user).select_related("unit")
    if action != "view":
        if action != "appraisal":
            raise Http404
        qs = qs.filter(scope_q(user, roles=APPRAISAL_ROLES))
    return get_or_404(qs, pk=appraisal_id)


def visible_concerns(user) -> QuerySet[Concern]:
    return Concern.objects.filter(scope_q(user, roles=CONCERN_ROLES))


def can_see_concerns(user, unit: Unit) -> bool:
    return Unit.objects.filter(scope_q(user, roles=CONCERN_ROLES, path_field="path"), pk=unit.pk).exists()


def access_concern_by_id(user, concern_id, *, action: str = "view") -> Concern:
    qs = visible_concerns(user).select_related("unit")
    if action != "view":
        if action != "concern":
            raise Http404
        qs = qs.filter(scope_q(user, roles=CONCERN_RECORD_ROLES))
    return get_or_404(qs, pk=concern_id)


# Pages other apps link to (a score's evidence): shown only to whom they answer.
LINK_GATES = (LinkGate("democracy:appraisal_detail", "appraisal_id", visible_ids(visible_appraisals)),)
