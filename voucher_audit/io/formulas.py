"""The small formulas people type into voucher sheets, evaluated when the file has no cached value.

Supported: numbers, quoted text (as the whole formula), ``+ - * /``, unary minus, parentheses, same-sheet
cell references (``B2``, ``$B$2``), ``SUM`` over cells and ranges, ``ROUND(x, n)`` and ``DATE(y, m, d)``.
The formula is parsed (Python's :mod:`ast`, eval mode) and the tree walked: any other node (a power, a
comparison, a name, an attribute, a subscript) makes it not evaluable. Nothing is ever passed to ``eval``.
Size is bounded (formula length, tree size, cells a range may cover, nesting of references) and decimal
arithmetic runs in a context whose exponent is bounded, so no formula can run for long.
"""

from __future__ import annotations

import ast
import datetime as dt
import decimal
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from voucher_audit.limits import column_letters

MAX_FORMULA_CHARS = 1000
MAX_NODES = 200
MAX_RANGE_CELLS = 10_000
MAX_DEPTH = 20
# 28 significant digits and exponents within ±10^30: far beyond money, and every operation stays cheap
CONTEXT = decimal.Context(prec=28, Emax=30, Emin=-30, traps=[decimal.Overflow, decimal.DivisionByZero,
                                                             decimal.InvalidOperation])

_REF = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]+)")
_RANGE = re.compile(r"(\$?[A-Z]{1,3}\$?[0-9]+)\s*:\s*(\$?[A-Z]{1,3}\$?[0-9]+)")
_CELL_NAME = re.compile(r"([A-Z]{1,3})([0-9]+)")
_RANGE_FN = "RANGE__"
FUNCTIONS = ("SUM", "ROUND", "DATE")

Cell = tuple[int, int]  # (row, column), both 1-based as in the sheet


class FormulaError(ValueError):
    """The formula is not one this evaluator reads; the cell is reported as unreadable."""


def col_index(letters: str) -> int:
    """Column letters → 0-based index (A → 0)."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


letters = column_letters  # 0-based column index → letters (0 → A)


def parse(formula: str) -> ast.Expression | str:
    """The checked tree of a formula, or its text when the whole formula is a quoted string."""
    expr = formula.lstrip("=").strip()
    if len(expr) > MAX_FORMULA_CHARS:
        raise FormulaError("formula too long")
    m = re.fullmatch(r'"(.*)"', expr)
    if m:
        return m.group(1)
    py = _RANGE.sub(lambda m: f"{_RANGE_FN}({m.group(1)},{m.group(2)})", expr.upper()).replace("$", "")
    try:
        tree = ast.parse(py, mode="eval")
    except (SyntaxError, ValueError) as exc:
        raise FormulaError("unsupported formula") from exc
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise FormulaError("formula too long")
    for node in nodes:
        _check_node(node)
    return tree


def _check_node(node: ast.AST) -> None:
    if isinstance(node, (ast.Expression, ast.Load, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub, ast.UAdd)):
        return
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return
    if isinstance(node, ast.Name) and _CELL_NAME.fullmatch(node.id):
        return
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        name = node.func.id
        if name in FUNCTIONS or (name == _RANGE_FN and len(node.args) == 2
                                 and all(isinstance(a, ast.Name) for a in node.args)):
            return
        raise FormulaError(f"unsupported function {name}")
    if isinstance(node, ast.Name) and node.id in (*FUNCTIONS, _RANGE_FN):
        return
    raise FormulaError("unsupported formula")


def _cell_of(name: str) -> Cell:
    m = _CELL_NAME.fullmatch(name)
    if not m:  # pragma: no cover - _check_node let only cell names through
        raise FormulaError("bad reference")
    return int(m.group(2)), col_index(m.group(1)) + 1


def _range_cells(a: str, b: str) -> list[Cell]:
    (r1, c1), (r2, c2) = _cell_of(a), _cell_of(b)
    if (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1) > MAX_RANGE_CELLS:
        raise FormulaError("range too large")
    return [(r, c) for r in range(min(r1, r2), max(r1, r2) + 1) for c in range(min(c1, c2), max(c1, c2) + 1)]


def references(tree: ast.Expression | str) -> set[Cell]:
    """Every cell a parsed formula reads (ranges expanded)."""
    if isinstance(tree, str):
        return set()
    out: set[Cell] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == _RANGE_FN:
            out.update(_range_cells(node.args[0].id, node.args[1].id))  # type: ignore[attr-defined]
        elif isinstance(node, ast.Name) and _CELL_NAME.fullmatch(node.id):
            out.add(_cell_of(node.id))
    return out


def _number(v: Any) -> Decimal:
    if v is None or v == "":
        return Decimal(0)
    if isinstance(v, bool):
        return Decimal(int(v))
    if isinstance(v, Decimal):
        return v
    if isinstance(v, (int, float, str)):
        try:
            d = CONTEXT.create_decimal(str(v))
        except decimal.InvalidOperation as exc:
            raise FormulaError("not a number") from exc
        if not d.is_finite():
            raise FormulaError("not a finite number")
        return d
    raise FormulaError("not a number")


def evaluate(formula: str, lookup: Callable[[Cell, int], Any], depth: int = 0) -> Any:
    """The value of ``formula``; ``lookup((row, col), depth)`` gives a referenced cell's value (evaluating
    its own formula at ``depth + 1`` if needed). Raises :class:`FormulaError` when it cannot be evaluated."""
    if depth > MAX_DEPTH:
        raise FormulaError("formula nesting too deep")
    tree = parse(formula)
    if isinstance(tree, str):
        return tree

    def cell(name: str) -> Any:
        v = lookup(_cell_of(name), depth + 1)
        return 0 if v is None or v == "" else v

    def walk(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant):
            return _number(node.value)
        if isinstance(node, ast.Name):
            return cell(node.id)
        if isinstance(node, ast.UnaryOp):
            v = _number(walk(node.operand))
            return CONTEXT.minus(v) if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp):
            a, b = _number(walk(node.left)), _number(walk(node.right))
            op = {ast.Add: CONTEXT.add, ast.Sub: CONTEXT.subtract, ast.Mult: CONTEXT.multiply,
                  ast.Div: CONTEXT.divide}[type(node.op)]
            return op(a, b)
        if isinstance(node, ast.Call):
            name = node.func.id  # type: ignore[attr-defined]
            if name == _RANGE_FN:
                raise FormulaError("a range outside SUM")
            if name == "SUM":
                total = Decimal(0)
                for arg in node.args:
                    if isinstance(arg, ast.Call) and arg.func.id == _RANGE_FN:  # type: ignore[attr-defined]
                        for r, c in _range_cells(arg.args[0].id, arg.args[1].id):  # type: ignore[attr-defined]
                            total = CONTEXT.add(total, _number(lookup((r, c), depth + 1)))
                    else:
                        total = CONTEXT.add(total, _number(walk(arg)))
                return total
            args = [walk(a) for a in node.args]
            if name == "ROUND" and len(args) in (1, 2):
                places = int(_number(args[1])) if len(args) == 2 else 0
                if abs(places) > 10:
                    raise FormulaError("ROUND to too many places")
                return CONTEXT.quantize(_number(args[0]), Decimal(1).scaleb(-places))
            if name == "DATE" and len(args) == 3:
                y, m, d = (int(_number(a)) for a in args)
                try:
                    return dt.date(y, m, d)
                except ValueError as exc:
                    raise FormulaError(str(exc)) from exc
            raise FormulaError(f"wrong arguments to {name}")
        raise FormulaError("unsupported formula")  # pragma: no cover - parse() admits nothing else

    try:
        return walk(tree)
    except (ArithmeticError, TypeError) as exc:
        raise FormulaError(str(exc) or type(exc).__name__) from exc


def evaluate_in_grid(formula: str, grid: list[list[Any]]) -> Any:
    """``formula`` over a grid of raw cell values (row 1 is ``grid[0]``); formulas in it are evaluated too."""

    def lookup(ref: Cell, depth: int) -> Any:
        r, c = ref
        v = grid[r - 1][c - 1] if r - 1 < len(grid) and c - 1 < len(grid[r - 1]) else None
        if isinstance(v, str) and v.startswith("="):
            return evaluate(v, lookup, depth)
        return v

    return evaluate(formula, lookup)
