"""The review workflow of a finding, declared once: actions, access gates and templates read this table.

An escalated finding is decided by the county commission only: escalation hands the matter one level
up (township discipline staff → county discipline commission, 问责条例 2019 Art. 4: the discipline
commission holds the 监督专责).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cleangov.accounts.choices import RoleChoices as R
from cleangov.core.workflow import Transition, Workflow, available_transitions

from .choices import FindingStatusChoices as S

_TOWNSHIP_OR_COUNTY = frozenset({R.TOWNSHIP_DISCIPLINE, R.COUNTY_COMMISSION})
_COUNTY = frozenset({R.COUNTY_COMMISSION})

# Every review step needs a reason: it is the finding's record of why it was decided so.
FINDING_WORKFLOW = Workflow((
    Transition("confirm", (S.OPEN,), S.CONFIRMED, _("Confirm"), roles=_TOWNSHIP_OR_COUNTY, needs_reason=True),
    Transition("dismiss", (S.OPEN,), S.DISMISSED, _("Dismiss as a false positive"), roles=_TOWNSHIP_OR_COUNTY,
               needs_reason=True),
    Transition("escalate", (S.OPEN,), S.ESCALATED, _("Escalate to the county"),
               roles=frozenset({R.TOWNSHIP_DISCIPLINE}), needs_reason=True),
    Transition("confirm", (S.ESCALATED,), S.CONFIRMED, _("Confirm"), roles=_COUNTY, needs_reason=True),
    Transition("dismiss", (S.ESCALATED,), S.DISMISSED, _("Dismiss as a false positive"), roles=_COUNTY,
               needs_reason=True),
), states=S, path_field="unit__path")


def allowed_transitions(finding, user):
    """Steps the user may take on the finding now (their role must cover the finding's unit)."""
    return available_transitions(FINDING_WORKFLOW, user, finding)
