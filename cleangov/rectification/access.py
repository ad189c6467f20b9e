"""Who reaches which rectification item. Every request goes through an ``access_<noun>_by_id`` gate;
missing, out of scope, conflicted and recused all answer the same 404.

| noun                  | who                                                                              |
| --------------------- | -------------------------------------------------------------------------------- |
| item: view (handlers) | county commission, county leader, auditor (whole county); township secretary,    |
|                       | township leader, township discipline (their township); department head (own dept)|
| item: handle          | county commission, township discipline, township secretary — per the workflow    |
|                       | (verify, reject, close, cancel, repayments, open by hand)                         |
| item: work            | the item's responsible person only, through the work view made for them           |
| dashboard             | the view roles, over the items they may view                                       |

Exclusion: an item's subjects (its responsible person, the people its source names) and their
registered relatives never reach it through the handlers' routes, lists, exports or dashboard
counts, whatever their role; a handler who recused from an item no longer reaches it either. The
responsible person reaches their own item only through the work view, which shows what the
correction needs and nothing the conflict rule protects.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from cleangov.accounts.choices import RoleChoices as R
from cleangov.core.access import exclude_conflicts, get_or_404, restrict
from cleangov.core.declarations import LinkGate
from cleangov.core.links import visible_ids

from .models import ItemEvidence, ItemSubject, RectificationItem, Recusal

HANDLE_ROLES = frozenset({R.COUNTY_COMMISSION, R.TOWNSHIP_DISCIPLINE, R.TOWNSHIP_SECRETARY})
VIEW_ROLES = HANDLE_ROLES | frozenset({R.COUNTY_LEADER, R.AUDITOR, R.TOWNSHIP_LEADER, R.DEPARTMENT_HEAD})
# Every signed-in user may be named responsible for an item: the index lists their own items.
INDEX_ROLES = frozenset(R.values)
ITEM_ACTION_ROLES = {"view": VIEW_ROLES, "handle": HANDLE_ROLES}


def items_for(user, *, action: str = "view") -> QuerySet[RectificationItem]:
    """Items the user reaches as a handler or overseer: in scope, not about them or a relative, not recused."""
    if action not in ITEM_ACTION_ROLES:
        raise ValueError(action)
    if not getattr(user, "is_authenticated", False):
        return RectificationItem.objects.none()
    qs = restrict(RectificationItem.objects.all(), user, roles=ITEM_ACTION_ROLES[action], path_field="unit__path")
    qs = exclude_conflicts(qs, user, through_model=ItemSubject, object_field="item")
    return qs.filter(~Exists(Recusal.objects.filter(item=OuterRef("pk"), user=user.pk)))


def own_items(user) -> QuerySet[RectificationItem]:
    """The items the user is responsible for (the work view's reach)."""
    person_id = getattr(user, "person_id", None)
    if not getattr(user, "is_authenticated", False) or not person_id:
        return RectificationItem.objects.none()
    return RectificationItem.objects.filter(responsible_person_id=person_id)


def access_item_by_id(user, item_id, *, action: str = "view") -> RectificationItem:
    if action == "work":
        return get_or_404(own_items(user).select_related("unit"), pk=item_id)
    return get_or_404(items_for(user, action=action).select_related("unit", "responsible_person"), pk=item_id)


def access_evidence_by_id(user, item_id, evidence_id, *, action: str = "view") -> ItemEvidence:
    """A file of an item the user reaches as a handler, or of their own item."""
    try:
        item_id = int(item_id)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    reachable = items_for(user).filter(pk=item_id).exists() or own_items(user).filter(pk=item_id).exists()
    if not reachable:
        raise Http404
    return get_or_404(ItemEvidence.objects.filter(item_id=item_id, kind="file"), pk=evidence_id)


def capabilities(user, item: RectificationItem) -> set[str]:
    """The workflow capabilities (workflow.py) the user holds on the item."""
    caps = set()
    person_id = getattr(user, "person_id", None)
    if person_id and item.responsible_person_id == person_id:
        caps.add("responsible")
    elif items_for(user, action="handle").filter(pk=item.pk).exists():
        caps.add("handle")
    return caps


# Pages other apps link to (a score's evidence): shown only to whom they answer.
LINK_GATES = (LinkGate("rectification:item_detail", "item_id", visible_ids(items_for)),)
