from django.utils.translation import gettext_lazy as _

from cleangov.core.declarations import EVERYONE, AppDeclaration, CleanGovAppConfig, Link


class AccountsConfig(CleanGovAppConfig):
    name = "cleangov.accounts"
    label = "accounts"
    verbose_name = _("Accounts and access")

    def ready(self):
        from django.db.models.signals import post_save

        from .actions import announce_password_change
        from .models import User

        post_save.connect(announce_password_change, sender=User, dispatch_uid="accounts.announce_password_change")

    def declare(self) -> AppDeclaration:
        return AppDeclaration(
            # Everyone manages their own password and two-factor devices, with or without a role.
            nav=(Link("security", _("Security"), "accounts:security", roles=EVERYONE, position=90),),
            event_labels={
                "accounts.user_created": _("User created"),
                "accounts.user_updated": _("User changed"),
                "accounts.password_set": _("Password set"),
                "accounts.password_changed": _("Password changed by the user"),
                "accounts.role_assigned": _("Role assigned"),
                "accounts.role_revoked": _("Role revoked"),
                "accounts.language_set": _("Language chosen"),
                "accounts.totp_device_enrolled": _("Two-factor device enrolled"),
                "accounts.totp_device_removed": _("Two-factor device removed"),
                "accounts.user_unlocked": _("Login lockout lifted"),
            },
        )
