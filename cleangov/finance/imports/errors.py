"""The one way an import says no."""

from __future__ import annotations

from cleangov.finance import engine as E


class ImportRefused(Exception):
    """The import was refused as a whole; ``message`` says why, ``errors`` lists rows."""

    def __init__(self, message, errors: list[E.RowError] | None = None, *, code: str = "invalid",
                 total: int | None = None):
        self.message = message
        self.errors = errors or []
        self.code = code  # invalid | missing_columns | duplicate_file | period_overlap
        self.total = total if total is not None else len(self.errors)
        super().__init__(str(message))
