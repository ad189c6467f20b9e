"""Transitions of an assessment run (the only stateful object with steps here).

A run is computed, then published: publication shows the results to the assessed units themselves
(until then only the inspecting bodies see them). Published results are final: adjustments are made
before publication; a correction afterwards is a recomputation, which makes a new run.
"""

from __future__ import annotations

from cleangov.accounts.choices import RoleChoices as R

from .choices import AssessmentRunStatusChoices as S

# (from, to) → roles that may take the step (within the run's scope unit).
RUN_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.COMPUTED, S.PUBLISHED): frozenset({R.COUNTY_COMMISSION, R.COUNTY_LEADER}),
}
ADJUSTABLE_STATUSES = frozenset({S.COMPUTED})
