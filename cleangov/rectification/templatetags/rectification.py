from django import template

from cleangov.rectification.selectors import is_overdue
from cleangov.rectification.taxonomy import label

register = template.Library()


@register.filter
def problem_type_label(code):
    return label(code)


@register.filter
def overdue(item):
    return is_overdue(item)
