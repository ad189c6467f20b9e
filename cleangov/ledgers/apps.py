from django.utils.translation import gettext_lazy as _

from cleangov.core.declarations import (
    AppDeclaration,
    CleanGovAppConfig,
    HomeCard,
    Link,
    PeriodicJob,
    PublicUnitPanel,
)


class LedgersConfig(CleanGovAppConfig):
    name = "cleangov.ledgers"
    label = "ledgers"
    verbose_name = _("Record books")

    def declare(self) -> AppDeclaration:
        from . import demo_data, metrics, public, setup_data
        from .access import LINK_GATES, VIEW_ROLES
        from .home import changes
        from .tasks import CHECKPOINT_SCHEDULE_NAME, create_ledger_checkpoints_task

        return AppDeclaration(
            link_gates=LINK_GATES,
            changes=changes,
            home_cards=(HomeCard(
                _("Record books"),
                _("Record books kept as things happen, with server-recorded entry times and late entries exposed."),
                "ledgers:index", VIEW_ROLES),),
            nav=(Link("ledgers", _("Record books"), "ledgers:index", roles=VIEW_ROLES),),
            event_labels={
                "ledgers.kind_version_created": _("Record-book kind version created"),
                "ledgers.kind_active_changed": _("Record-book kind switched on or off"),
                "ledgers.entry_recorded": _("Record-book entry recorded"),
                "ledgers.entry_revised": _("Record-book entry revised"),
                "ledgers.entries_bulk_recorded": _("Record-book entries recorded in bulk"),
                "ledgers.signing_key_created": _("Signing key created"),
                "ledgers.checkpoint_signed": _("Monthly checkpoint signed"),
            },
            # The monthly checkpoints are signed by the worker too, so a county running only
            # `cleangov worker` still publishes them (the task catches up, idempotently).
            periodic_jobs=(PeriodicJob(CHECKPOINT_SCHEDULE_NAME, create_ledger_checkpoints_task),),
            metrics=metrics.METRICS,
            public_unit_panels=(PublicUnitPanel("ledgers/public/_checkpoints.html", public.checkpoint_panel),),
            setup=setup_data.run,
            demo=demo_data.build,
        )
