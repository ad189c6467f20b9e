"""A sixth app for tests, plugged in the documented way (docs/development/app-declaration.md): this
folder, one line in INSTALLED_APPS and one in the URL root (tests/sixth_app/root_urls.py). No file of
core is edited for it to reach the home page, the navigation, the worker, the audit trail's labels,
the metrics registry, setup and the demo."""

from cleangov.core.declarations import AppDeclaration, CleanGovAppConfig, HomeCard, HomePanel, Link, PeriodicJob


class SixthAppConfig(CleanGovAppConfig):
    name = "tests.sixth_app"
    label = "sixth_app"
    verbose_name = "Sixth app"

    def declare(self) -> AppDeclaration:
        from . import views
        from .access import VIEW_ROLES
        from .tasks import sweep_task

        return AppDeclaration(
            home_cards=(HomeCard("Wells register", "Every village well with its last inspection.", "sixth_app:index",
                                 VIEW_ROLES),),
            nav=(Link("sixth_app", "Wells", "sixth_app:index", roles=VIEW_ROLES),),
            home_panels=(HomePanel("sixth_app/panel.html", views.panel),),
            event_labels={"sixth_app.well_inspected": "Well inspected"},
            periodic_jobs=(PeriodicJob("sixth_app.sweep", sweep_task),),
            metrics={"sixth_app.wells": views.WELLS_METRIC},
            setup=views.setup,
            demo=views.demo,
            masked_fields=lambda user: frozenset({"gps"}),
        )
