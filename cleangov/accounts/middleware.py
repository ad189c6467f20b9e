"""Enforce TOTP two-factor authentication.

A user with a confirmed device must enter a code after the password before reaching any page; a
user holding a role named in TWO_FACTOR_REQUIRED_ROLES is sent to set a device up first.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from cleangov.core.access import has_role

# Pages a half-logged-in user must still reach: setting up and entering the second factor,
# leaving, switching language, and the load balancer's health check.
EXEMPT_URL_NAMES = (
    "accounts:two_factor_setup",
    "accounts:two_factor_verify",
    "accounts:logout",
    "accounts:logout_confirm",
    "accounts:set_language",
    "set_language",
    "core:healthz",
)


def requires_two_factor(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    required = set(settings.TWO_FACTOR_REQUIRED_ROLES)
    if not required:
        return False
    return has_role(user, required)


class TwoFactorEnforcementMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt: set[str] | None = None

    def exempt_paths(self) -> set[str]:
        if self._exempt is None:
            self._exempt = {reverse(name) for name in EXEMPT_URL_NAMES}
        return self._exempt

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified():
            static = request.path.startswith("/" + settings.STATIC_URL.lstrip("/"))
            if request.path not in self.exempt_paths() and not static:
                enrolled = user.totpdevice_set.filter(confirmed=True).exists()
                if enrolled or requires_two_factor(user):
                    target = "accounts:two_factor_verify" if enrolled else "accounts:two_factor_setup"
                    query = urlencode({"next": request.get_full_path()})
                    return redirect(f"{reverse(target)}?{query}")
        return self.get_response(request)
