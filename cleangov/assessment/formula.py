"""A safe evaluator for indicator formulas: arithmetic over metric ids, never ``eval``.

A formula is parsed with Python's ``ast`` (mode "eval") and every node is checked against a short
allow-list before anything runs: numbers, metric ids (``ledgers.completeness`` — a dotted name),
``+ - * /``, unary minus, ``min(...)``, ``max(...)``, ``clamp(x, lo, hi)``, comparisons,
``and``/``or``/``not`` and ``a if cond else b``. Anything else — attribute access on a value, calls of
any other function, subscripts, strings, lambdas, comprehensions, names that are not metric ids — is
rejected at load time with a message naming the construct. Arithmetic uses :class:`~decimal.Decimal`.

Missing metrics: a metric with no value for the unit makes the formula "not available" (the result
carries which metrics were missing), unless the formula never needed it (the branch of an ``if``
not taken). Division by zero is "not available" too, never a made-up number.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MAX_LENGTH = 500
MAX_DEPTH = 20
METRIC_ID_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
FUNCTIONS = {"min", "max", "clamp"}


class FormulaError(ValueError):
    """The formula is not allowed or not well formed; the message says which construct and where."""


class NotAvailable(Exception):
    """Raised inside evaluation when a needed metric has no value (or a division by zero)."""

    def __init__(self, missing: tuple[str, ...] = (), reason: str = ""):
        super().__init__(reason or ", ".join(missing))
        self.missing = missing
        self.reason = reason


@dataclass(frozen=True)
class Outcome:
    value: Decimal | None
    missing: tuple[str, ...] = ()  # metric ids without a value
    reason: str = ""  # "division by zero" and the like

    @property
    def available(self) -> bool:
        return self.value is not None


Evaluator = Callable[[Mapping[str, Decimal | None]], object]


@dataclass(frozen=True)
class Formula:
    """A checked, compiled formula. ``metrics`` lists the metric ids it mentions, in order."""

    source: str
    metrics: tuple[str, ...]
    _run: Evaluator

    def evaluate(self, values: Mapping[str, Decimal | None]) -> Outcome:
        try:
            result = self._run(values)
        except NotAvailable as exc:
            return Outcome(None, exc.missing, exc.reason)
        if isinstance(result, bool):
            result = Decimal(int(result))
        return Outcome(result)


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


_BINOPS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
}
_CMPOPS = {
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
}


def _num(value) -> Decimal:
    return Decimal(int(value)) if isinstance(value, bool) else value


def _divide(a: Decimal, b: Decimal) -> Decimal:
    if b == 0:
        raise NotAvailable(reason="division by zero")
    return a / b


def _clamp(x: Decimal, lo: Decimal, hi: Decimal) -> Decimal:
    return max(lo, min(hi, x))


class _Compiler:
    def __init__(self, source: str):
        self.source = source
        self.metrics: list[str] = []

    def fail(self, node: ast.AST, what: str) -> FormulaError:
        col = getattr(node, "col_offset", None)
        where = f" at column {col + 1}" if col is not None else ""
        return FormulaError(f"{what}{where} is not allowed in a formula")

    def compile(self, node: ast.AST, depth: int = 0) -> Evaluator:
        if depth > MAX_DEPTH:
            raise FormulaError(f"the formula is nested more than {MAX_DEPTH} levels deep")
        d = depth + 1
        if isinstance(node, ast.Expression):
            return self.compile(node.body, d)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise self.fail(node, f"the constant {node.value!r}")
            number = Decimal(str(node.value))
            return lambda values: number
        if isinstance(node, ast.Name | ast.Attribute):
            name = _dotted(node)
            if name is None or not METRIC_ID_RE.match(name):
                raise self.fail(node, f"the name {ast.unparse(node)!r} (metric ids look like 'app.metric')")
            if name not in self.metrics:
                self.metrics.append(name)

            def metric(values, name=name):
                value = values.get(name)
                if value is None:
                    raise NotAvailable((name,))
                return value

            return metric
        if isinstance(node, ast.BinOp):
            left, right = self.compile(node.left, d), self.compile(node.right, d)
            if isinstance(node.op, ast.Div):
                return lambda values: _divide(_num(left(values)), _num(right(values)))
            op = _BINOPS.get(type(node.op))
            if op is None:
                raise self.fail(node, f"the operator {type(node.op).__name__}")
            return lambda values: op(_num(left(values)), _num(right(values)))
        if isinstance(node, ast.UnaryOp):
            operand = self.compile(node.operand, d)
            if isinstance(node.op, ast.USub):
                return lambda values: -_num(operand(values))
            if isinstance(node.op, ast.UAdd):
                return lambda values: _num(operand(values))
            if isinstance(node.op, ast.Not):
                return lambda values: not operand(values)
            raise self.fail(node, f"the operator {type(node.op).__name__}")
        if isinstance(node, ast.Compare):
            first = self.compile(node.left, d)
            ops = []
            for op, right in zip(node.ops, node.comparators, strict=True):
                fn = _CMPOPS.get(type(op))
                if fn is None:
                    raise self.fail(node, f"the comparison {type(op).__name__}")
                ops.append((fn, self.compile(right, d)))

            def compare(values):
                a = _num(first(values))
                for fn, right in ops:
                    b = _num(right(values))
                    if not fn(a, b):
                        return False
                    a = b
                return True

            return compare
        if isinstance(node, ast.BoolOp):
            parts = [self.compile(v, d) for v in node.values]
            if isinstance(node.op, ast.And):
                return lambda values: all(p(values) for p in parts)
            return lambda values: any(p(values) for p in parts)
        if isinstance(node, ast.IfExp):
            test, body, orelse = self.compile(node.test, d), self.compile(node.body, d), self.compile(node.orelse, d)
            return lambda values: body(values) if test(values) else orelse(values)
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                raise self.fail(node, f"the call {ast.unparse(node.func)}(...) (only min, max, clamp)")
            if node.keywords:
                raise self.fail(node, "a keyword argument")
            args = [self.compile(a, d) for a in node.args]
            name = node.func.id
            if name == "clamp":
                if len(args) != 3:
                    raise FormulaError("clamp takes exactly three arguments: clamp(x, low, high)")
                x, lo, hi = args
                return lambda values: _clamp(_num(x(values)), _num(lo(values)), _num(hi(values)))
            if not args:
                raise FormulaError(f"{name} needs at least one argument")
            fn = min if name == "min" else max
            return lambda values: fn(_num(a(values)) for a in args)
        raise self.fail(node, f"the construct {type(node).__name__}")


def parse_formula(source: str) -> Formula:
    """Check and compile ``source``; raises FormulaError naming what is not allowed."""
    if not isinstance(source, str) or not source.strip():
        raise FormulaError("the formula is empty")
    if len(source) > MAX_LENGTH:
        raise FormulaError(f"the formula is longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"not a well-formed formula: {exc.msg} (column {exc.offset})") from exc
    compiler = _Compiler(source)
    run = compiler.compile(tree)

    def guarded(values, run=run):
        try:
            return run(values)
        except (InvalidOperation, OverflowError) as exc:
            raise NotAvailable(reason="arithmetic error") from exc

    return Formula(source=source.strip(), metrics=tuple(compiler.metrics), _run=guarded)
