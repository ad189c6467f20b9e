"""The shared taxonomy of problem types (cleangov/data/rectification/problem_types.yaml).

A finder names a problem in its own terms (``rule:iou_receipt``, ``indicator:YE-DUTY-01``,
``report:work_style``); :func:`problem_type_for` files it under one type of the taxonomy, so that a
recurrence is recognised whichever finder saw the problem the second time.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import get_language

from cleangov.core.uploads import load_yaml

TAXONOMY_PATH = Path(__file__).resolve().parent.parent / "data" / "rectification" / "problem_types.yaml"
OTHER = "other"


@dataclass(frozen=True)
class ProblemType:
    code: str
    name: str
    name_en: str
    money: bool
    source: str
    codes: tuple[str, ...]

    def label(self, language: str | None = None) -> str:
        language = language or get_language() or "zh-hans"
        return self.name if language.startswith("zh") else self.name_en

    def __str__(self) -> str:
        return self.label()


@functools.cache
def problem_types() -> dict[str, ProblemType]:
    data = load_yaml(TAXONOMY_PATH.read_text(encoding="utf-8"), TAXONOMY_PATH.name)
    out: dict[str, ProblemType] = {}
    for row in data["types"]:
        out[row["code"]] = ProblemType(code=row["code"], name=row["name"], name_en=row["name_en"],
                                       money=bool(row.get("money")), source=row.get("source") or "",
                                       codes=tuple(str(c) for c in row.get("codes") or ()))
    if OTHER not in out:
        raise ValueError(f"{TAXONOMY_PATH.name}: the taxonomy needs the type {OTHER!r}")
    return out


def problem_type_for(source_code: str) -> str:
    """The problem type of a finder's code; exact codes win over prefixes ("indicator:YE-DUTY-*"),
    and a code nobody mapped is filed under "other"."""
    source_code = (source_code or "").strip()
    prefix_match = ""
    for ptype in problem_types().values():
        for code in ptype.codes:
            if code == source_code:
                return ptype.code
            if code.endswith("*") and source_code.startswith(code[:-1]) and not prefix_match:
                prefix_match = ptype.code
    return prefix_match or OTHER


def choices() -> list[tuple[str, str]]:
    return [(p.code, p.label()) for p in problem_types().values()]


def label(code: str) -> str:
    ptype = problem_types().get(code)
    return ptype.label() if ptype else code
