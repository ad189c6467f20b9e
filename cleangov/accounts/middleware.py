"""Enforce TOTP two-factor authentication for the roles named in TWO_FACTOR_REQUIRED_ROLES."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

# Pages a half-logged-in user must still reach: setting up and entering the second factor.
EXEMPT_URL_NAMES = ("accounts:two_factor_setup", "accounts:two_factor_verify", "accounts:logout", "set_language")


def requires_two_factor(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    required = set(settings.TWO_FACTOR_REQUIRED_ROLES)
    if not required:
        return False
    return user.active_assignments().filter(role__in=required).exists()


class TwoFactorEnforcementMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified():
            exempt = {reverse(name) for name in EXEMPT_URL_NAMES}
            static = request.path.startswith("/" + settings.STATIC_URL.lstrip("/"))
            enrolled = user.totpdevice_set.filter(confirmed=True).exists()
            if request.path not in exempt and not static and (enrolled or requires_two_factor(user)):
                target = "accounts:two_factor_verify" if enrolled else "accounts:two_factor_setup"
                return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)
