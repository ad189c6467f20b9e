"""Line rules' messages are SQL templates rendered by the engine: the helpers' rounding, NULLs and checks."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from voucher_audit import standards
from voucher_audit.rules._base import Ctx, Msg, label, money_text, per_unit_text

CTX = Ctx(std=standards.load("central", dt.date(2026, 1, 1)))


def _render(msg: Msg, row: str, lang: str = "en") -> str:
    # the SQL is the test's own fixed text, not input
    return duckdb.sql(f"SELECT {msg.sql(CTX, lang)} FROM (SELECT {row}) AS t").fetchall()[0][0]  # noqa: S608


@pytest.mark.parametrize(("amount", "count", "want"), [
    ("0.05", 2, "0.03"),        # 0.025: half up (四舍五入), where a DOUBLE would give 0.02
    ("1000.01", 2, "500.01"),   # 500.005
    ("1000.00", 3, "333.33"),
    ("2.00", 3, "0.67"),
    ("680.00", 1, "680.00"),
    ("12345678901234.56", 7, "1763668414462.08"),
])
def test_per_unit_text_rounds_half_up_in_cents(amount, count, want):
    msg = Msg("{x}", "{x}", lambda ctx: {"x": per_unit_text("a", "n")})
    assert _render(msg, f"CAST('{amount}' AS DECIMAL(18,2)) AS a, {count} AS n") == want


def test_money_text_shows_two_decimals():
    msg = Msg("{x}", "{y}", lambda ctx: {"x": money_text("a"), "y": money_text("b")})
    row = "CAST('0.125' AS DECIMAL(18,3)) AS a, CAST('7' AS DECIMAL(18,0)) AS b"
    assert (_render(msg, row, "zh"), _render(msg, row)) == ("0.13", "7.00")


def test_a_missing_value_shows_as_a_dash_and_text_is_quoted_safely():
    msg = Msg("车牌 {plate}，{d} 的 '单引号'", "plate {plate} on {d}")
    row = "CAST(NULL AS VARCHAR) AS plate, DATE '2025-10-01' AS d"
    assert _render(msg, row, "zh") == "车牌 -，2025-10-01 的 '单引号'"
    assert _render(msg, row) == "plate - on 2025-10-01"


def test_label_shows_unknown_codes_as_they_are():
    msg = Msg("{r}", "{r}", lambda ctx: {"r": label("rank", {"bureau": "司局级"})})
    assert _render(msg, "'bureau' AS rank") == "司局级"
    assert _render(msg, "'county' AS rank") == "county"


@pytest.mark.parametrize("template", ["{amount:.2f}", "{amount!r}", "{0}", "{a.b}"])
def test_a_placeholder_must_be_a_plain_name(template):
    with pytest.raises(ValueError, match="plain name"):
        Msg(template, "x").sql(CTX, "zh")
