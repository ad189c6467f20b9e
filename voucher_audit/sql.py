"""The one place where SQL text is produced and translated between engines.

Rules are written once as SQL fragments in DuckDB's dialect. :func:`to_dialect` parses them with SQLGlot
and renders them for the target engine (``duckdb`` unchanged, ``spark`` transpiled), so there is exactly
one definition of every rule. Values from the standards packs never enter SQL by string formatting:
:func:`literal` renders them through SQLGlot's expression builder.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any

import sqlglot
from sqlglot import exp


def quote_ident(name: str) -> str:
    return exp.to_identifier(name, quoted=True).sql("duckdb")


def quote_str(value: str) -> str:
    return exp.Literal.string(value).sql("duckdb")


def literal(value: Any) -> str:
    """A safe SQL literal for a parameter (Decimal stays exact as DECIMAL(18,2) or (18,4))."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return exp.Literal.number(value).sql("duckdb")
    if isinstance(value, Decimal):
        scale = max(2, -value.as_tuple().exponent) if isinstance(value.as_tuple().exponent, int) else 2
        return f"CAST({quote_str(format(value, 'f'))} AS DECIMAL(18,{min(scale, 6)}))"
    if isinstance(value, dt.date):
        return f"DATE {quote_str(value.isoformat())}"
    if isinstance(value, str):
        return quote_str(value)
    raise TypeError(f"no SQL literal for {type(value).__name__}")


@functools.lru_cache(maxsize=512)
def to_dialect(sql: str, dialect: str) -> str:
    if dialect == "duckdb":
        return sql
    trees = sqlglot.parse(sql, read="duckdb")
    if dialect == "spark":
        trees = [t.transform(_spark_function) if t is not None else None for t in trees]
    return ";\n".join(t.sql(dialect=dialect) for t in trees if t is not None)


def _spark_function(node: exp.Expression) -> exp.Expression:
    """DuckDB functions SQLGlot leaves as they are, written with Spark's own (same results on every value the
    normalisation gives them: a date text is first matched whole by a regular expression)."""
    if isinstance(node, exp.RegexpFullMatch) and isinstance(node.expression, exp.Literal):
        pattern = exp.Literal.string(f"^(?:{node.expression.this})$")
        return exp.RegexpLike(this=node.this, expression=pattern)
    if not isinstance(node, exp.Anonymous):
        return node
    name, args = node.name.lower(), node.expressions
    if name == "strlen" and len(args) == 1:
        return exp.Anonymous(this="OCTET_LENGTH", expressions=args)
    if name in ("prefix", "suffix") and len(args) == 2:
        return exp.Anonymous(this="STARTSWITH" if name == "prefix" else "ENDSWITH", expressions=args)
    if name == "try_strptime" and len(args) == 2 and isinstance(args[1], exp.Literal):
        value, fmt = args[0], args[1].this
        if fmt == "%Y-%m-%d":  # Spark casts yyyy-[m]m-[d]d; an impossible day is NULL, as in DuckDB
            return exp.TryCast(this=value, to=exp.DataType.build("date"), safe=True)
        if fmt == "%Y%m%d":
            parts = [exp.Substring(this=value.copy(), start=exp.Literal.number(a), length=exp.Literal.number(n))
                     for a, n in ((1, 4), (5, 2), (7, 2))]
            dash = exp.Literal.string("-")
            text = exp.Concat(expressions=[parts[0], dash, parts[1], dash.copy(), parts[2]])
            return exp.TryCast(this=text, to=exp.DataType.build("date"), safe=True)
    return node
