from django.utils.translation import gettext_lazy as _

from cleangov.core.declarations import AppDeclaration, CleanGovAppConfig, HomeCard, Link


class DutiesConfig(CleanGovAppConfig):
    name = "cleangov.duties"
    label = "duties"
    verbose_name = _("Clean-government responsibility system")

    def declare(self) -> AppDeclaration:
        from . import demo_data, metrics
        from .access import DUTY_ROLES, LINK_GATES
        from .home import changes, todos

        # "My duties" lists what the user leads: every duty role has one (the duty table of access.py).
        return AppDeclaration(
            link_gates=LINK_GATES,
            todos=todos, changes=changes,
            home_cards=(HomeCard(
                _("Duty lists and letters of responsibility"),
                _("Duties decomposed to named leaders with deadlines and evidence, and signed letters of "
                  "responsibility."),
                "duties:my_duties", DUTY_ROLES),),
            nav=(Link("duties", _("Duties"), "duties:my_duties", roles=DUTY_ROLES),),
            event_labels={
                "duties.keypoints_created": _("Annual key points drafted"),
                "duties.key_point_added": _("Key point added"),
                "duties.keypoints_published": _("Annual key points published"),
                "duties.item_created": _("Duty item created"),
                "duties.item_updated": _("Duty item changed"),
                # duties.item_<target state>, one per transition target of workflow.py
                "duties.item_assigned": _("Duty item assigned"),
                "duties.item_in_progress": _("Duty item in progress"),
                "duties.item_done": _("Duty item reported done"),
                "duties.item_verified": _("Duty item verified"),
                "duties.item_cancelled": _("Duty item cancelled"),
                "duties.item_rolled_down": _("Duty item passed down"),
                "duties.progress_added": _("Progress reported"),
                "duties.letter_created": _("Letter of responsibility drafted"),
                "duties.letter_revised": _("Letter of responsibility revised"),
                "duties.letter_signed": _("Letter of responsibility signed"),
            },
            metrics=metrics.METRICS,
            demo=demo_data.build,
        )
