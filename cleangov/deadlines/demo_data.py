"""Demo deadlines: a few clocks per level of the tree, some met, some open, some overdue.

Subjects are the units themselves (the modules whose objects will carry real clocks — disclosure,
reports, rectification — add their own in their demo data). The tick runs at the end, so the
overdue ones have notified their assignees and escalated one level up, as in real life.
"""

from __future__ import annotations

from datetime import timedelta

from cleangov.accounts.models import RoleAssignment
from cleangov.orgs.choices import UnitLevelChoices as Level
from cleangov.orgs.models import Unit

from .actions import do_create_deadline, do_meet_deadline
from .tick import run_tick

# Met clocks come before open ones of the same rule and subject: one open clock per rule and subject.
# (rule, title, level of the unit, role of the assignee, working days, start: days before today, met?)
DEMO_CLOCKS = [
    ("disclosure.quarterly_financial", "第二季度财务公开", Level.VILLAGE, "village_secretary", 10, 120, True),
    ("disclosure.quarterly_financial", "第三季度财务公开", Level.VILLAGE, "village_secretary", 10, 40, False),
    ("questions.reply", "答复村民关于道路修缮款的询问", Level.VILLAGE, "committee_director", 5, 3, False),
    ("reports.acceptance", "检举控告受理（5个工作日）", Level.TOWNSHIP, "township_discipline", 5, 2, False),
    ("rectification.completion", "巡察反馈问题整改", Level.TOWNSHIP, "township_secretary", 20, 60, False),
    ("rectification.completion", "审计发现问题整改", Level.DEPARTMENT, "department_head", 15, 50, True),
    ("duties.letter_signing", "签订年度党风廉政建设责任书", Level.DEPARTMENT, "department_head", 10, 30,
     False),
]


def _assignee_and_unit(context, role: str, level: str):
    """The demo user of ``role`` and a unit of ``level`` inside that user's scope."""
    user = context.users.get(role)
    units = Unit.objects.filter(path__startswith=context.county.path, level=level).order_by("path")
    if user is not None:
        assignment = RoleAssignment.objects.filter(user=user, role=role).select_related("unit").first()
        if assignment is not None:
            scoped = units.filter(path__startswith=assignment.unit.path)
            if scoped.exists():
                return user, scoped.first()
    return user, units.first()


def build(context) -> None:
    created = met = 0
    for rule, title, level, role, workdays, days_ago, is_met in DEMO_CLOCKS:
        assignee, unit = _assignee_and_unit(context, role, level)
        if unit is None:
            continue
        start = context.today - timedelta(days=days_ago)
        deadline = do_create_deadline(
            acting_user=context.system_user, subject=unit, rule=rule, title=title, unit=unit, start=start,
            workdays=workdays, assignee=assignee,
        )
        created += 1
        if is_met:
            do_meet_deadline(deadline, acting_user=context.system_user)
            met += 1
    summary = run_tick(today=context.today, acting_user=context.system_user)
    context.log(
        f"deadlines: {created} clocks ({met} met, {summary.marked_overdue} overdue and escalated "
        f"with {summary.escalation_notices} escalation notices)"
    )
