"""Access gates of the duties app: who sees and changes key points, duty items and letters.

| noun             | roles                                   | reach                                                  |
| ---------------- | --------------------------------------- | ------------------------------------------------------ |
| key points       | every role reads the published ones     | county-wide; drafts and the editing page: county roles |
| duty item (all)  | OVERSEER_ROLES                          | items whose unit is in the assignment's subtree        |
| duty item (own)  | MEMBER_ROLES (and every duty role)      | items they lead or whose parent they lead, in scope    |
| manage items     | MANAGE_ROLES                            | unit in scope (the first responsible person and above) |
| verify items     | VERIFY_ROLES                            | unit in scope, never an item they lead themselves      |
| letter           | OVERSEER_ROLES in scope of the recipient unit, and the two named people wherever they are |
| sign a letter    | only the named person of a side, through their own account (the user linked to the Person) |
| generate/revise  | MANAGE_ROLES in scope of the issuing unit                                                  |

Why: the first responsible person (party secretary) answers for the whole unit's duties and sees
them all; every other team member answers for the duties of their portfolio (一岗双责, 中发〔2010〕19号
Art. 6) and sees those, plus the village items rolled down from their own items (一级抓一级, Art. 5).
Discipline bodies oversee (Art. 4: 纪委组织协调). Missing and forbidden give the same 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from cleangov.accounts.choices import RoleChoices as R
from cleangov.core.access import get_or_404, has_role, scope_q, user_roles
from cleangov.core.declarations import LinkGate
from cleangov.core.links import visible_ids
from cleangov.orgs.models import Unit

from .choices import AnnualKeyPointsStatusChoices
from .models import AnnualKeyPoints, DutyEvidenceFile, DutyItem, ResponsibilityLetter

OVERSEER_ROLES = frozenset({
    R.COUNTY_COMMISSION, R.COUNTY_LEADER, R.AUDITOR, R.TOWNSHIP_SECRETARY, R.TOWNSHIP_DISCIPLINE,
    R.DEPARTMENT_HEAD, R.VILLAGE_SECRETARY, R.LIAISON_CADRE,
})
MEMBER_ROLES = frozenset({R.TOWNSHIP_LEADER, R.DEPARTMENT_STAFF, R.COMMITTEE_DIRECTOR})
DUTY_ROLES = OVERSEER_ROLES | MEMBER_ROLES
MANAGE_ROLES = frozenset({R.COUNTY_LEADER, R.TOWNSHIP_SECRETARY, R.DEPARTMENT_HEAD, R.VILLAGE_SECRETARY})
VERIFY_ROLES = MANAGE_ROLES | {R.COUNTY_COMMISSION, R.TOWNSHIP_DISCIPLINE}
KEYPOINT_EDIT_ROLES = frozenset({R.COUNTY_COMMISSION, R.COUNTY_LEADER})
KEYPOINT_ADMIN_VIEW_ROLES = KEYPOINT_EDIT_ROLES | {R.AUDITOR}


def _person_id(user):
    return getattr(user, "person_id", None)


# --- key points -----------------------------------------------------------------------------------
def visible_keypoints(user) -> QuerySet[AnnualKeyPoints]:
    qs = AnnualKeyPoints.objects.all()
    if not user_roles(user):
        return qs.none()
    county_q = scope_q(user, roles=KEYPOINT_ADMIN_VIEW_ROLES)
    return qs.filter(Q(status=AnnualKeyPointsStatusChoices.PUBLISHED) | county_q)


def can_edit_keypoints(user) -> bool:
    return has_role(user, KEYPOINT_EDIT_ROLES)


def access_keypoints_by_id(user, doc_id, *, action: str = "view") -> AnnualKeyPoints:
    roles = {"view": KEYPOINT_ADMIN_VIEW_ROLES, "edit": KEYPOINT_EDIT_ROLES, "publish": KEYPOINT_EDIT_ROLES}.get(action)
    if roles is None:
        raise Http404
    return get_or_404(AnnualKeyPoints.objects.filter(scope_q(user, roles=roles)), pk=doc_id)


# --- units ----------------------------------------------------------------------------------------
def access_unit_for_duties_by_id(user, unit_id, *, action: str = "view") -> Unit:
    roles = {"view": DUTY_ROLES, "manage": MANAGE_ROLES}.get(action)
    if roles is None:
        raise Http404
    return get_or_404(Unit.objects.filter(scope_q(user, roles=roles, path_field="path")), pk=unit_id)


def can_manage_unit(user, unit) -> bool:
    return Unit.objects.filter(scope_q(user, roles=MANAGE_ROLES, path_field="path"), pk=unit.pk).exists()


# --- duty items -----------------------------------------------------------------------------------
def duty_items_q(user) -> Q:
    """Items the user may read: all in an overseer's scope, plus their own (and their items' children)."""
    q = scope_q(user, roles=OVERSEER_ROLES)
    person_id = _person_id(user)
    if person_id:
        own = Q(lead_person_id=person_id) | Q(parent__lead_person_id=person_id)
        q |= own & scope_q(user, roles=DUTY_ROLES)
    return q


def visible_duty_items(user) -> QuerySet[DutyItem]:
    return DutyItem.objects.filter(duty_items_q(user))


def capabilities(user, item: DutyItem) -> set[str]:
    """What the user may do to a visible item: a subset of {manage, lead, verify}."""
    caps = set()
    in_unit = DutyItem.objects.filter(pk=item.pk)
    if in_unit.filter(scope_q(user, roles=MANAGE_ROLES)).exists():
        caps |= {"manage", "lead"}
    if _person_id(user) and item.lead_person_id == user.person_id:
        caps.add("lead")
    if item.lead_person_id != _person_id(user) and in_unit.filter(scope_q(user, roles=VERIFY_ROLES)).exists():
        caps.add("verify")
    return caps


def access_duty_item_by_id(user, item_id, *, action: str = "view") -> DutyItem:
    """``action`` is "view" or a capability (manage, lead, verify); anything else is a 404."""
    item = get_or_404(visible_duty_items(user).select_related("unit", "lead_person", "key_point", "parent",
                                                                 "lead_unit"), pk=item_id)
    if action == "view":
        return item
    if action not in {"manage", "lead", "verify"} or action not in capabilities(user, item):
        raise Http404
    return item


def access_evidence_file_by_id(user, file_id) -> DutyEvidenceFile:
    return get_or_404(DutyEvidenceFile.objects.filter(progress__item__in=visible_duty_items(user)), pk=file_id)


# --- letters --------------------------------------------------------------------------------------
def letters_q(user) -> Q:
    q = scope_q(user, roles=OVERSEER_ROLES, path_field="recipient_unit__path")
    person_id = _person_id(user)
    if person_id:
        q |= Q(issuer_person_id=person_id) | Q(recipient_person_id=person_id)
    return q


def visible_letters(user) -> QuerySet[ResponsibilityLetter]:
    if not getattr(user, "is_authenticated", False):
        return ResponsibilityLetter.objects.none()
    return ResponsibilityLetter.objects.filter(letters_q(user))


def letter_side_of(user, letter: ResponsibilityLetter) -> str | None:
    """The side the user signs for: only the person named on that side, through their own account."""
    person_id = _person_id(user)
    if not person_id:
        return None
    if letter.issuer_person_id == person_id:
        return "issuer"
    if letter.recipient_person_id == person_id:
        return "recipient"
    return None


def access_letter_by_id(user, letter_id, *, action: str = "view") -> ResponsibilityLetter:
    qs = visible_letters(user).select_related("issuer_unit", "issuer_person", "recipient_unit",
                                              "recipient_person")
    letter = get_or_404(qs, pk=letter_id)
    if action == "view":
        return letter
    if action == "sign":
        if letter_side_of(user, letter) is None:
            raise Http404
        return letter
    if action == "revise":
        allowed = Unit.objects.filter(scope_q(user, roles=MANAGE_ROLES, path_field="path"),
                                      pk=letter.issuer_unit_id).exists()
        if not allowed:
            raise Http404
        return letter
    raise Http404


# Pages other apps link to (a score's evidence): a link is shown only to whom these gates answer.
LINK_GATES = (
    LinkGate("duties:item_detail", "item_id", visible_ids(visible_duty_items)),
    LinkGate("duties:letter_detail", "letter_id", visible_ids(visible_letters)),
)
