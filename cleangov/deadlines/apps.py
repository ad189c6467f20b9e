from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "cleangov.deadlines"
    label = "deadlines"
    verbose_name = _("Deadlines")

    def ready(self):
        from cleangov.core.audit_ui import register_event_labels

        register_event_labels({
            "deadlines.deadline_escalated": _("Overdue deadline escalated"),
            "deadlines.escalation_unreached": _("Escalation reached nobody"),
        })
