"""The province's caps on one-matter-one-discussion levies (cleangov/data/democracy/levy_caps.yaml)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

CAPS_FILE = Path(__file__).resolve().parent.parent / "data" / "democracy" / "levy_caps.yaml"


@dataclass(frozen=True)
class LevyCaps:
    cash_per_person_year: Decimal
    workdays_per_labourer_year: Decimal
    sources: tuple[str, ...]


@functools.cache
def levy_caps(province: str = "") -> LevyCaps:
    data = yaml.safe_load(CAPS_FILE.read_text(encoding="utf-8"))
    row = {**data["default"], **(data.get("provinces") or {}).get(province, {})}
    return LevyCaps(Decimal(str(row["cash_per_person_year"])), Decimal(str(row["workdays_per_labourer_year"])),
                    tuple(row.get("sources", ())))
