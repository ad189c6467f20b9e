from django import template

from cleangov.disclosure.presentation import diff_rows

register = template.Library()


@register.filter
def labelled(diff, disclosure):
    """A version's differences with readable line names (see presentation.diff_rows)."""
    return diff_rows(disclosure, diff or [])
