"""Read-only questions other parts of the platform ask about cases, through the declaration (apps.py):
periods of effect for appointments and the person page, the links and steps of the matter chain."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cleangov.core.access import conflicted_person_ids, has_role
from cleangov.core.matters import MatterRef, TimelineStep

from .access import VIEW_ROLES, visible_cases
from .choices import CaseStatusChoices
from .models import AccountabilityCase, CaseForm
from .periods import effects_on

CASE_KIND = "cases.accountabilitycase"
# Forms in force once the decision is recorded (a decision takes effect when made; an appeal does
# not suspend it).
DECIDED_STATUSES = (CaseStatusChoices.DECIDED, CaseStatusChoices.DELIVERED, CaseStatusChoices.IMPLEMENTED,
                    CaseStatusChoices.FILED, CaseStatusChoices.CLOSED)


def person_effects(person_id: int, on: datetime.date):
    forms = CaseForm.objects.filter(subject__person_id=person_id, case__status__in=DECIDED_STATUSES)
    return effects_on(forms, on)


def appointment_warnings(person_id: int, on: datetime.date) -> list[str]:
    """One warning per running restriction (declared as ``appointment_checks``)."""
    return [
        _("%(restriction)s until %(ends)s: %(form)s decided on %(starts)s (source: %(source)s; %(status)s).") % {
            "restriction": str(e.restriction_label).capitalize(), "ends": e.ends.isoformat(),
            "form": _form_label(e.form), "starts": e.starts.isoformat(), "source": e.source,
            "status": e.status_label}
        for e in person_effects(person_id, on)
    ]


def _form_label(form: str) -> str:
    from .choices import AccountabilityFormChoices

    return str(AccountabilityFormChoices(form).label)


PANEL_ROLES = VIEW_ROLES | {"sysadmin"}


def person_panel(user, person_id: int) -> dict | None:
    """The periods of effect on a person's page: for the case roles and the administrator who records
    posts, never for the person themselves or a relative (they are the case's excluded subjects)."""
    if not has_role(user, PANEL_ROLES) or person_id in conflicted_person_ids(user):
        return None
    today = timezone.localdate()
    effects = person_effects(person_id, today)
    return {"effects": effects, "today": today}


# --- the matter chain -----------------------------------------------------------------------------
def linked_matters(ref: MatterRef) -> list[MatterRef]:
    if ref.kind == CASE_KIND:
        source = AccountabilityCase.objects.filter(pk=ref.pk).values_list("source_ref", flat=True).first()
        try:
            return [MatterRef.parse(source)] if source else []
        except ValueError:
            return []
    return [MatterRef(CASE_KIND, pk) for pk in
            AccountabilityCase.objects.filter(source_ref=str(ref)).values_list("pk", flat=True)]


STEP_LABELS = {
    "register": gettext_lazy("Case registered"),
    "approve_initiation": gettext_lazy("Initiation approved"),
    "start_investigation": gettext_lazy("Investigation started"),
    "submit_report": gettext_lazy("Investigation report submitted"),
    "deliberate": gettext_lazy("Collectively discussed"),
    "decide": gettext_lazy("Accountability decided"),
    "deliver": gettext_lazy("Decision announced and delivered"),
    "implement": gettext_lazy("Decision implemented"),
    "file": gettext_lazy("Filed to the personal file"),
    "close": gettext_lazy("Case closed"),
    "drop": gettext_lazy("No accountability decided"),
    "appeal_filed": gettext_lazy("Appeal filed"),
    "appeal_upheld": gettext_lazy("Appeal decided: decision upheld"),
    "appeal_changed": gettext_lazy("Appeal decided: decision changed"),
    "appeal_revoked": gettext_lazy("Appeal decided: decision revoked"),
    "corrected": gettext_lazy("Decision corrected"),
    "published": gettext_lazy("Outcome made public"),
}


def step_label(name: str) -> str:
    return str(STEP_LABELS.get(name, name))


def timeline_steps(user, ref: MatterRef) -> list[TimelineStep]:
    """The case's steps for a user who may open the case (conflict rule included); nothing otherwise.
    The public outcome, once published, is a step everyone who sees the case sees with its public link."""
    if ref.kind != CASE_KIND:
        return []
    case = visible_cases(user).filter(pk=ref.pk).first()
    if case is None:
        return []
    url = reverse("cases:case_detail", args=[case.pk])
    steps = []
    for step in case.steps.select_related("actor").order_by("on", "pk"):
        link = url
        if step.name == "published" and case.public_reference:
            link = reverse("cases_public:outcome", args=[case.public_reference])
        steps.append(TimelineStep(when=step.on, label=step_label(step.name), matter=ref,
                                  actor=str(step.actor) if step.actor else "", url=link,
                                  detail=f"{case.reference} {case.title}"))
    return steps
