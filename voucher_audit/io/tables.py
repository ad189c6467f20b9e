"""Where the canonical tables end up: :class:`Stored` (inside DuckDB) and :class:`Loaded` (with the rows skipped)."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from voucher_audit.errors import RowError
from voucher_audit.sql import quote_ident

MAX_ERRORS_LISTED = 1000


@dataclass
class Stored:
    """A typed canonical table kept inside a DuckDB connection instead of Arrow memory.

    For a typed Parquet file it is a view that normalises as it reads (nothing is copied); otherwise a DuckDB
    temp table, which DuckDB spills to its temporary directory past the memory limit. Either way ten million
    voucher lines fit the engine's memory budget; an Arrow copy of them alone takes about 3 GB. ``_row`` (the
    row number people see) and, for several files, ``_file`` stay in the table for error reports.
    """

    con: duckdb.DuckDBPyConnection
    name: str
    num_rows: int
    column_names: list[str]
    # a view over the raw source(s) rather than a table; ``sources``: (name, Arrow table or None for a view)
    # that the view reads, kept registered (and referenced) as long as it lives
    view: bool = False
    sources: list[tuple[str, pa.Table | None]] = field(default_factory=list)
    parts: list[Stored] = field(default_factory=list)

    def select_sql(self) -> str:
        return f"SELECT {', '.join(quote_ident(c) for c in self.column_names)} FROM {quote_ident(self.name)}"

    def to_arrow(self) -> pa.Table:
        t = self.con.sql(self.select_sql()).arrow()
        return t.read_all() if hasattr(t, "read_all") else t

    def drop(self) -> None:
        self.con.execute(f"DROP {'VIEW' if self.view else 'TABLE'} IF EXISTS {quote_ident(self.name)}")
        for name, arrow in self.sources:
            _drop_source(self.con, name, arrow is None)
        for part in self.parts:
            part.drop()
        self.sources, self.parts = [], []

    def materialize(self) -> None:
        """Copy a view's rows into a table (needed to delete rows); a table stays as it is."""
        if not self.view:
            return
        q, tmp = quote_ident(self.name), quote_ident(self.name + "__copy")
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {tmp} AS SELECT * FROM {q}")
        self.drop()
        self.view = False
        self.con.execute(f"ALTER TABLE {tmp} RENAME TO {q}")


@dataclass
class Loaded:
    table: pa.Table | Stored
    skipped: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def _drop_source(con: duckdb.DuckDBPyConnection, name: str, is_view: bool) -> None:
    if is_view:
        con.execute(f"DROP VIEW IF EXISTS {quote_ident(name)}")
    else:
        con.unregister(name)

