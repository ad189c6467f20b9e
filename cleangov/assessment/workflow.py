"""Transitions of an assessment run (the only stateful object with steps here).

A run is computed, then published: publication shows the results to the assessed units themselves
(until then only the inspecting bodies see them). Published results are final: adjustments are made
before publication; a correction afterwards is a recomputation, which makes a new run.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cleangov.accounts.choices import RoleChoices as R
from cleangov.core.workflow import Transition, Workflow

from .choices import AssessmentRunStatusChoices as S

# Who may take each step: roles within the run's scope unit.
RUN_WORKFLOW = Workflow((
    Transition("publish", (S.COMPUTED,), S.PUBLISHED, _("Publish to the units"),
               roles=frozenset({R.COUNTY_COMMISSION, R.COUNTY_LEADER})),
), states=S, path_field="scope_unit__path")
ADJUSTABLE_STATUSES = frozenset({S.COMPUTED})
