"""The thin adapter between the finance app and the ``voucher_audit`` engine.

Only the engine's public API is used: the schema (:mod:`voucher_audit.schema`), the readers and
``normalise`` of :mod:`voucher_audit.io`, the standards loader, the DuckDB engine and ``run_audit``.
Nothing here imports Django models, so the adapter can be tested with plain Arrow tables.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import yaml

from voucher_audit import io as vio
from voucher_audit import schema as vschema
from voucher_audit import standards as vstandards
from voucher_audit.engines import DuckDBEngine
from voucher_audit.io import InputError, RowError
from voucher_audit.limits import ReadLimits
from voucher_audit.rules import RULES
from voucher_audit.runner import AuditResult, run_audit

from .spool import FallBack, LineSpool, _xlsx_fast, read_into_spool

__all__ = ["RULES", "InputError", "Parsed", "RowError", "audit", "fingerprint", "lines_table", "read_upload"]

LINE_FIELDS: tuple[str, ...] = tuple(c.name for c in vschema.LINES.columns)
REQUIRED_FIELDS: tuple[str, ...] = tuple(c.name for c in vschema.LINES.columns if c.required)
ARROW_TYPES = {"text": pa.string(), "enum": pa.string(), "date": pa.date32(), "decimal": pa.decimal128(18, 2),
               "int": pa.int64(), "bool": pa.bool_()}
LINE_SCHEMA = pa.schema([(c.name, ARROW_TYPES[c.kind]) for c in vschema.LINES.columns])
SPREADSHEET_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".txt")
# Rules that judge a unit-year as a whole: as lines are added the set of lines grows, so their
# identity is the unit-year, not the lines (see fingerprint()).
UNIT_YEAR_RULES = frozenset({"benford_nonconformity", "voucher_number_gap", "near_threshold_amounts",
                             "round_amounts"})
KEY_SEPARATOR = "|"


class Parsed:
    """A file read and checked against the canonical schema.

    The valid rows of a file read by :func:`read_upload` are in ``spool`` (a :class:`~.spool.LineSpool` on
    disk) with every problem; ``errors`` holds the first :data:`~.spool.PROBLEMS_KEPT` of them and
    ``error_total`` their number. Rows pushed through the API or made by the demo come as an Arrow ``table``
    with all their ``errors``. ``table`` reads a spool's lines into memory: for small files and tests only.
    """

    def __init__(self, file_name: str, headers: list[str], rows_read: int, table: pa.Table | None = None,
                 errors: list[RowError] | None = None, error_total: int = 0, missing_columns: list[str] | None = None,
                 ignored_columns: list[str] | None = None, mapped: dict[str, str] | None = None,
                 spool: LineSpool | None = None):
        self.file_name, self.headers, self.rows_read = file_name, headers, rows_read
        self._table = table
        self.errors: list[RowError] = errors if errors is not None else []
        self.error_total = error_total
        self.missing_columns = missing_columns if missing_columns is not None else []
        self.ignored_columns = ignored_columns if ignored_columns is not None else []
        self.mapped = mapped if mapped is not None else {}  # file header → canonical column
        self.spool = spool

    @property
    def table(self) -> pa.Table | None:
        if self._table is not None:
            return self._table
        return self.spool.to_table() if self.spool is not None else None

    @table.setter
    def table(self, value: pa.Table | None) -> None:
        self._table, self.spool = value, None

    @property
    def has_lines(self) -> bool:
        return self._table is not None or self.spool is not None

    def lines(self) -> LineSpool | None:
        """The spool the plan and the write query: for an in-memory table, a view of it with its errors."""
        if self.spool is None and self._table is not None:
            self.spool = LineSpool(self._table)
            self.spool.add_problems(self.errors)
        return self.spool

    def close(self) -> None:
        """Remove the spool now (it is removed anyway when the object goes)."""
        if self.spool is not None:
            self.spool.close()

    @property
    def ok(self) -> bool:
        return not self.missing_columns and not self.error_total and not self.errors and self.has_lines

    @property
    def valid_rows(self) -> int:
        if self._table is not None:
            return self._table.num_rows
        return self.spool.line_count() if self.spool is not None else 0


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sniff_not_spreadsheet(path: Path) -> str | None:
    """A reason when the file is plainly not CSV or XLSX (a PDF, an image, a Word file renamed)."""
    suffix = path.suffix.lower()
    if suffix not in SPREADSHEET_SUFFIXES:
        return f"unsupported file type '{suffix or '(none)'}': upload a CSV or XLSX file"
    head = path.open("rb").read(4096)
    if suffix in (".xlsx", ".xlsm"):
        if not zipfile.is_zipfile(path):
            return "not an XLSX workbook (the file is not a ZIP package)"
        return None
    if head.startswith(b"PK\x03\x04") or head.startswith(b"%PDF") or b"\x00" in head:
        return "not a CSV text file (binary content)"
    return None


def canonical_for(header: str, mapping: dict[str, str]) -> str | None:
    """The canonical column of a header: the user's mapping first, then the engine's aliases."""
    key = vschema.header_key(header or "")
    if key in mapping:
        return mapping[key] or None
    return vschema.header_map(vschema.LINES).get(key)


def over_limits(path: Path, limits: ReadLimits) -> str | None:
    """A reason when the file is too large to read safely, found before reading any of it: its size
    and, for an XLSX (a ZIP package), the size it would unpack to and its compression ratio."""
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        return f"the file is {size // (1 << 20)} MB; at most {limits.max_file_bytes // (1 << 20)} MB are accepted"
    if path.suffix.lower() in (".xlsx", ".xlsm") and zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as z:
                members = z.infolist()
        except (zipfile.BadZipFile, OSError) as exc:
            return f"cannot read the file: {exc}"
        unpacked = sum(m.file_size for m in members)
        packed = sum(m.compress_size for m in members) or 1
        if unpacked > limits.max_uncompressed_bytes:
            return (f"the workbook unpacks to {unpacked // (1 << 20)} MB; at most "
                    f"{limits.max_uncompressed_bytes // (1 << 20)} MB are accepted")
        # A real workbook compresses 5 to 20 times; far more is the mark of a ZIP bomb.
        if unpacked > (1 << 20) and unpacked / packed > limits.max_compression_ratio:
            return (f"the workbook is compressed {unpacked // packed} to 1 (at most "
                    f"{limits.max_compression_ratio} to 1 is accepted): it is not read")
    return None


def _positions(headers: list[str], mapping: dict[str, str], fname: str):
    """Headers → (canonical column → position, ignored headers, mapped headers, header errors, missing)."""
    positions: dict[str, int] = {}
    ignored: list[str] = []
    mapped: dict[str, str] = {}
    errors: list[RowError] = []
    for i, h in enumerate(headers):
        name = canonical_for(h, mapping)
        if name is None:
            if h.strip():
                ignored.append(h)
            continue
        if name in positions:
            errors.append(RowError(fname, 1, h, None, f"two columns map to '{name}'"))
            continue
        positions[name] = i
        mapped[h] = name
    missing = [c for c in REQUIRED_FIELDS if c not in positions]
    return positions, ignored, mapped, errors, missing


def read_upload(path: Path, *, file_name: str | None = None, mapping: dict[str, str] | None = None,
                progress: Callable[[str], None] | None = None, limits: ReadLimits | None = None,
                spool_dir: str | Path | None = None) -> Parsed:
    """Read a CSV/XLSX upload and check every row; never raises for bad rows (they are listed).

    The file is read a block of rows at a time into a spool on disk (:mod:`.spool`), so memory stays
    bounded whatever its size; ``spool_dir`` is where (default: the system's temporary directory).
    ``mapping`` maps a header (normalised with :func:`voucher_audit.schema.header_key`) to a canonical
    column, for layouts the engine's Chinese aliases do not cover; an empty value ignores the column.
    With ``limits``, a file beyond them is refused whole before (size, unpacked size) or as soon as
    (rows, columns, cell length) it is found to be.
    """
    fname = file_name or path.name
    mapping = {vschema.header_key(k): v for k, v in (mapping or {}).items()}
    reason = sniff_not_spreadsheet(path) or (over_limits(path, limits) if limits is not None else None)
    if reason:
        return Parsed(fname, [], 0, errors=[RowError(fname, None, None, None, reason)], error_total=1)
    result = read_into_spool(path, fname, positions_of=lambda headers: _positions(headers, mapping, fname),
                             limits=limits, progress=progress, directory=spool_dir)
    return Parsed(fname, result.headers, result.rows_read, errors=result.errors, error_total=result.error_total,
                  missing_columns=result.missing_columns, ignored_columns=result.ignored_columns,
                  mapped=result.mapped, spool=result.spool)


def _read_xlsx_calamine(path: Path):
    """The fast workbook reader's view of ``path`` (headers and blocks of columns), or None when the
    engine's reader reads it instead (a workbook with formulas, or one the fast readers refuse)."""
    try:
        return _xlsx_fast(path, None)
    except FallBack:
        return None


def _drop_duplicate_ids(table: pa.Table, fname: str) -> tuple[pa.Table, list[RowError]]:
    ids = table.column("line_id").to_pylist()
    counts = Counter(ids)
    if all(c == 1 for c in counts.values()):
        return table, []
    rows = table.column("_row").to_pylist()
    first: dict[str, int] = {}
    keep, errors = [], []
    for line_id, row in zip(ids, rows, strict=True):
        if line_id in first:
            reason = f"duplicate line_id (first at row {first[line_id]})"
            errors.append(RowError(fname, row, "line_id", line_id, reason))
            keep.append(False)
        else:
            first[line_id] = row
            keep.append(True)
    return table.filter(pa.array(keep)), errors


def table_from_records(records: list[dict[str, Any]], file_name: str) -> Parsed:
    """JSON lines pushed through the API → the same checks as a file (values as text, like a CSV)."""
    known = set(LINE_FIELDS)
    present = [c for c in LINE_FIELDS if any(c in r for r in records)]
    unknown = sorted({k for r in records for k in r} - known)
    missing = [c for c in REQUIRED_FIELDS if c not in present]
    parsed = Parsed(file_name, present, len(records), missing_columns=missing, ignored_columns=unknown)
    if missing:
        return parsed
    cols = {c: pa.array([None if r.get(c) is None else str(r.get(c)) for r in records], pa.string())
            for c in present}
    cols["_row"] = pa.array(range(1, len(records) + 1), pa.int64())
    con = duckdb.connect()
    try:
        typed, errs = vio.normalise(con, pa.table(cols), vschema.LINES, file_name, skip_invalid=True)
    finally:
        con.close()
    typed, dup_errs = _drop_duplicate_ids(typed, file_name)
    parsed.table = typed
    parsed.errors = sorted(errs + dup_errs, key=lambda e: (e.row or 0, e.column or ""))
    parsed.error_total = len(parsed.errors)
    return parsed


# ---------------------------------------------------------------- audit

def line_key(org_code: str, line_id: str) -> str:
    return f"{org_code}{KEY_SEPARATOR}{line_id}"


def lines_table(rows: Iterable[tuple], columns: tuple[str, ...] = LINE_FIELDS) -> pa.Table:
    """Stored lines (tuples in ``columns`` order, ``line_id`` already the unit-qualified key) → the
    engine's canonical typed table."""
    data: dict[str, list] = {c: [] for c in columns}
    for row in rows:
        for c, v in zip(columns, row, strict=True):
            data[c].append(v)
    arrays = {}
    for c in columns:
        typ = LINE_SCHEMA.field(c).type
        values = data[c]
        if pa.types.is_string(typ):
            values = [v if v not in ("",) else None for v in values]
        elif pa.types.is_decimal(typ):
            values = [None if v is None else Decimal(str(v)).quantize(Decimal("0.01")) for v in values]
        elif pa.types.is_date(typ):
            values = [dt.date.fromisoformat(v) if isinstance(v, str) else v for v in values]
        arrays[c] = pa.array(values, typ)
    return pa.table(arrays, schema=pa.schema([LINE_SCHEMA.field(c) for c in columns]))


def units_table(units: Iterable[dict[str, Any]]) -> pa.Table:
    rows = list(units)
    return pa.table({
        "org_code": pa.array([u["org_code"] for u in rows], pa.string()),
        "name": pa.array([u.get("name") for u in rows], pa.string()),
        "level": pa.array([u.get("level") for u in rows], pa.string()),
        "province": pa.array([u.get("province") for u in rows], pa.string()),
        "city": pa.array([u.get("city") for u in rows], pa.string()),
        "reception_budget": pa.array([None if u.get("reception_budget") is None else Decimal(u["reception_budget"])
                                      for u in rows], pa.decimal128(18, 2)),
    })


def fleet_table(pairs: Iterable[tuple[str, str]]) -> pa.Table:
    rows = list(pairs)
    return pa.table({"org_code": pa.array([r[0] for r in rows], pa.string()),
                     "plate": pa.array([r[1] for r in rows], pa.string())})


def standards_version(std: vstandards.Standards) -> str:
    """Pack names with the ``version`` each pack.yaml declares, e.g. ``central 2026.1``."""
    parts = []
    for name in std.chain:
        try:
            meta = yaml.safe_load((vstandards.PACKS_DIR / name / "pack.yaml").read_text(encoding="utf-8")) or {}
        except OSError:
            meta = {}
        parts.append(f"{name} {meta.get('version', '')}".strip())
    return " → ".join(parts)[:60]


def load_standards(pack: str, as_of: dt.date | None = None,
                   calendar: list[dict[str, str]] | None = None) -> vstandards.Standards:
    """The pack chain; ``calendar`` (rows from ``cleangov.deadlines.api.holiday_calendar_rows``) is
    the holiday calendar to audit with instead of the shipped files alone."""
    return vstandards.load(pack, as_of, calendar=calendar)


def audit(lines: pa.Table, std: vstandards.Standards, *, units: pa.Table | None, fleet: pa.Table | None,
          progress: Callable[[str], None] | None = None) -> AuditResult:
    engine = DuckDBEngine(threads=2)
    try:
        return run_audit(lines, std, engine, units=units, fleet=fleet, progress=progress)
    finally:
        engine.close()


def audit_steps() -> int:
    """How many times ``audit`` calls ``progress`` (two line-rule passes, then one per set rule)."""
    return 2 + sum(1 for r in RULES.values() if r.kind == "set")


_YEAR = re.compile(r"(?<!\d)(\d{4}) ?年")


def finding_year(rule: str, zh: str, line_years: Iterable[int]) -> int | None:
    """The year a finding is about: the earliest year of its lines, or for line-less unit-year findings
    (Benford) the year its message names."""
    years = sorted(set(line_years))
    if years:
        return years[0]
    m = _YEAR.search(zh)
    return int(m.group(1)) if m else None


def fingerprint(rule: str, org_code: str | None, line_keys: Iterable[str], year: int | None) -> str:
    """Stable identity of a finding across runs: rule + unit + the sorted keys of its lines, or
    rule + unit + year for rules about a whole unit-year (whose line set grows as books are added)."""
    keys = sorted(line_keys)
    if rule in UNIT_YEAR_RULES or not keys:
        basis = f"{rule}\n{org_code or '*'}\n{year or '*'}"
    else:
        basis = f"{rule}\n{org_code or '*'}\n" + "\n".join(keys)
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()
