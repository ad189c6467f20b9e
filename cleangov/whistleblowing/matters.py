"""The report's place in the chain of a matter (core.matters): a report links to nothing of its own
(cases and rectification items link back to it), and tells its dated steps to handlers who may see it."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from cleangov.core.matters import MatterRef, TimelineStep

from .access import visible_reports

KIND = "whistleblowing.report"


def linked_matters(ref: MatterRef):
    return []


def timeline_steps(user, ref: MatterRef):
    if ref.kind != KIND:
        return []
    report = visible_reports(user).filter(pk=ref.pk).first()  # the conflict rule included
    if report is None:
        return []
    url = reverse("whistleblowing:report_detail", args=[report.pk])
    steps = [TimelineStep(report.received_on, _("Report received"), ref, url=url)]
    if report.accepted_on:
        steps.append(TimelineStep(report.accepted_on, _("Report accepted"), ref, url=url))
    if report.closed_on:
        steps.append(TimelineStep(report.closed_on, str(report.get_status_display()), ref, url=url))
    return steps
