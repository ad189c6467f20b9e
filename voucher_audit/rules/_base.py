"""Rule types. A rule is data about SQL fragments plus its messages; it never talks to an engine.

Per-line rules (:class:`LineRule`) are fused by :mod:`voucher_audit.compile` into one pass over the
enriched line view ``l``: each contributes a status column (0 not applicable, 1 passed, 2 flagged,
10+i not evaluable for reason i), and its messages are SQL templates (:class:`Msg`) rendered for the
flagged lines. Set rules (:class:`SetRule`) look at groups of lines; each supplies a ``base`` query with the
same status convention plus the grouping it reports on, and builds its (few) messages in Python.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from voucher_audit.sql import literal, quote_str
from voucher_audit.standards import Standards

BLOCK, WARN, INFO = "block", "warn", "info"
CENT = Decimal("0.01")
TRAVEL = ("travel_lodging", "travel_meal", "travel_local_transport", "travel_intercity")
VEHICLE = ("vehicle_fuel", "vehicle_repair", "vehicle_toll", "vehicle_parking", "vehicle_insurance")


# One invoice number for every rule that compares invoice numbers (duplicate_invoice,
# consecutive_invoice_numbers): a number written only with digits loses its leading zeros ("00123456" and
# "123456" are one number: a spreadsheet drops the zeros, a scanner keeps them; all zeros is "0"); any other
# number (letters, dashes) is compared as written. Invoice numbers are already trimmed by normalisation.
INVOICE_DIGITS = "regexp_matches(invoice_no, '^[0-9]+$')"
INVOICE_KEY = (f"(CASE WHEN {INVOICE_DIGITS} THEN (CASE WHEN regexp_matches(invoice_no, '^0+$') THEN '0' "
               "ELSE regexp_replace(invoice_no, '^0+', '') END) ELSE invoice_no END)")


def in_list(column: str, values: tuple[str, ...] | list[str]) -> str:
    return f"{column} IN ({', '.join(literal(v) for v in values)})"


def blank(column: str) -> str:
    """A missing value. Lines reach the rules normalised (:func:`voucher_audit.io.normalise`): text is trimmed
    and blank text is NULL, so no rule needs to trim or to compare with ''."""
    return f"({column} IS NULL)"


@dataclass
class Ctx:
    """What a rule may read: the effective standards and which side tables were given."""

    std: Standards
    has_units: bool = False
    has_fleet: bool = False
    # each rule's source text, worked out once per run (a set rule may report thousands of findings)
    _sources: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def p(self, key: str) -> str:
        """A standards value as a safe SQL literal (Decimal stays exact)."""
        value = self.std.get(key)
        if isinstance(value, str):
            try:
                return literal(Decimal(value))
            except ArithmeticError:
                return literal(value)
        return literal(value)

    def src(self, *keys: str) -> str:
        return "; ".join(dict.fromkeys(self.std.source(k) for k in keys))

    def source_of(self, rule: LineRule | SetRule) -> str:
        if rule.id not in self._sources:
            self._sources[rule.id] = rule.source(self)
        return self._sources[rule.id]


class Finding(NamedTuple):
    """One finding. A named tuple: immutable, and a million of them are made in a second (a frozen
    dataclass costs several times more per instance)."""

    rule: str
    severity: str
    line_ids: tuple[str, ...]
    org_code: str | None
    amount_at_stake: Decimal | None
    zh: str
    en: str
    source: str

    def sort_key(self) -> tuple:
        return (self.org_code or "", self.line_ids, self.zh)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "line_ids": list(self.line_ids),
            "org_code": self.org_code,
            "amount_at_stake": None if self.amount_at_stake is None else f"{self.amount_at_stake:.2f}",
            "message": {"zh": self.zh, "en": self.en},
            "source": self.source,
        }


def text(expr: str) -> str:
    """A value as message text: dates as YYYY-MM-DD, integers and text as they are."""
    return f"CAST({expr} AS VARCHAR)"


def money_text(expr: str) -> str:
    """A yuan amount as message text with two decimals (a third decimal rounds half up, 四舍五入)."""
    return f"CAST(CAST({expr} AS DECIMAL(38,2)) AS VARCHAR)"


def per_unit_text(amount: str, count: str) -> str:
    """``amount / count`` in yuan to the cent, rounded half up, as message text. Worked in integer cents: a
    decimal divided by an integer is a DOUBLE in DuckDB, and a double does not round .xx5 exactly. The rules
    that use it only reach it with amount > 0 (validated on input) and count > 0 (required)."""
    cents = f"((CAST({amount} * 100 AS BIGINT) * 2 + ({count})) // (2 * ({count})))"
    return f"(CAST({cents} // 100 AS VARCHAR) || '.' || lpad(CAST({cents} % 100 AS VARCHAR), 2, '0'))"


def const(value: str) -> str:
    """Fixed message text worked out in Python (a standards value, say) as a SQL literal."""
    return quote_str(value)


def label(column: str, labels: dict[str, str]) -> str:
    """A coded value shown through a table of labels; a code without one is shown as it is."""
    whens = " ".join(f"WHEN {quote_str(k)} THEN {quote_str(v)}" for k, v in labels.items())
    return f"(CASE {text(column)} {whens} ELSE {text(column)} END)"


_NAME = re.compile(r"[a-z_][a-z0-9_]*")


@dataclass(frozen=True)
class Msg:
    """A line finding's explanation in zh-Hans and English, rendered by the engine for the flagged lines only.

    Each template is text with ``{name}`` placeholders. ``args`` gives a text-valued SQL expression per name
    (:func:`text`, :func:`money_text`, :func:`per_unit_text`, :func:`const`, :func:`label`); a name without
    one is a column of ``l`` shown with :func:`text`. A NULL shows as "-". Like the rule's other fragments it
    is written once and runs on every engine: a million messages cost the engine well under a second, where
    formatting them in Python cost about 8 µs each.
    """

    zh: str
    en: str
    args: Callable[[Ctx], dict[str, str]] = field(default=lambda ctx: {})

    def sql(self, ctx: Ctx, lang: str) -> str:
        args = self.args(ctx)
        parts = []
        for literal_text, name, spec, conversion in string.Formatter().parse(getattr(self, lang)):
            if literal_text:
                parts.append(quote_str(literal_text))
            if name is None:
                continue
            if spec or conversion or not _NAME.fullmatch(name):
                raise ValueError(f"message placeholder {{{name}}}: a plain name is expected")
            parts.append(f"COALESCE({args[name] if name in args else text(name)}, '-')")
        return "concat(" + ", ".join(parts) + ")" if parts else "''"


@dataclass(frozen=True)
class LineRule:
    id: str
    severity: str
    title: str
    applies: Callable[[Ctx], str]
    # (reason, condition that must hold for the line to be evaluable), checked in order
    requires: Callable[[Ctx], list[tuple[str, str]]]
    flag: Callable[[Ctx], str]
    message: Msg
    source: Callable[[Ctx], str]
    stake: Callable[[Ctx], str] | None = None
    kind: str = "line"

    def status_sql(self, ctx: Ctx) -> str:
        parts = [f"WHEN NOT COALESCE({self.applies(ctx)}, FALSE) THEN 0"]
        for i, (_reason, cond) in enumerate(self.requires(ctx)):
            parts.append(f"WHEN NOT COALESCE({cond}, FALSE) THEN {10 + i}")
        parts.append(f"WHEN COALESCE({self.flag(ctx)}, FALSE) THEN 2")
        return "(CASE " + " ".join(parts) + " ELSE 1 END)"

    def reasons(self, ctx: Ctx) -> list[str]:
        return [r for r, _ in self.requires(ctx)]


@dataclass(frozen=True)
class SetRule:
    """A rule over groups of lines.

    Either ``base`` (SQL over ``lines``/``l`` with columns ``line_id``, ``org_code``, ``s`` — the status, as
    for line rules — and detail columns, one row per applicable line) from which coverage and findings are
    derived, or explicit ``coverage`` (one row: applicable, evaluated, flagged, ne_0 … ne_k) and ``findings``
    queries. ``build`` turns the finding rows into :class:`Finding` objects.
    """

    id: str
    severity: str
    title: str
    reasons: Callable[[Ctx], list[str]]
    build: Callable[[list[dict[str, Any]], Ctx], list[Finding]]
    source: Callable[[Ctx], str]
    base: Callable[[Ctx], str] | None = None
    coverage: Callable[[Ctx], str] | None = None
    findings: Callable[[Ctx], str] | None = None
    # (name, query) pairs the runner materialises (temp table / Spark cache) before coverage and findings,
    # so that work both need is done once; dropped afterwards
    prepare: Callable[[Ctx], list[tuple[str, str]]] = field(default=lambda ctx: [])
    kind: str = "set"

    def coverage_sql(self, ctx: Ctx, base_table: str | None = None) -> str:
        """Coverage counts; ``base_table`` names an already materialised ``base`` (evaluated once, read twice)."""
        if self.coverage is not None:
            return self.coverage(ctx)
        if self.base is None:
            raise ValueError(f"{self.id}: needs base or coverage")
        src = base_table or f"({self.base(ctx)})"
        ne = ", ".join(f"SUM(CASE WHEN s = {10 + i} THEN 1 ELSE 0 END) AS ne_{i}"
                       for i in range(len(self.reasons(ctx))))
        return (f"SELECT SUM(CASE WHEN s > 0 THEN 1 ELSE 0 END) AS applicable, "
                f"SUM(CASE WHEN s IN (1, 2) THEN 1 ELSE 0 END) AS evaluated, "
                f"SUM(CASE WHEN s = 2 THEN 1 ELSE 0 END) AS flagged{', ' + ne if ne else ''} "
                f"FROM {src} AS b")

    def findings_sql(self, ctx: Ctx, base_table: str | None = None) -> str:
        if self.findings is not None:
            return self.findings(ctx)
        if self.base is None:
            raise ValueError(f"{self.id}: needs base or findings")
        return f"SELECT * FROM {base_table or '(' + self.base(ctx) + ')'} AS b WHERE s = 2"


def money(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value if isinstance(value, Decimal) else Decimal(value):.2f}"


def finding(rule: SetRule, row: dict[str, Any], ctx: Ctx, zh: str, en: str, line_ids: list[str] | None = None,
            stake: Any = None) -> Finding:
    """A set rule's finding: its lines (default: the row's own), unit, amount at stake to the cent, messages.
    Line rules' findings are built column-wise by the runner."""
    st = None if stake is None else Decimal(stake).quantize(CENT)
    return Finding(rule.id, rule.severity, tuple(sorted(line_ids if line_ids is not None else [row["line_id"]])),
                   row.get("org_code"), st, zh, en, ctx.source_of(rule))
