"""Every code of the voucher audit engine has a label in both languages, and pages show labels.

The engine (voucher_audit) names rules, expense categories and invoice types by code; the finance
app declares their labels (``cleangov.finance.choices``), translated through the catalog. A new
rule, category or invoice type without a label fails here.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from cleangov.finance.choices import FindingRuleChoices, InvoiceTypeChoices, VoucherCategoryChoices
from cleangov.finance.exports.labels import rule_zh, status_zh
from tests.support.finance import make_sample_finding
from voucher_audit.rules import RULES
from voucher_audit.schema import ENUMS

CASES = [
    ("rule", FindingRuleChoices, list(RULES)),
    ("category", VoucherCategoryChoices, list(ENUMS["category"])),
    ("invoice type", InvoiceTypeChoices, list(ENUMS["invoice_type"])),
]


@pytest.mark.parametrize(("what", "choices", "codes"), CASES, ids=[c[0] for c in CASES])
def test_every_engine_code_has_a_label_in_both_languages(what, choices, codes):
    assert set(choices.values) == set(codes), f"{what}: labels and engine codes differ"
    for code in codes:
        with translation.override("en"):
            english = str(choices(code).label)
        with translation.override("zh-hans"):
            chinese = str(choices(code).label)
        assert english and english != code, f"{what} {code} has no English label"
        assert chinese != english and not chinese.isascii(), f"{what} {code} has no Chinese label in the catalog"


def test_rule_labels_are_the_engine_titles():
    # The engine's title is the English wording of the rule; the app's label must not drift from it.
    for rule_id, rule in RULES.items():
        with translation.override("en"):
            assert str(FindingRuleChoices(rule_id).label) == rule.title


def test_exports_use_the_same_labels_as_the_pages():
    with translation.override("zh-hans"):
        assert rule_zh("round_amounts") == str(FindingRuleChoices.ROUND_AMOUNTS.label) == "整数金额比例过高"
    assert rule_zh("not_a_rule") == "not_a_rule"
    assert status_zh("open") != "open"


@pytest.mark.django_db
def test_the_finding_list_filters_by_rule_and_category_from_select_boxes(county, login):
    finding = make_sample_finding(county.villages["a"])  # an IOU on an office-supplies line
    client = login(county.persona("county_commission"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"  # finance tests read English by default
    url = reverse("finance:finding_list")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<select name="rule"' in page and '<select name="category"' in page
    assert "白条入账" in page and "办公费" in page  # the labels, in the options and in the row
    assert f'href="/finance/findings/{finding.pk}/"' in client.get(url, {"category": "office"}).content.decode()
    assert f'href="/finance/findings/{finding.pk}/"' not in client.get(url, {"category": "meeting"}).content.decode()
    assert f'href="/finance/findings/{finding.pk}/"' in client.get(url, {"rule": "iou_receipt"}).content.decode()
