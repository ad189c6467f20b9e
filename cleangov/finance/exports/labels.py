"""Chinese names in the exported files, which are Chinese documents whatever the reader's language.

They are the apps' own labels (``cleangov.finance.choices`` and the dashboards' conformity labels)
translated through the catalog, so the files and the pages use the same words and no name is spelt
out twice.
"""

from __future__ import annotations

from django.db import models
from django.utils import translation

from cleangov.finance.choices import FindingRuleChoices, FindingSeverityChoices, FindingStatusChoices, code_label


def _zh(choices: type[models.TextChoices], code: str) -> str:
    with translation.override("zh-hans"):
        return code_label(choices, code)


def rule_zh(code: str) -> str:
    return _zh(FindingRuleChoices, code)


def status_zh(code: str) -> str:
    return _zh(FindingStatusChoices, code)


def severity_zh(code: str) -> str:
    return _zh(FindingSeverityChoices, code)


def group_zh(code: str) -> str:
    from cleangov.finance.dashboards.models import ExpenseGroupChoices

    return _zh(ExpenseGroupChoices, code)


def conformity_zh(code: str) -> str:
    from cleangov.finance.dashboards.queries import CONFORMITY_LABELS

    with translation.override("zh-hans"):
        return str(CONFORMITY_LABELS.get(code, ""))
