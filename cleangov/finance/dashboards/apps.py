from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "cleangov.finance.dashboards"
    label = "finance_dashboards"
    verbose_name = _("Finance dashboards")

    def ready(self) -> None:
        # A finished audit run refreshes the summaries (after its transaction commits), so the
        # first dashboard view after an import does not pay for it.
        from . import signals  # noqa: F401
