"""Counts of reports that cannot single anyone out.

Every table of counts is cut by coarse time (quarters, never days) and passes through
:func:`suppress`: a cell between 1 and 4 is hidden (primary suppression), and, so that a row or
column total cannot give it back by subtraction, another cell of the same row or column is hidden
with it (complementary suppression), repeated until no row or column has a single hidden cell. A
total that is itself between 1 and 4 is hidden too. In a village of 300 people, "2 reports about the
village committee this month" is almost a name; "fewer than 5" is not.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

THRESHOLD = 5


@dataclass
class Table:
    rows: list[tuple[str, str]]  # (key, label)
    cols: list[tuple[str, str]]
    cells: dict[tuple[str, str], int | None]  # None: suppressed
    row_totals: dict[str, int | None]
    col_totals: dict[str, int | None]
    total: int | None

    def grid(self):
        """Rows for a template: (label, [cell...], total)."""
        return [(label, [self.cells[(r, c)] for c, _l in self.cols], self.row_totals[r]) for r, label in self.rows]

    def column_totals(self):
        return [self.col_totals[c] for c, _l in self.cols]


def _small(n: int) -> bool:
    return 0 < n < THRESHOLD


def suppress(counts: dict[tuple[str, str], int], rows: list[str], cols: list[str]) -> dict[tuple[str, str], bool]:
    """Which cells to hide: primary (1..4) and complementary, until every row and column that hides
    anything hides at least two cells (or its total is hidden too)."""
    hidden = {(r, c): _small(counts.get((r, c), 0)) for r in rows for c in cols}
    row_total = {r: sum(counts.get((r, c), 0) for c in cols) for r in rows}
    col_total = {c: sum(counts.get((r, c), 0) for r in rows) for c in cols}
    lines = [([(r, c) for c in cols], _small(row_total[r])) for r in rows]
    lines += [([(r, c) for r in rows], _small(col_total[c])) for c in cols]
    changed = True
    while changed:
        changed = False
        for line, total_hidden in lines:
            if total_hidden or len(line) < 2 or sum(hidden[cell] for cell in line) != 1:
                continue
            # A line with one hidden cell and a shown total gives it back: hide the smallest other cell.
            candidate = min((cell for cell in line if not hidden[cell]), key=lambda cell: counts.get(cell, 0))
            hidden[candidate] = True
            changed = True
    return hidden


def build_table(values: list[tuple[str, str]], rows: list[tuple[str, str]], cols: list[tuple[str, str]]) -> Table:
    """A suppressed table from (row key, column key) pairs, one per report."""
    counts = Counter(values)
    row_keys, col_keys = [r for r, _l in rows], [c for c, _l in cols]
    hidden = suppress(counts, row_keys, col_keys)
    cells = {(r, c): (None if hidden[(r, c)] else counts.get((r, c), 0)) for r in row_keys for c in col_keys}
    row_totals = {r: sum(counts.get((r, c), 0) for c in col_keys) for r in row_keys}
    col_totals = {c: sum(counts.get((r, c), 0) for r in row_keys) for c in col_keys}
    total = sum(row_totals.values())
    return Table(rows, cols, cells,
                 {r: None if _small(v) else v for r, v in row_totals.items()},
                 {c: None if _small(v) else v for c, v in col_totals.items()},
                 None if _small(total) else total)


def quarter(day) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
