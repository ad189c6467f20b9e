"""Template helpers of the organisation pages."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def local_name(unit) -> str:
    """The unit's name in the page's language (English name when the page is English and one exists)."""
    if unit is None:
        return ""
    return unit.display_name(get_language())
