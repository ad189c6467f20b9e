from django.utils.translation import gettext_lazy as _

from cleangov.core.declarations import AppDeclaration, CleanGovAppConfig, HomeCard, Link, PersonPanel, PublicLink


class CasesConfig(CleanGovAppConfig):
    name = "cleangov.cases"
    label = "cases"
    verbose_name = _("Accountability cases")

    def ready(self):
        from cleangov.core.signals import case_requested

        from .receivers import register_requested_case

        case_requested.connect(register_requested_case, dispatch_uid="cases.register_requested_case")

    def declare(self) -> AppDeclaration:
        from . import demo_data, selectors
        from .access import VIEW_ROLES
        from .home import changes, todos

        return AppDeclaration(
            todos=todos, changes=changes,
            home_cards=(HomeCard(
                _("Accountability cases"),
                _("A staged accountability workflow with the regulation's forms, time limits and appeals."),
                "cases:index", VIEW_ROLES),),
            nav=(Link("cases", _("Accountability"), "cases:index", roles=VIEW_ROLES),),
            event_labels={
                "cases.case_registered": _("Accountability case registered"),
                "cases.subject_added": _("Subject added to a case"),
                "cases.statement_recorded": _("Subject's statement and defence recorded"),
                "cases.member_added": _("Case team member added"),
                "cases.recusal_recorded": _("Recusal from a case recorded"),
                # cases.case_<target state>, one per transition target of workflow.py
                "cases.case_initiated": _("Case initiation approved"),
                "cases.case_investigating": _("Case investigation started"),
                "cases.case_reported": _("Case investigation report submitted"),
                "cases.case_deliberated": _("Case collectively discussed"),
                "cases.case_decided": _("Accountability decided"),
                "cases.case_delivered": _("Accountability decision delivered"),
                "cases.case_implemented": _("Accountability decision implemented"),
                "cases.case_filed": _("Accountability decision filed"),
                "cases.case_closed": _("Accountability case closed"),
                "cases.case_dropped": _("No accountability decided"),
                "cases.appeal_filed": _("Appeal against an accountability decision filed"),
                "cases.appeal_upheld": _("Appeal decided: decision upheld"),
                "cases.appeal_changed": _("Appeal decided: decision changed"),
                "cases.appeal_revoked": _("Appeal decided: decision revoked"),
                "cases.decision_corrected": _("Accountability decision corrected"),
                "cases.outcome_published": _("Accountability outcome made public"),
            },
            public_links=(PublicLink(_("Accountability outcomes"),
                                     _("Decisions of accountability made public, without personal details."),
                                     "cases_public:outcomes"),),
            linked_matters=selectors.linked_matters,
            timeline_steps=selectors.timeline_steps,
            appointment_checks=selectors.appointment_warnings,
            person_panels=(PersonPanel("cases/_person_panel.html", selectors.person_panel),),
            demo=demo_data.build,
        )
