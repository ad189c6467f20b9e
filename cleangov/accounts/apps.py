from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "cleangov.accounts"
    label = "accounts"
    verbose_name = _("Accounts and access")

    def ready(self):
        from cleangov.core.audit_ui import register_event_labels

        register_event_labels({"accounts.user_unlocked": _("Login lockout lifted")})
