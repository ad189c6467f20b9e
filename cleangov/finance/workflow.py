"""The review workflow of a finding, declared once: actions and templates read this table.

An escalated finding is decided by the county commission only: escalation hands the matter one level
up (docs/design.md §3, township discipline staff → county discipline commission).
"""

from __future__ import annotations

from dataclasses import dataclass

from cleangov.accounts.choices import RoleChoices as R

from .choices import FindingStatusChoices as S


@dataclass(frozen=True)
class Transition:
    verb: str  # confirm | dismiss | escalate
    source: str
    target: str
    roles: frozenset[str]


TRANSITIONS: tuple[Transition, ...] = (
    Transition("confirm", S.OPEN, S.CONFIRMED, frozenset({R.TOWNSHIP_DISCIPLINE, R.COUNTY_COMMISSION})),
    Transition("dismiss", S.OPEN, S.DISMISSED, frozenset({R.TOWNSHIP_DISCIPLINE, R.COUNTY_COMMISSION})),
    Transition("escalate", S.OPEN, S.ESCALATED, frozenset({R.TOWNSHIP_DISCIPLINE})),
    Transition("confirm", S.ESCALATED, S.CONFIRMED, frozenset({R.COUNTY_COMMISSION})),
    Transition("dismiss", S.ESCALATED, S.DISMISSED, frozenset({R.COUNTY_COMMISSION})),
)
VERBS = ("confirm", "dismiss", "escalate")


def transition_for(status: str, verb: str) -> Transition | None:
    return next((t for t in TRANSITIONS if t.source == status and t.verb == verb), None)


def allowed_verbs(finding, user) -> list[str]:
    """Verbs the user may apply to the finding now (their role must cover the finding's unit)."""
    from cleangov.core.access import scope_q

    out = []
    for t in TRANSITIONS:
        if t.source != finding.status:
            continue
        if type(finding).objects.filter(pk=finding.pk).filter(
                scope_q(user, roles=t.roles, path_field="unit__path")).exists():
            out.append(t.verb)
    return out
