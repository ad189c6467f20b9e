"""How deadlines move, and who hears about an overdue one.

Transitions (read by the actions and the UI):

    open ──tick: due date passed──► overdue ──met late──► met
      │ └────────── met ──────────────────────────────────┘
      └─────────── cancelled ◄── (open or overdue: the clock no longer applies)
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cleangov.accounts.choices import RoleChoices
from cleangov.core.workflow import Transition, Workflow
from cleangov.orgs.choices import UnitLevelChoices

from .choices import DeadlineStatusChoices as S

# Who causes each step. No role takes them: the tick marks a clock overdue, and the subject's own
# action meets or cancels it (meeting a report's acceptance clock is part of accepting the report),
# so the calling module checks its own permission and the table names the trigger as a capability.
DEADLINE_WORKFLOW = Workflow((
    Transition("meet", (S.OPEN, S.OVERDUE), S.MET, _("Mark as met"), capability="subject"),
    Transition("overdue", (S.OPEN,), S.OVERDUE, _("Mark as overdue"), capability="tick"),
    Transition("cancel", (S.OPEN, S.OVERDUE), S.CANCELLED, _("Cancel"), capability="subject"),
), states=S)


def can_transition(from_status: str, to_status: str) -> bool:
    return DEADLINE_WORKFLOW.between(from_status, to_status) is not None


# Escalation one level up the organisation tree. Key: the level of the deadline's unit. Value: the
# roles that receive the escalation notice on the unit's parent (for the county, which has no
# parent, on the county itself). Why these roles: the party committee holds the 主体责任 and its
# discipline commission the 监督专责 (问责条例 2019, Art. 4), and responsibility runs "一级抓一级、
# 层层抓落实" (中发〔2010〕19号, Art. 5); so a village's missed clock goes to the township's party
# secretary (first responsible person) and discipline secretary, a township's or county department's
# to the county discipline commission and county leaders, and the county's own to the county
# discipline commission. A villager group's goes to its village's secretary and committee director.
# Counties that organise differently change this table, not code.
ESCALATION_ROLES: dict[str, tuple[str, ...]] = {
    UnitLevelChoices.GROUP: (RoleChoices.VILLAGE_SECRETARY, RoleChoices.COMMITTEE_DIRECTOR),
    UnitLevelChoices.VILLAGE: (RoleChoices.TOWNSHIP_SECRETARY, RoleChoices.TOWNSHIP_DISCIPLINE),
    UnitLevelChoices.TOWNSHIP: (RoleChoices.COUNTY_COMMISSION, RoleChoices.COUNTY_LEADER),
    UnitLevelChoices.DEPARTMENT: (RoleChoices.COUNTY_COMMISSION, RoleChoices.COUNTY_LEADER),
    UnitLevelChoices.COUNTY: (RoleChoices.COUNTY_COMMISSION,),
}


def escalation_target(unit, rule: str = ""):
    """(unit that hears about it, roles there) for an overdue deadline of ``unit``; an app may declare
    its own table for a rule whose matter only some supervisors may read (core.declarations)."""
    from cleangov.core.declarations import escalation_roles

    table = (escalation_roles(rule) if rule else None) or ESCALATION_ROLES
    return (unit.parent if unit.parent_id else unit), table.get(unit.level, ())
