"""Importing voucher files and pushed lines as immutable batches: one service for every caller.

See :mod:`.service` (read → plan → validate → write), :mod:`.preview` (the upload preview computed
once in the background) and docs/finance.md.
"""

from .errors import ImportRefused
from .plan import ImportPlan, plan_import
from .service import import_file, import_records, plan_file, read_file
from .write import validate, write_batch

__all__ = ["ImportPlan", "ImportRefused", "import_file", "import_records", "plan_file", "plan_import", "read_file",
           "validate", "write_batch"]
