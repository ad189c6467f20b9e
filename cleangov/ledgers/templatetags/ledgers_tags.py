"""Template helpers of the record-book pages."""

from django import template

register = template.Library()


@register.filter
def pct(value) -> str:
    """A 0..1 ratio as a whole percentage ("83%"); "—" when there is nothing to measure."""
    if value is None:
        return "—"
    return f"{round(float(value) * 100)}%"
