"""Login, logout, two-factor authentication (TOTP), the security page and the language switch.

Views stay thin: parse the form, call an action from ``actions.py``, render. The second factor
follows RFC 6238 through django-otp; the QR code is drawn on the server by segno, so no secret
ever leaves the machine for a third-party QR service.
"""

from __future__ import annotations

from base64 import b32encode
from binascii import unhexlify

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from cleangov.core.forms import add_action_errors

from .access import access_totp_device_by_id
from .actions import do_change_own_password, do_enrol_totp_device, do_remove_totp_device, do_set_language
from .forms import LoginForm, OwnPasswordForm, TOTPEnrolForm, TOTPRemoveForm, TOTPVerifyForm
from .middleware import requires_two_factor

PENDING_KEY_SESSION = "cleangov_totp_pending_key"


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def _language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def apply_language(response, language: str) -> None:
    """Make ``language`` the active language of this browser (LocaleMiddleware reads the cookie)."""
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class LoginView(auth_views.LoginView):
    """Django's login view. django-axes counts failures through the authentication backend and
    answers with accounts/locked_out.html once AXES_FAILURE_LIMIT is reached."""

    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "failure_limit": settings.AXES_FAILURE_LIMIT}

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        if user.totpdevice_set.filter(confirmed=True).exists():
            # Go straight to the second factor rather than through the middleware's redirect.
            query = urlencode({"next": self.get_success_url()})
            response = HttpResponseRedirect(f"{reverse('accounts:two_factor_verify')}?{query}")
        if user.preferred_language in _language_codes():
            apply_language(response, user.preferred_language)
        return response


class LogoutView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET), so a link or image cannot log anyone out."""

    http_method_names = ["post", "options"]


def logout_confirm(request):
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    return render(request, "accounts/logout_confirm.html")


@login_required
def security(request):
    devices = list(request.user.totpdevice_set.filter(confirmed=True).order_by("id"))
    form = TOTPRemoveForm()
    if request.method == "POST":
        form = TOTPRemoveForm(request.POST)
        if form.is_valid():
            device = access_totp_device_by_id(request.user, form.cleaned_data["device_id"], action="delete")
            if not device.verify_token(form.cleaned_data["token"]):
                form.add_error("token", _("The code is not correct."))
            else:
                do_remove_totp_device(device, acting_user=request.user)
                messages.success(request, _("Two-factor authentication has been switched off for this device."))
                return redirect("accounts:security")
    return render(request, "accounts/security.html", {
        "devices": devices,
        "remove_form": form,
        "required": requires_two_factor(request.user),
    })


@login_required
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
def password_change(request):
    """The user's own password change. The old password is typed, so whatever is encrypted under it
    (a report handler's key) is carried over in the same transaction."""
    form = OwnPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_change_own_password(request.user, acting_user=request.user,
                                   old_password=form.cleaned_data["old_password"],
                                   new_password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            update_session_auth_hash(request, request.user)  # this browser stays logged in
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:security")
    return render(request, "accounts/password_change.html", {"form": form})


def _qr_svg(config_url: str) -> str:
    # segno renders the SVG from our own otpauth URL: no user HTML reaches mark_safe.
    svg = segno.make(config_url, error="m").svg_inline(scale=5, border=4, dark="#1b1f24", light="#ffffff",
                                                       svgclass="qr", lineclass="qr-line", omitsize=False)
    return mark_safe(svg)  # noqa: S308 - trusted SVG generated by segno


def _grouped_secret(key_hex: str) -> str:
    raw = b32encode(unhexlify(key_hex.encode())).decode()
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))


@login_required
def two_factor_setup(request):
    user = request.user
    has_device = user.totpdevice_set.filter(confirmed=True).exists()
    if has_device and not user.is_verified():
        # A second device may only be added by someone who already passed the first one.
        query = urlencode({"next": reverse("accounts:two_factor_setup")})
        return redirect(f"{reverse('accounts:two_factor_verify')}?{query}")
    key = request.session.get(PENDING_KEY_SESSION)
    if not key:
        key = random_hex(20)
        request.session[PENDING_KEY_SESSION] = key
    form = TOTPEnrolForm()
    if request.method == "POST":
        form = TOTPEnrolForm(request.POST)
        if form.is_valid():
            try:
                device = do_enrol_totp_device(user, acting_user=user, key=key, token=form.cleaned_data["token"],
                                              name=form.cleaned_data["name"])
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                del request.session[PENDING_KEY_SESSION]
                otp_login(request, device)
                messages.success(request, _("Two-factor authentication is on. You will be asked for a code "
                                            "each time you log in."))
                return redirect(_safe_next(request, reverse("accounts:security")))
    preview = TOTPDevice(user=user, key=key)
    return render(request, "accounts/two_factor_setup.html", {
        "form": form,
        "qr_svg": _qr_svg(preview.config_url),
        "secret": _grouped_secret(key),
        "required": requires_two_factor(user),
        "next": _safe_next(request, ""),
    })


@login_required
def two_factor_verify(request):
    user = request.user
    devices = list(user.totpdevice_set.filter(confirmed=True))
    if not devices:
        return redirect("accounts:two_factor_setup")
    if user.is_verified():
        return redirect(_safe_next(request, reverse(settings.LOGIN_REDIRECT_URL)))
    form = TOTPVerifyForm()
    if request.method == "POST":
        form = TOTPVerifyForm(request.POST)
        if form.is_valid():
            device = next((d for d in devices if d.verify_token(form.cleaned_data["token"])), None)
            if device is None:
                form.add_error("token", _("The code is not correct, or too many attempts were made. "
                                          "Wait for the next code and try again."))
            else:
                otp_login(request, device)
                return redirect(_safe_next(request, reverse(settings.LOGIN_REDIRECT_URL)))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request, "")})


@require_POST
def set_language(request):
    """Django's set_language, and for a logged-in user also their saved preference, so the next
    login on another computer opens in the same language."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if user.is_authenticated and language in _language_codes() and user.preferred_language != language:
        do_set_language(user, acting_user=user, language=language)
    return response
