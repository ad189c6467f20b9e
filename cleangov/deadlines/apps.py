from django.utils.translation import gettext_lazy as _

from cleangov.core.declarations import AppDeclaration, CleanGovAppConfig, HomePanel, PeriodicJob


class DeadlinesConfig(CleanGovAppConfig):
    name = "cleangov.deadlines"
    label = "deadlines"
    verbose_name = _("Deadlines")

    def declare(self) -> AppDeclaration:
        from . import demo_data
        from .api import home_panel
        from .tasks import TICK_SCHEDULE_NAME, tick_deadlines_task

        return AppDeclaration(
            home_panels=(HomePanel("deadlines/home_panel.html", home_panel),),
            event_labels={
                "deadlines.calendar_year_loaded": _("Working-day calendar loaded"),
                "deadlines.deadline_created": _("Deadline set"),
                "deadlines.deadline_recomputed": _("Deadline recomputed"),
                "deadlines.deadline_met": _("Deadline met"),
                "deadlines.deadline_cancelled": _("Deadline cancelled"),
                "deadlines.deadline_overdue": _("Deadline overdue"),
            },
            # Mark overdue, notify, escalate: the tick is idempotent, so a late worker catches up.
            periodic_jobs=(PeriodicJob(TICK_SCHEDULE_NAME, tick_deadlines_task),),
            demo=demo_data.build,
        )
