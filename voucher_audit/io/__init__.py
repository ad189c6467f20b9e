"""Readers for the canonical tables: CSV (UTF-8, UTF-8 with BOM, GBK), XLSX and Parquet, within limits.

Reading is two steps. First each file becomes a raw Arrow table whose columns carry canonical names
(Chinese headers recognised through the aliases in :mod:`voucher_audit.schema`). Then one DuckDB query
per file normalises every column (full-width digits, Excel serial dates, Chinese enum values, thousands
separators) and flags the rows that cannot be parsed; a second query names row, column, value and reason
for those rows only, so a clean 10-million-line Parquet file costs one pass.

One module per job:

* :mod:`~voucher_audit.io.csvfile`: CSV bytes → rows (encodings, limits);
* :mod:`~voucher_audit.io.xlsxfile`: XLSX → rows (package check, streaming, cached values);
* :mod:`~voucher_audit.io.formulas`: the formulas without a cached value, walked as a tree (no ``eval``);
* :mod:`~voucher_audit.io.raw`: rows → raw Arrow tables, Parquet read in place;
* :mod:`~voucher_audit.io.normalise`: the normalisation SQL;
* :mod:`~voucher_audit.io.dedup`: duplicate keys;
* :mod:`~voucher_audit.io.tables` and :mod:`~voucher_audit.io.load`: where tables end up, and loading.

Every reader takes ``limits`` (:class:`voucher_audit.limits.ReadLimits`). The names below are the
package's public interface, importable as ``voucher_audit.io.<name>`` as before the split.
"""

from voucher_audit.errors import InputError, RowError
from voucher_audit.io.csvfile import decode_text, iter_csv_rows, read_csv_rows
from voucher_audit.io.dedup import _dedupe, _dedupe_stored
from voucher_audit.io.formulas import FormulaError, evaluate_in_grid
from voucher_audit.io.load import _empty, load_tables
from voucher_audit.io.normalise import FULLWIDTH, HALFWIDTH, SQL_TYPES, normalise
from voucher_audit.io.raw import ParquetSource, _rows_to_table, read_raw
from voucher_audit.io.tables import MAX_ERRORS_LISTED, Loaded, Stored
from voucher_audit.io.xlsxfile import XlsxReader, cell_text, check_xlsx_package, iter_xlsx_rows, read_xlsx_rows
from voucher_audit.limits import DEFAULT_LIMITS, LimitExceeded, ReadError, ReadLimits

__all__ = [
    "DEFAULT_LIMITS", "FULLWIDTH", "HALFWIDTH", "MAX_ERRORS_LISTED", "SQL_TYPES", "FormulaError", "InputError",
    "LimitExceeded", "Loaded", "ParquetSource", "ReadError", "ReadLimits", "RowError", "Stored", "XlsxReader",
    "_dedupe", "_dedupe_stored", "_empty", "_rows_to_table", "cell_text", "check_xlsx_package", "decode_text",
    "evaluate_in_grid", "iter_csv_rows", "iter_xlsx_rows", "load_tables", "normalise", "read_csv_rows",
    "read_raw", "read_xlsx_rows",
]
