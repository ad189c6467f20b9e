"""One rounding rule for every score: halves round up (四舍五入), whatever module computes it."""

from decimal import Decimal

import pytest

from cleangov.assessment.compute import final_score
from cleangov.core.scores import ratio, round_score
from cleangov.duties.metrics import _ratio as duty_ratio
from cleangov.finance.dashboards.queries import risk_score
from cleangov.ledgers.metrics import _ratio as ledger_ratio

# (value, places, expected): the specification, written out by hand.
HALF_UP = [
    (Decimal("90.625"), 2, Decimal("90.63")),
    (Decimal("90.615"), 2, Decimal("90.62")),
    (Decimal("0.90625"), 4, Decimal("0.9063")),
    (Decimal("0.90615"), 4, Decimal("0.9062")),
    (Decimal("-2.345"), 2, Decimal("-2.35")),
    (2.675, 2, Decimal("2.68")),  # the float 2.675 is 2.67499… in binary; its shortest repr is what was meant
    (Decimal("12.5"), 0, Decimal("13")),
]


@pytest.mark.parametrize(("value", "places", "expected"), HALF_UP)
def test_round_score_rounds_halves_up(value, places, expected):
    assert round_score(value, places) == expected


def test_58_of_64_is_90_63_in_every_module():
    assert ratio(58, 64) == Decimal("0.9063")
    assert ledger_ratio(58, 64) == Decimal("0.9063")
    assert duty_ratio(58, 64) == Decimal("0.9063")
    assert round_score(Decimal(58) / Decimal(64) * 100) == Decimal("90.63")
    assert final_score(Decimal("90.625"), Decimal(0)) == Decimal("90.63")
    # 1000 × 1 / 8 = 125, plus 100 × 0.45125 / 1 = 45.125 → 170.13 (not 170.12)
    assert risk_score(1, Decimal("0.45125"), 8, Decimal(1)) == 170.13


def test_ratio_of_nothing_is_none():
    assert ratio(0, 0) is None


def test_percentages_on_record_book_pages_round_halves_up():
    from cleangov.ledgers.templatetags.ledgers_tags import pct

    assert (pct(Decimal("0.625")), pct(Decimal("0.9063")), pct(None)) == ("63%", "91%", "—")
