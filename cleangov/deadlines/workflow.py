"""How deadlines move, and who hears about an overdue one.

Transitions (read by the actions and the UI):

    open ──tick: due date passed──► overdue ──met late──► met
      │ └────────── met ──────────────────────────────────┘
      └─────────── cancelled ◄── (open or overdue: the clock no longer applies)
"""

from __future__ import annotations

from cleangov.accounts.choices import RoleChoices
from cleangov.orgs.choices import UnitLevelChoices

from .choices import DeadlineStatusChoices as S

# (from, to) → who causes it. The calling module checks its own permission (meeting a report's
# acceptance clock is part of accepting the report), so the table names the trigger, not a role.
DEADLINE_TRANSITIONS: dict[tuple[str, str], str] = {
    (S.OPEN, S.MET): "subject action",
    (S.OVERDUE, S.MET): "subject action (late)",
    (S.OPEN, S.OVERDUE): "tick",
    (S.OPEN, S.CANCELLED): "subject action",
    (S.OVERDUE, S.CANCELLED): "subject action",
}


def can_transition(from_status: str, to_status: str) -> bool:
    return (from_status, to_status) in DEADLINE_TRANSITIONS


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


def escalation_target(unit):
    """(unit that hears about it, roles there) for an overdue deadline of ``unit``."""
    return (unit.parent if unit.parent_id else unit), ESCALATION_ROLES.get(unit.level, ())
