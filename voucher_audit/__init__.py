"""Voucher audit engine: spending rules over a county's voucher lines, on DuckDB or Apache Spark.

Pure Python: no Django and no ``cleangov`` import (enforced by voucher_audit/ruff.toml and by
scripts/test_engine_alone.sh).
"""

__version__ = "0.1.0"
