"""Bounds on what a reader accepts, so that one hostile or broken file cannot take the server's memory
or time (an XLSX is a ZIP: 1.5 MB can unpack to gigabytes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ReadLimits:
    max_file_bytes: int = 50 * 1024 * 1024
    max_rows: int = 2_000_000
    max_columns: int = 200
    max_cell_chars: int = 2_000
    max_uncompressed_bytes: int = 1024 * 1024 * 1024
    max_compression_ratio: int = 100
    min_date: dt.date = dt.date(2000, 1, 1)
    max_days_ahead: int = 366
