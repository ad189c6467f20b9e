"""Rule types. A rule is data about SQL fragments plus a message builder; it never talks to an engine.

Per-line rules (:class:`LineRule`) are fused by :mod:`voucher_audit.compile` into one pass over the
enriched line view ``l``: each contributes a status column (0 not applicable, 1 passed, 2 flagged,
10+i not evaluable for reason i). Set rules (:class:`SetRule`) look at groups of lines; each supplies a
``base`` query with the same status convention plus the grouping it reports on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from voucher_audit.sql import literal
from voucher_audit.standards import Standards

BLOCK, WARN, INFO = "block", "warn", "info"
CENT = Decimal("0.01")
TRAVEL = ("travel_lodging", "travel_meal", "travel_local_transport", "travel_intercity")
VEHICLE = ("vehicle_fuel", "vehicle_repair", "vehicle_toll", "vehicle_parking", "vehicle_insurance")


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


Message = Callable[[dict[str, Any], Ctx], tuple[str, str]]


@dataclass(frozen=True)
class LineRule:
    id: str
    severity: str
    title: str
    applies: Callable[[Ctx], str]
    # (reason, condition that must hold for the line to be evaluable), checked in order
    requires: Callable[[Ctx], list[tuple[str, str]]]
    flag: Callable[[Ctx], str]
    message: Message
    source: Callable[[Ctx], str]
    stake: Callable[[Ctx], str] | None = None
    details: Callable[[Ctx], dict[str, str]] = field(default=lambda ctx: {})
    # columns of ``l`` the message reads besides those it names literally as r["..."] / r.get("...")
    fields: tuple[str, ...] = ()
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


def finding(rule: LineRule | SetRule, row: dict[str, Any], ctx: Ctx, line_ids: list[str] | None = None,
            stake: Any = None, zh: str | None = None, en: str | None = None) -> Finding:
    if zh is None or en is None:
        zh, en = rule.message(row, ctx)  # type: ignore[union-attr]
    st = None if stake is None else Decimal(stake).quantize(CENT)
    return Finding(rule.id, rule.severity, tuple(sorted(line_ids if line_ids is not None else [row["line_id"]])),
                   row.get("org_code"), st, zh, en, ctx.source_of(rule))
