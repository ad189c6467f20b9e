"""A voucher finding's steps in the chain of a matter (cleangov/core/matters.py): found, confirmed,
dismissed, escalated — told only to those who reach the finding (its subjects and their relatives
never do). Reviewers' comments are not steps of the chain."""

from __future__ import annotations

from django.urls import reverse

from cleangov.core.matters import MatterRef, TimelineStep

from .access import findings_for
from .choices import FindingEventKindChoices as K
from .choices import FindingRuleChoices, code_label

KIND = "finance.finding"
STEP_KINDS = (K.FOUND, K.CONFIRMED, K.DISMISSED, K.ESCALATED)


def timeline_steps(user, ref: MatterRef) -> list[TimelineStep]:
    if ref.kind != KIND:
        return []
    finding = findings_for(user).filter(pk=ref.pk).first()
    if finding is None:
        return []
    url = reverse("finance:finding_detail", kwargs={"finding_id": finding.pk})
    steps = []
    for event in finding.events.filter(kind__in=STEP_KINDS).select_related("actor", "actor__person"):
        person = getattr(event.actor, "person", None) if event.actor_id else None
        steps.append(TimelineStep(when=event.created_at, label=str(event.get_kind_display()), matter=ref,
                                  actor=person.name if person else (str(event.actor) if event.actor_id else ""),
                                  url=url, detail=f"#{finding.pk} {code_label(FindingRuleChoices, finding.rule)}"))
    return steps
