"""Forms of the organisation pages: unit search and "who held this post on date D"."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import PostTypeChoices


class UnitSearchForm(forms.Form):
    q = forms.CharField(label=_("Search units"), max_length=100, required=False,
                        help_text=_("Name, English name or code"))


class HeldOnForm(forms.Form):
    """The unit page's question "who held post X on date D?" (answered with Post.held_on)."""

    on = forms.DateField(label=_("On date"), required=True, widget=forms.DateInput(attrs={"type": "date"}))
    post_type = forms.ChoiceField(
        label=_("Post"), required=False, choices=[("", _("Any post")), *PostTypeChoices.choices]
    )
