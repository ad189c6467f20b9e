"""The public outcomes of accountability (no login): only what the decision makes public.

Shown: the public reference, the level and name of the unit concerned, the subject's kind and post
(never a name), the responsibility type, the forms in force, the decision's date and the public summary
the handler wrote (checked at publication for the names of subjects and relatives). Never shown: the
clue, the source matter (and so the reporter), the investigation, statements, team, appeals, relatives.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .models import AccountabilityCase


def _published():
    return AccountabilityCase.objects.exclude(public_reference=None).select_related("unit")


def _outcome(case) -> dict:
    subjects = []
    for subject in case.subjects.select_related("subject_unit"):
        forms = [f.get_form_display() for f in subject.forms.all() if f.revoked_on is None]
        subjects.append({"kind": subject.get_kind_display(), "post": subject.post_title,
                         "unit": subject.subject_unit.name if subject.subject_unit_id else "",
                         "responsibility": subject.get_responsibility_display(), "forms": forms})
    return {"reference": case.public_reference, "unit": case.unit.name, "decided_on": case.decided_on,
            "published_on": case.published_on, "summary": case.public_summary, "subjects": subjects}


@require_GET
def outcomes(request):
    rows = [{"reference": c.public_reference, "unit": c.unit.name, "decided_on": c.decided_on,
             "published_on": c.published_on} for c in _published().order_by("-published_on", "-public_reference")[:200]]
    return render(request, "cases/public_outcomes.html", {"rows": rows})


@require_GET
def outcome(request, reference):
    case = _published().filter(public_reference=reference).first()
    if case is None:
        raise Http404
    return render(request, "cases/public_outcome.html", {"outcome": _outcome(case)})
