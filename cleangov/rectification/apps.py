from django.utils.translation import gettext_lazy as _

from cleangov.core.declarations import AppDeclaration, CleanGovAppConfig, HomeCard, Link


class RectificationConfig(CleanGovAppConfig):
    name = "cleangov.rectification"
    label = "rectification"
    verbose_name = _("Rectification")

    def ready(self):
        super().ready()
        from .receivers import connect

        connect()

    def declare(self) -> AppDeclaration:
        from . import demo_data, matters, metrics
        from .access import INDEX_ROLES, LINK_GATES, VIEW_ROLES
        from .home import changes, todos

        return AppDeclaration(
            link_gates=LINK_GATES,
            todos=todos, changes=changes,
            home_cards=(HomeCard(
                _("Rectification"),
                _("Every problem found becomes a rectification item with owner, deadline and evidence; recurrences "
                  "escalate."),
                "rectification:index", INDEX_ROLES),),
            nav=(Link("rectification", _("Rectification"), "rectification:index", roles=INDEX_ROLES),
                 Link("rectification_dashboard", _("Rectification dashboard"), "rectification:dashboard",
                      roles=VIEW_ROLES)),
            event_labels={
                "rectification.item_opened": _("Rectification item opened"),
                "rectification.item_submitted": _("Rectification submitted for verification"),
                # rectification.item_<verb>, one per handler step of workflow.py
                "rectification.item_reject": _("Rectification evidence rejected"),
                "rectification.item_verify": _("Rectification verified"),
                "rectification.item_close": _("Rectification item closed"),
                "rectification.item_cancel": _("Rectification item cancelled"),
                "rectification.repayment_recorded": _("Repayment recorded"),
                "rectification.handler_recused": _("Handler recused from a rectification item"),
            },
            metrics=metrics.METRICS,
            linked_matters=matters.linked_matters,
            timeline_steps=matters.timeline_steps,
            demo=demo_data.build,
        )
