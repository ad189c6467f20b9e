"""Forms of the login, two-factor and security pages. Every label and error is translatable."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's authentication form with field attributes for phones and password managers."""

    error_messages = {
        "invalid_login": _("The username or password is not correct. Note that both are case-sensitive."),
        "inactive": _("This account is inactive."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})
        self.fields["password"].label = _("Password")
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class OwnPasswordForm(PasswordChangeForm):
    """The user's own password change: the old password, the new one twice (AUTH_PASSWORD_VALIDATORS).
    Saved through ``do_change_own_password``, never through the form's own save."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["old_password"].label = _("Current password")
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("New password again")
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget.attrs.update({"autocomplete": "new-password"})

    def save(self, commit=True):  # pragma: no cover - a guard: the view saves through the action
        raise NotImplementedError("save through cleangov.accounts.actions.do_change_own_password")


class TokenField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Six-digit code"))
        kwargs.setdefault("max_length", 8)
        kwargs.setdefault("min_length", 6)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*", "size": 8}
        )

    def clean(self, value):
        value = super().clean(value)
        value = value.replace(" ", "")
        if not value.isdigit() or len(value) != 6:
            raise forms.ValidationError(_("Enter the six digits shown in your authenticator app."))
        return value


class TOTPEnrolForm(forms.Form):
    token = TokenField()
    name = forms.CharField(
        label=_("Device name"),
        max_length=64,
        required=False,
        help_text=_("Optional, e.g. “my phone”, so you can tell your devices apart."),
    )


class TOTPVerifyForm(forms.Form):
    token = TokenField()


class TOTPRemoveForm(forms.Form):
    """Removing the second factor needs a current code, so a borrowed session cannot switch it off."""

    device_id = forms.IntegerField(widget=forms.HiddenInput)
    token = TokenField()
