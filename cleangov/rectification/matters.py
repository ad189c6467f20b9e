"""The rectification item's place in the chain of a matter (cleangov/core/matters.py): linked to the
matter that found it, and its dated steps, told only to those who reach the item."""

from __future__ import annotations

from django.urls import reverse

from cleangov.core.matters import MatterRef, TimelineStep

from . import access
from .models import RectificationItem

KIND = "rectification.rectificationitem"


def linked_matters(ref: MatterRef) -> list[MatterRef]:
    if ref.kind == KIND:
        source = RectificationItem.objects.filter(pk=ref.pk).values_list("source_ref", flat=True).first()
        return [MatterRef.parse(source)] if source else []
    return [MatterRef(KIND, pk) for pk in
            RectificationItem.objects.filter(source_ref=str(ref)).order_by("pk").values_list("pk", flat=True)]


def timeline_steps(user, ref: MatterRef) -> list[TimelineStep]:
    """The item's history: everything to a handler who reaches it; to its responsible person, what
    their work view shows (their submissions and the verifier's answers), linked to that view."""
    if ref.kind != KIND:
        return []
    item = access.items_for(user).filter(pk=ref.pk).first()
    if item is not None:
        url, events = reverse("rectification:item_detail", args=[item.pk]), item.events.all()
    else:
        item = access.own_items(user).filter(pk=ref.pk).first()
        if item is None:
            return []
        url, events = reverse("rectification:item_work", args=[item.pk]), item.events.filter(for_responsible=True)
    steps = []
    for event in events.select_related("actor", "actor__person"):
        actor = getattr(event.actor, "person", None) if event.actor_id else None
        steps.append(TimelineStep(when=event.created_at, label=str(event.get_kind_display()), matter=ref,
                                  actor=actor.name if actor else (str(event.actor) if event.actor_id else ""),
                                  url=url, detail=f"#{item.pk} {item.title}"))
    return steps
