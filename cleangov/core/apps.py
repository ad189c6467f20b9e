from django.utils.translation import gettext_lazy as _

from .declarations import AppDeclaration, CleanGovAppConfig, Link, PeriodicJob


class CoreConfig(CleanGovAppConfig):
    name = "cleangov.core"
    label = "core"
    verbose_name = _("Core")

    def declare(self) -> AppDeclaration:
        from .access import AUDIT_TRAIL_ROLES
        from .tasks import recover_dead_tasks_task

        audit = Link("audit", _("Audit trail"), "core:audit_event_list", roles=AUDIT_TRAIL_ROLES, position=80)
        return AppDeclaration(
            nav=(Link("home", _("Home"), "core:home", position=0), audit),
            shortcuts=(audit,),
            event_labels={
                "core.notification_read": _("Notification read"),
                "core.trail_verified": _("Audit trail verified"),
                "core.task_retried": _("Background task retried"),
            },
            # Live workers recover dead tasks between passes; this job is the net under them.
            periodic_jobs=(PeriodicJob("core.recover_tasks", recover_dead_tasks_task),),
        )
