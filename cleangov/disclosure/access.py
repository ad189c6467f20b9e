"""Access gates of the disclosure staff pages (the public pages need none: they show only what is
published, and what the asker of a question chose to make public).

| noun                     | roles                                                | reach                          |
| ------------------------ | ---------------------------------------------------- | ------------------------------ |
| disclosure (incl. drafts)| VIEW_ROLES                                           | the village in the assignment  |
| prepare, correct, ask    | village party secretary, village committee director  | their village                  |
| exemption                |                                                      |                                |
| sign or return           | village supervision committee member                 | their village                  |
| decide an exemption      | township party secretary, township leader            | villages of their township     |
| answer a question        | village party secretary, village committee director  | their village                  |
| hide a question          | township discipline staff, county commission         | their subtree                  |

Missing and forbidden objects give the same 404. Disclosures name no person, so no conflict-of-
interest filter applies; a question names nobody either (its asker is not stored).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from cleangov.accounts.choices import RoleChoices as R
from cleangov.core.access import get_or_404, scope_q
from cleangov.orgs.choices import UnitLevelChoices
from cleangov.orgs.models import Unit

from .models import Disclosure, Question
from .workflow import DISCLOSURE_WORKFLOW, PREPARERS

MODERATORS = frozenset({R.TOWNSHIP_DISCIPLINE, R.COUNTY_COMMISSION})
ANSWERERS = PREPARERS
VIEW_ROLES = frozenset(str(r) for r in (
    DISCLOSURE_WORKFLOW.roles() | MODERATORS
    | {R.LIAISON_CADRE, R.COUNTY_LEADER, R.AUDITOR, R.VILLAGER_REPRESENTATIVE}))


def visible_villages(user) -> QuerySet[Unit]:
    return Unit.objects.filter(scope_q(user, roles=VIEW_ROLES, path_field="path"),
                               level=UnitLevelChoices.VILLAGE)


def visible_disclosures(user) -> QuerySet[Disclosure]:
    return Disclosure.objects.filter(scope_q(user, roles=VIEW_ROLES))


def access_village_by_id(user, unit_id, *, action: str = "view") -> Unit:
    roles = VIEW_ROLES if action == "view" else PREPARERS
    return get_or_404(Unit.objects.filter(scope_q(user, roles=roles, path_field="path"),
                                          level=UnitLevelChoices.VILLAGE), pk=unit_id)


def access_disclosure_by_id(user, disclosure_id, *, action: str = "view") -> Disclosure:
    """``view``: anyone of VIEW_ROLES over the village; ``act``: a role of the workflow over the
    village (which step applies is checked by the workflow table in the action)."""
    roles = VIEW_ROLES if action == "view" else DISCLOSURE_WORKFLOW.roles()
    return get_or_404(Disclosure.objects.filter(scope_q(user, roles=roles)).select_related("unit"), pk=disclosure_id)


def access_question_by_id(user, question_id, *, action: str = "view") -> Question:
    roles = {"view": VIEW_ROLES, "answer": ANSWERERS, "hide": MODERATORS}.get(action)
    if roles is None:
        raise Http404
    return get_or_404(Question.objects.filter(scope_q(user, roles=roles, path_field="disclosure__unit__path"))
                      .select_related("disclosure__unit"), pk=question_id)
