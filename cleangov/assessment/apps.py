from django.utils.translation import gettext_lazy as _

from cleangov.core.declarations import AppDeclaration, CleanGovAppConfig, HomeCard, Link


class AssessmentConfig(CleanGovAppConfig):
    name = "cleangov.assessment"
    label = "assessment"
    verbose_name = _("Inspections and assessments")

    def declare(self) -> AppDeclaration:
        from . import demo_data, setup_data
        from .access import START_ROLES, VIEW_ROLES

        roles = VIEW_ROLES | START_ROLES  # the gate of the run list (views.run_list)
        return AppDeclaration(
            home_cards=(HomeCard(
                _("Year-end assessment"),
                _("Assessment scores computed from the evidence in every module, not from self-reports."),
                "assessment:run_list", roles),),
            nav=(Link("assessment", _("Assessments"), "assessment:run_list", roles=roles),),
            event_labels={
                "assessment.framework_loaded": _("Assessment framework loaded"),
                "assessment.run_computed": _("Assessment computed"),
                "assessment.score_computed": _("Score computed"),
                "assessment.run_published": _("Assessment published"),
                "assessment.score_adjusted": _("Score adjusted"),
                "assessment.finding_recorded": _("Inspection finding recorded"),
            },
            setup=setup_data.run,
            demo=demo_data.build,
        )
