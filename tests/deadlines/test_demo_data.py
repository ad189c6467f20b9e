"""The deadlines demo contribution: realistic clocks, some met, some open, some overdue and escalated."""

import random
from datetime import date

from cleangov.core.demo import DemoContext
from cleangov.core.models import Notification
from cleangov.deadlines import demo_data
from cleangov.deadlines.choices import DeadlineStatusChoices as S
from cleangov.deadlines.models import Deadline


def test_demo_deadlines(county):
    users = {role: county.persona(role, "a") for role, side in county.users if side == "a"}
    lines = []
    context = DemoContext(county=county.county, system_user=None, rng=random.Random(1), today=date(2025, 11, 20),
                          users=users, log=lines.append)
    demo_data.build(context)
    statuses = sorted(Deadline.objects.values_list("status", flat=True))
    assert statuses.count(S.MET) == 2
    assert statuses.count(S.OPEN) >= 2 and statuses.count(S.OVERDUE) >= 2
    for deadline in Deadline.objects.select_related("assignee", "unit"):
        # Each clock sits in its assignee's scope, so the assignee's home page shows it.
        assert deadline.unit.path.startswith(deadline.assignee.role_assignments.first().unit.path)
    overdue = Deadline.objects.filter(status=S.OVERDUE)
    assert all(d.escalated_to_id for d in overdue)
    assert Notification.objects.filter(kind="deadline.escalated").exists()
    assert lines and lines[0].startswith("deadlines: 7 clocks (2 met,")
