"""Labels for the engine's codes in templates: ``{{ finding.rule|rule_label }}`` instead of ``round_amounts``."""

from django import template

from cleangov.finance.choices import FindingRuleChoices, InvoiceTypeChoices, VoucherCategoryChoices, code_label

register = template.Library()


@register.filter
def rule_label(code):
    return code_label(FindingRuleChoices, code)


@register.filter
def category_label(code):
    return code_label(VoucherCategoryChoices, code)


@register.filter
def invoice_type_label(code):
    return code_label(InvoiceTypeChoices, code)
