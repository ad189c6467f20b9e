"""Template helpers of the record-book pages."""

from decimal import Decimal

from django import template

from cleangov.core.scores import round_score

register = template.Library()


@register.filter
def pct(value) -> str:
    """A 0..1 ratio as a whole percentage ("83%"); "—" when there is nothing to measure."""
    if value is None:
        return "—"
    return f"{round_score(Decimal(str(value)) * 100, 0)}%"
