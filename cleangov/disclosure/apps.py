from django.utils.translation import gettext_lazy as _

from cleangov.core.declarations import (
    AppDeclaration,
    CleanGovAppConfig,
    HomeCard,
    Link,
    PeriodicJob,
    PublicLink,
    PublicPanel,
)


class DisclosureConfig(CleanGovAppConfig):
    name = "cleangov.disclosure"
    label = "disclosure"
    verbose_name = _("Village-affairs disclosure")

    def declare(self) -> AppDeclaration:
        from . import demo_data, metrics
        from .access import VIEW_ROLES
        from .home import changes, todos
        from .public_views import front_panel
        from .tasks import SCHEDULE_JOB_NAME, schedule_disclosures_task

        return AppDeclaration(
            todos=todos, changes=changes,
            home_cards=(HomeCard(
                _("Village-affairs disclosure"),
                _("The mandatory disclosure catalog with due dates, supervision sign-off and villagers' questions."),
                "disclosure:index", VIEW_ROLES),),
            nav=(Link("disclosure", _("Disclosure"), "disclosure:index", roles=VIEW_ROLES),),
            event_labels={
                "disclosure.schedule_extended": _("Disclosure schedule extended"),
                "disclosure.event_recorded": _("Disclosure event recorded"),
                "disclosure.submitted": _("Disclosure submitted for sign-off"),
                "disclosure.returned": _("Disclosure returned by the supervision committee"),
                "disclosure.published": _("Disclosure signed and published"),
                "disclosure.exemption_requested": _("Disclosure exemption requested"),
                "disclosure.exemption_decided": _("Disclosure exemption decided"),
                "disclosure.question_asked": _("Villager's question asked"),
                "disclosure.question_answered": _("Villager's question answered"),
                "disclosure.question_hidden": _("Villager's question hidden"),
            },
            periodic_jobs=(PeriodicJob(SCHEDULE_JOB_NAME, schedule_disclosures_task),),
            metrics=metrics.METRICS,
            demo=demo_data.build,
            public_panels=(PublicPanel("disclosure/public/_panel.html", front_panel),),
            public_links=(PublicLink(_("Find your village"),
                                     _("What your village has published, what is due and what is late."),
                                     "disclosure_public:search", position=10),),
        )
