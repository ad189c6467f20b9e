"""A villager's concern in the chain of a matter (cleangov/core/matters.py): its dated steps —
received, the promised date passed without an answer, answered, passed on as a report — told only to
those who may open the concern (the liaison cadre, the village leaders, the township and county
discipline side: ``access.visible_concerns``). A concern passed on as a report is linked to the case
by the app that registered it (its ``source``), so the case's steps join the same timeline."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext as _

from cleangov.core.matters import MatterRef, TimelineStep
from cleangov.core.models import AuditEvent

from .access import visible_concerns

CONCERN_KIND = "democracy.concern"


def timeline_steps(user, ref: MatterRef) -> list[TimelineStep]:
    if ref.kind != CONCERN_KIND:
        return []
    concern = visible_concerns(user).filter(pk=ref.pk).first()
    if concern is None:
        return []
    url = reverse("democracy:concern_detail", args=[concern.pk])
    detail = f"{concern.code} · {concern.get_category_display()}"
    actors = dict(AuditEvent.objects.filter(subject_type=CONCERN_KIND, subject_id=str(concern.pk))
                  .order_by("seq").values_list("event_code", "actor_repr"))
    steps = [TimelineStep(
        when=concern.received_on, label=_("Villager's concern received (%(channel)s)") % {
            "channel": concern.get_channel_display()}, matter=ref, actor=actors.get("democracy.concern_recorded", ""),
        url=url, detail=_("%(detail)s · promised by %(date)s: %(promise)s") % {
            "detail": detail, "date": concern.promised_by, "promise": concern.promise})]
    if concern.late:
        steps.append(TimelineStep(when=concern.promised_by + timedelta(days=1),
                                  label=_("The promised date passed without an answer"), matter=ref, url=url,
                                  detail=_("%(detail)s · promised by %(date)s") % {
                                      "detail": detail, "date": concern.promised_by}))
    if concern.answered_on:
        steps.append(TimelineStep(
            when=concern.answered_on, label=_("Answer given to the villager") if not concern.late
            else _("Answer given to the villager, late"), matter=ref,
            actor=actors.get("democracy.concern_answered", ""), url=url, detail=f"{detail} · {concern.answer}"))
    if concern.referred_on:
        steps.append(TimelineStep(when=concern.referred_on, label=_("Passed on as a report, with the villager's "
                                                                    "consent"), matter=ref,
                                  actor=actors.get("democracy.concern_referred", ""), url=url, detail=detail))
    return steps
