from django.utils.translation import gettext_lazy as _

from cleangov.core.declarations import AppDeclaration, CleanGovAppConfig, Link, PeriodicJob


class DeadlinesConfig(CleanGovAppConfig):
    name = "cleangov.deadlines"
    label = "deadlines"
    verbose_name = _("Deadlines")

    def declare(self) -> AppDeclaration:
        from . import demo_data
        from .access import UNREACHED_VIEW_ROLES
        from .home import changes, todos
        from .tasks import TICK_SCHEDULE_NAME, tick_deadlines_task

        return AppDeclaration(
            # The user's clocks are lines of the home page's "To do today" (core.todo).
            todos=todos, changes=changes,
            # The county commission and township discipline staff see the clocks that reach nobody.
            nav=(Link("deadlines", _("Clocks nobody receives"), "deadlines:unreached", roles=UNREACHED_VIEW_ROLES,
                      position=60),),
            event_labels={
                "deadlines.calendar_year_loaded": _("Working-day calendar loaded"),
                "deadlines.deadline_created": _("Deadline set"),
                "deadlines.deadline_recomputed": _("Deadline recomputed"),
                "deadlines.deadline_met": _("Deadline met"),
                "deadlines.deadline_cancelled": _("Deadline cancelled"),
                "deadlines.deadline_overdue": _("Deadline overdue"),
                "deadlines.deadline_escalated": _("Overdue deadline escalated"),
                "deadlines.escalation_unreached": _("Escalation reached nobody"),
            },
            # Mark overdue, notify, escalate: the tick is idempotent, so a late worker catches up.
            periodic_jobs=(PeriodicJob(TICK_SCHEDULE_NAME, tick_deadlines_task),),
            demo=demo_data.build,
        )
