"""Shared machinery of the public portal (everything under ``/public/``): no login, nothing stored
that identifies a visitor.

* :class:`PublicPrivacyMiddleware` runs first. For a ``/public/`` request it removes the visitor's
  address, user agent and referrer from the request before any other code (logging, error reports,
  the lockout tables, a view) can read them, and lets no cookie out except the CSRF token and the
  chosen language (both random or public, neither identifies anyone to the server).
  A repeat read of a page its view marked cacheable is answered there from
  :mod:`cleangov.core.public_cache`, before the rest of the stack.
* :class:`ProofOfWorkField` protects a public form without an outside service and without storing
  an address: the browser solves an ALTCHA proof-of-work challenge signed with a key derived from
  the secret key (``ALTCHA_HMAC_KEY`` in settings); the server checks the signature, the expiry
  and that the challenge is used once.
* :func:`over_rate_limit` is a global budget per form (not per visitor: counting per visitor would
  mean keeping something that identifies them).

Apps put their public pages under ``/public/<their prefix>/`` with templates that extend
``public/base.html``, and list them on the portal's front page through ``AppDeclaration.public_links``
and ``public_panels``.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from django_altcha import AltchaField

from cleangov.core import public_cache

PUBLIC_PREFIX = "/public/"

# Request headers that would tell the server who or where the visitor is. Removed, not masked:
# code that reads them gets nothing.
IDENTIFYING_META = (
    "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_PORT", "HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED",
    "HTTP_CLIENT_IP", "HTTP_TRUE_CLIENT_IP", "HTTP_CF_CONNECTING_IP", "HTTP_USER_AGENT", "HTTP_REFERER",
    "HTTP_FROM", "HTTP_SEC_CH_UA", "HTTP_SEC_CH_UA_MOBILE", "HTTP_SEC_CH_UA_PLATFORM",
)


def is_public_path(path: str) -> bool:
    return path.startswith(PUBLIC_PREFIX)


class PublicPrivacyMiddleware:
    """First in ``MIDDLEWARE``: a public request carries no address, user agent or referrer past here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_public_path(request.path_info):
            return self.get_response(request)
        for key in IDENTIFYING_META:
            request.META.pop(key, None)
        # Django and WSGI code expect REMOTE_ADDR to exist; an unroutable placeholder says "unknown".
        request.META["REMOTE_ADDR"] = "0.0.0.0"  # noqa: S104 - a placeholder, never bound
        request.is_public = True
        response = public_cache.answer(request)
        if response is None:
            response = self.get_response(request)
            public_cache.keep(request, response)
        allowed = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
        for name in [name for name in response.cookies if name not in allowed]:
            del response.cookies[name]
        # A link out must not tell where the reader came from; "no-referrer" would also make browsers send
        # "Origin: null" with the portal's own form posts, which Django's CSRF check refuses. The referrer
        # that same-origin requests still carry is removed above, on arrival.
        response.headers["Referrer-Policy"] = "same-origin"
        return response


class ProofOfWorkField(AltchaField):
    """An ALTCHA proof-of-work on a public form: solved by the browser (the form's only script),
    verified here; a challenge is accepted once (replays are refused through the cache)."""

    default_error_messages = {
        "error": _("The anti-spam check could not be read. Reload the page and try again."),
        "invalid": _("The anti-spam check failed or expired. Reload the page and try again."),
        "required": _("Wait for the anti-spam check to finish (it needs JavaScript), then send again."),
        "replay": _("This form was already sent once. Reload the page to send it again."),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("maxnumber", settings.CLEANGOV_POW_MAX_NUMBER)
        kwargs.setdefault("hidefooter", True)
        kwargs.setdefault("hidelogo", True)
        kwargs.setdefault("label", _("Anti-spam check"))
        super().__init__(*args, **kwargs)


def over_rate_limit(bucket: str, limit: int, window_seconds: int) -> bool:
    """Count one use of ``bucket`` in the current window; True when the window's ``limit`` is passed.

    A budget shared by everyone: it slows a flood of submissions without knowing who sends them.
    """
    window = int(time.time() // window_seconds)
    key = f"cleangov:rate:{bucket}:{window}"
    cache.add(key, 0, timeout=window_seconds * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: start again
        cache.set(key, 1, timeout=window_seconds * 2)
        count = 1
    return count > limit
