"""Whole public pages answered before the middleware stack.

A village's public page is the same for every reader of one language, and a county's phones read it
far more often than it changes. A view that says so (:func:`cacheable`) has its whole response kept
for a short time; the portal's first middleware (``PublicPrivacyMiddleware``) answers the next GET of
the same address in the same language from here, so a repeat read runs no other middleware, no view,
no query and no template. The headers the other layers set (security, language, CSP, frame options)
were recorded from the first answer and are replayed as they were.

The only part of a page that differs per reader is the CSRF token of the language switcher. Pages keep
a placeholder there; a hit fills it from the reader's own CSRF cookie through Django's ``get_token``.
A reader without a well-formed cookie is not answered from here: the whole stack runs once and sets it.

Nothing about the reader is part of a key: the address and the negotiated language only.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.utils.translation import get_language_from_request

CSRF_PLACEHOLDER = "@@cleangov-csrf@@"
_PLACEHOLDER = CSRF_PLACEHOLDER.encode()
_ALLOWED = frozenset(CSRF_ALLOWED_CHARS)


def cacheable(response: HttpResponse, page: str, seconds: int) -> HttpResponse:
    """Mark a view's answer as the same for every reader for ``seconds``. ``page`` is its body with
    :data:`CSRF_PLACEHOLDER` where the reader's token goes (the response itself carries the token)."""
    response.public_page = (page.encode(response.charset), seconds)
    return response


def _key(language: str, full_path: str) -> str:
    return f"cleangov:public:response:{language}:{full_path}"


def forget(path: str) -> None:
    """Drop the kept answers of ``path`` in every language (a page under a query string expires alone)."""
    cache.delete_many([_key(language, path) for language, _name in settings.LANGUAGES])


def _served_here(request) -> bool:
    # An insecure request that must be redirected to HTTPS goes through SecurityMiddleware.
    return request.method == "GET" and (request.is_secure() or not settings.SECURE_SSL_REDIRECT)


def answer(request) -> HttpResponse | None:
    """The kept answer for this request, with the reader's token filled in, or None."""
    if not _served_here(request):
        return None
    request.get_host()  # an unknown Host is refused (400) here as it would be by the stack
    entry = cache.get(_key(get_language_from_request(request), request.get_full_path()))
    if entry is None:
        return None
    status, headers, body = entry
    if _PLACEHOLDER in body:
        secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
        if len(secret) != CSRF_SECRET_LENGTH or not _ALLOWED.issuperset(secret):
            return None
        request.META["CSRF_COOKIE"] = secret  # what CsrfViewMiddleware would have read from the cookie
        body = body.replace(_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(body, status=status, headers=headers)
    response.headers["Content-Length"] = str(len(body))
    return response


def keep(request, response) -> None:
    """Keep ``response`` for the next readers if its view marked it :func:`cacheable`."""
    marked = getattr(response, "public_page", None)
    if marked is None or response.status_code != 200 or not _served_here(request):
        return
    language = get_language_from_request(request)
    if response.headers.get("Content-Language") != language:  # negotiated differently: do not guess
        return
    body, seconds = marked
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    cache.set(_key(language, request.get_full_path()), (response.status_code, headers, body), seconds)
