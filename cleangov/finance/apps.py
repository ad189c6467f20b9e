from django.utils.translation import gettext_lazy as _

from cleangov.core.declarations import AppDeclaration, CleanGovAppConfig, HomeCard, HomePanel, Link, PeriodicJob


class FinanceConfig(CleanGovAppConfig):
    name = "cleangov.finance"
    label = "finance"
    verbose_name = _("Finance workspace")

    def declare(self) -> AppDeclaration:
        from . import demo_data, matters, metrics
        from .access import BATCH_VIEW_ROLES, FINDING_VIEW_ROLES, LINK_GATES, RULE_STATS_ROLES
        from .home import changes, home_panel, todos
        from .tasks import expire_staged_uploads_task

        # The workspace's pages answer 404 to every role outside these tables of access.py.
        roles = BATCH_VIEW_ROLES | FINDING_VIEW_ROLES | RULE_STATS_ROLES
        return AppDeclaration(
            link_gates=LINK_GATES,
            home_cards=(HomeCard(
                _("Voucher audit"),
                _("Every voucher line checked against the spending standards; findings explain rule, numbers and "
                  "regulation."),
                "finance:home", roles),),
            nav=(Link("finance", _("Voucher audit"), "finance:home", roles=roles),),
            home_panels=(HomePanel("finance/home_panel.html", home_panel),),
            todos=todos, changes=changes,
            event_labels={
                "finance.profile_set": _("Finance profile set"),
                "finance.column_mapping_set": _("Column mapping set"),
                "finance.batch_imported": _("Voucher batch imported"),
                "finance.batch_superseded": _("Voucher batch superseded"),
                "finance.audit_run_started": _("Voucher audit started"),
                "finance.audit_run_finished": _("Voucher audit finished"),
                "finance.audit_run_failed": _("Voucher audit failed"),
                # finance.finding_<kind>, one per decision kind of actions._decide
                "finance.finding_confirmed": _("Finding confirmed"),
                "finance.finding_dismissed": _("Finding dismissed"),
                "finance.finding_escalated": _("Finding escalated"),
                "finance.finding_commented": _("Finding commented on"),
                "finance.api_token_created": _("API token created"),
                "finance.api_token_revoked": _("API token revoked"),
            },
            metrics=metrics.METRICS,
            timeline_steps=matters.timeline_steps,
            demo=demo_data.build,
            periodic_jobs=(PeriodicJob("finance.expire_staged_uploads", expire_staged_uploads_task),),
        )
