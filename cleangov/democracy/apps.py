from django.utils.translation import gettext_lazy as _

from cleangov.core.declarations import AppDeclaration, CleanGovAppConfig, HomeCard, Link, PeriodicJob, PublicLink


class DemocracyConfig(CleanGovAppConfig):
    name = "cleangov.democracy"
    label = "democracy"
    verbose_name = _("Democratic management")

    def declare(self) -> AppDeclaration:
        from . import demo_data, holds, matters, metrics, references
        from .access import LINK_GATES, VIEW_ROLES
        from .home import changes, todos
        from .tasks import OPEN_REVIEWS_JOB, open_financial_reviews_task

        return AppDeclaration(
            link_gates=LINK_GATES,
            todos=todos, changes=changes,
            home_cards=(HomeCard(
                _("Democratic management"),
                _("Four discussions, two disclosures with quorum checks; one-matter-one-discussion levies within "
                  "their caps; monthly review of vouchers; appraisal of cadres; villagers' concerns."),
                "democracy:index", VIEW_ROLES),),
            nav=(Link("democracy", _("Democracy"), "democracy:index", roles=VIEW_ROLES),),
            public_links=(
                PublicLink(_("Village decisions and their results"),
                           _("Resolutions of the villagers' meetings, what was done, and the village rules."),
                           "democracy_public:villages"),
                PublicLink(_("Rate your village cadres"),
                           _("Vote in the democratic appraisal with the slip you were given. Nobody can tell "
                             "how you voted."), "democracy_public:appraisal"),
                PublicLink(_("Follow your concern"),
                           _("Enter the reference code the liaison cadre gave you to see what has been done."),
                           "democracy_public:concern_follow"),
            ),
            event_labels={
                "democracy.decision_created": _("Village decision drafted"),
                "democracy.decision_proposed": _("Decision proposed by the party branch"),
                "democracy.decision_discussed": _("Decision proposed and discussed (steps merged)"),
                "democracy.decision_resolution_disclosed": _("Resolution disclosed"),
                "democracy.decision_result_disclosed": _("Implementation result disclosed"),
                "democracy.decision_withdrawn": _("Decision withdrawn"),
                "democracy.meeting_passed": _("Meeting recorded: quorum and majority held"),
                "democracy.meeting_failed": _("Meeting recorded: quorum or majority failed"),
                "democracy.levy_created": _("Levy plan drafted"),
                "democracy.levy_approved": _("Levy plan approved by the villagers' meeting"),
                "democracy.levy_township_reviewed": _("Levy plan reviewed by the township"),
                "democracy.levy_county_filed": _("Levy plan filed with the county"),
                "democracy.levy_collecting": _("Levy collection started"),
                "democracy.levy_settled": _("Levy settled and disclosed"),
                "democracy.levy_withdrawn": _("Levy plan withdrawn"),
                "democracy.levy_draft": _("Levy plan returned to the village"),
                "democracy.representatives_meeting_recorded": _("Representatives' meeting recorded"),
                "democracy.review_opened": _("Monthly financial review opened"),
                "democracy.line_passed": _("Voucher line passed"),
                "democracy.line_queried": _("Voucher line queried"),
                "democracy.query_answered": _("Voucher query answered"),
                "democracy.review_completed": _("Monthly financial review completed"),
                "democracy.concern_recorded": _("Villager's concern recorded"),
                "democracy.concern_answered": _("Villager's concern answered"),
                "democracy.concern_referred": _("Concern passed on as a report"),
                "democracy.rule_drafted": _("Village rules drafted"),
                "democracy.rule_filed": _("Village rules adopted and filed"),
                "democracy.rule_published": _("Village rules found lawful and published"),
                "democracy.rule_returned": _("Village rules returned by the township"),
                "democracy.appraisal_created": _("Democratic appraisal prepared"),
                "democracy.slips_issued": _("Voting slips printed"),
                "democracy.appraisal_opened": _("Democratic appraisal opened"),
                "democracy.appraisal_closed": _("Democratic appraisal closed"),
            },
            periodic_jobs=(PeriodicJob(OPEN_REVIEWS_JOB, open_financial_reviews_task),),
            metrics=metrics.METRICS,
            publication_holds=holds.publication_holds,
            reference_rows={references.TABLE: references.resolution_rows},
            timeline_steps=matters.timeline_steps,
            demo=demo_data.build,
        )
