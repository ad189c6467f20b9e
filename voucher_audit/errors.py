"""The errors every reader raises: one problem in a file (:class:`RowError`) and a rejected input (:class:`InputError`).

They live outside :mod:`voucher_audit.io` so that :mod:`voucher_audit.limits` (and the web app's upload helper)
can use them without importing DuckDB or Arrow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RowError:
    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "column": self.column, "value": self.value, "reason": self.reason}

    def __str__(self) -> str:
        where = f"{self.file}" + (f", row {self.row}" if self.row is not None else "")
        where += f", column {self.column}" if self.column else ""
        val = f" (value {self.value!r})" if self.value is not None else ""
        return f"{where}: {self.reason}{val}"


class InputError(Exception):
    """The input was rejected as a whole; ``errors`` names every problem found (up to a limit)."""

    def __init__(self, errors: list[RowError], total: int | None = None):
        self.errors = errors
        self.total = total if total is not None else len(errors)
        super().__init__("; ".join(str(e) for e in errors[:5]))
