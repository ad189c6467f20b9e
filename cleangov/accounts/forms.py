"""Forms of the login, two-factor and security pages. Every label and error is translatable."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
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
