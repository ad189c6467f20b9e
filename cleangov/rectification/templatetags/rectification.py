from django import template

from ..selectors import is_overdue
from ..taxonomy import label

register = template.Library()


@register.filter
def problem_type_label(code):
    return label(code)


@register.filter
def overdue(item):
    return is_overdue(item)
