"""The one rounding rule for every score and ratio CleanGov shows or ranks by: halves round up
(四舍五入), on exact decimals, so 58/64 = 0.90625 is 90.63 everywhere.

Python's ``round`` and ``Decimal.quantize`` without a rounding mode round halves to even
(90.62); two modules rounding the same ratio two ways gave two scores for one fact, so every
metric, indicator score and ranking value goes through this module instead.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

RATIO_PLACES = 4  # a metric's ratio (0.9063) keeps two places more than the score it becomes (90.63)


def round_score(value, places: int = 2) -> Decimal:
    """``value`` rounded half up to ``places`` decimals; floats go through their shortest repr."""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def ratio(numerator, denominator, places: int = RATIO_PLACES) -> Decimal | None:
    """numerator / denominator rounded half up (None when the denominator is zero)."""
    if not denominator:
        return None
    return round_score(Decimal(numerator) / Decimal(denominator), places)
