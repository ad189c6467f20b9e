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
from dataclasses import dataclass, field
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


@dataclass
class Parsed:
    """A file read and checked against the canonical schema; ``table`` holds the valid rows only."""

    file_name: str
    headers: list[str]
    rows_read: int
    table: pa.Table | None = None
    errors: list[RowError] = field(default_factory=list)
    error_total: int = 0
    missing_columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    mapped: dict[str, str] = field(default_factory=dict)  # file header → canonical column

    @property
    def ok(self) -> bool:
        return not self.missing_columns and not self.errors and self.table is not None

    @property
    def valid_rows(self) -> int:
        return self.table.num_rows if self.table is not None else 0


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


def _over_shape(headers: list[str], columns: dict[int, pa.Array], n_rows: int, limits: ReadLimits) -> str | None:
    import pyarrow.compute as pc

    if n_rows > limits.max_rows:
        return f"{n_rows} rows; at most {limits.max_rows} rows are accepted in one file"
    if len(headers) > limits.max_columns:
        return f"{len(headers)} columns; at most {limits.max_columns} columns are accepted"
    for i, col in columns.items():
        if len(col) and (pc.max(pc.utf8_length(col)).as_py() or 0) > limits.max_cell_chars:
            name = headers[i] if i < len(headers) else str(i + 1)
            return f"a cell of column '{name}' holds more than {limits.max_cell_chars} characters"
    return None


def read_upload(path: Path, *, file_name: str | None = None, mapping: dict[str, str] | None = None,
                progress: Callable[[str], None] | None = None, limits: ReadLimits | None = None) -> Parsed:
    """Read a CSV/XLSX upload and check every row; never raises for bad rows (they are listed).

    ``mapping`` maps a header (normalised with :func:`voucher_audit.schema.header_key`) to a canonical
    column, for layouts the engine's Chinese aliases do not cover; an empty value ignores the column.
    With ``limits``, a file beyond them is refused whole before (size, unpacked size) or right after
    (rows, columns, cell length) it is read.
    """
    fname = file_name or path.name
    mapping = {vschema.header_key(k): v for k, v in (mapping or {}).items()}
    reason = sniff_not_spreadsheet(path) or (over_limits(path, limits) if limits is not None else None)
    if reason:
        return Parsed(fname, [], 0, errors=[RowError(fname, None, None, None, reason)], error_total=1)
    suffix = path.suffix.lower()
    fast = _read_csv_arrow(path) if suffix in (".csv", ".txt") else _read_xlsx_calamine(path) if suffix in (
        ".xlsx", ".xlsm") else None
    if fast is not None:
        shape = _over_shape(*fast, limits) if limits is not None else None
        if shape:
            return Parsed(fname, fast[0], fast[2], errors=[RowError(fname, None, None, None, shape)], error_total=1)
        return _check(fname, *fast, mapping=mapping, progress=progress)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            rows = vio.read_xlsx_rows(path, limits)
        else:
            if path.stat().st_size == 0:
                raise InputError([RowError(fname, None, None, None, "empty file: no header row")])
            rows = vio.read_csv_rows(path, limits)
    except InputError as exc:
        return Parsed(fname, [], 0, errors=list(exc.errors), error_total=exc.total)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        return Parsed(fname, [], 0, errors=[RowError(fname, None, None, None, f"cannot read the file: {exc}")],
                      error_total=1)
    if progress:
        progress("read")
    while rows and all(c is None or str(c).strip() == "" for c in rows[-1]):
        rows.pop()
    if not rows or all(c is None or str(c).strip() == "" for c in rows[0]):
        return Parsed(fname, [], 0, errors=[RowError(fname, None, None, None, "empty file: no header row")],
                      error_total=1)
    headers = ["" if h is None else str(h) for h in rows[0]]
    body = rows[1:]
    columns = {i: pa.array([(r[i] if i < len(r) else None) for r in body], pa.string()) for i in range(len(headers))}
    shape = _over_shape(headers, columns, len(body), limits) if limits is not None else None
    if shape:
        return Parsed(fname, headers, len(body), errors=[RowError(fname, None, None, None, shape)], error_total=1)
    return _check(fname, headers, columns, len(body), mapping=mapping, progress=progress)


def _read_csv_arrow(path: Path) -> tuple[list[str], dict[int, pa.Array], int] | None:
    """UTF-8 CSV through Arrow's C++ reader (every cell as text): the fast path for large files.
    None when the file needs the engine's reader (GBK, ragged rows, anything unusual)."""
    import csv as pycsv

    import pyarrow.csv as pacsv

    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            header = next(pycsv.reader(f), None)
        if not header:
            return None
        names = [f"c{i}" for i in range(len(header))]
        table = pacsv.read_csv(
            path, read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=64 << 20),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (UnicodeDecodeError, pa.ArrowInvalid, OSError, StopIteration):
        return None
    n = table.num_rows
    # trailing rows of empty cells are not rows (as in the engine's reader)
    import pyarrow.compute as pc

    if n and all(not str(col[n - 1].as_py()).strip() for col in table.columns):
        filled = None
        for col in table.columns:
            part = pc.not_equal(pc.utf8_trim_whitespace(col), "")
            filled = part if filled is None else pc.or_(filled, part)
        idx = pc.indices_nonzero(filled)
        last = idx[len(idx) - 1].as_py() + 1 if len(idx) else 0
        if last < n:
            table, n = table.slice(0, last), last
    columns = {i: table.column(i).combine_chunks() for i in range(len(names))}
    return [h.replace("\ufeff", "") for h in header], columns, n


def _has_formulas(path: Path) -> bool:
    """True when any worksheet holds a formula: those files go to the engine's reader, which evaluates
    simple formulas that have no cached value (Calamine would see them as empty)."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            tail = b""
            with z.open(name) as f:
                while chunk := f.read(1 << 20):
                    window = tail + chunk
                    if b"<f>" in window or b"<f " in window or b"<f/>" in window:
                        return True
                    tail = chunk[-8:]
    return False


def _xlsx_cell(value) -> str | None:
    """A Calamine cell as the text the engine's XLSX reader would give (its empty strings and durations: none)."""
    if value == "" or isinstance(value, dt.timedelta):
        return None
    return vio.cell_text(value)


def _read_xlsx_calamine(path: Path) -> tuple[list[str], dict[int, pa.Array], int] | None:
    """The first worksheet through Calamine (Rust), one pass: the fast path for large workbooks.
    None (→ the engine's openpyxl reader) for workbooks with formulas or anything Calamine refuses."""
    try:
        import python_calamine

        if not zipfile.is_zipfile(path) or _has_formulas(path):
            return None
        sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception:  # any reader failure means "use the engine's reader"
        return None
    while rows and all(c is None or str(c).strip() == "" for c in rows[-1]):
        rows.pop()
    if not rows:
        return None
    header = [_xlsx_cell(h) or "" for h in rows[0]]
    body = rows[1:]
    columns = {}
    for i in range(len(header)):
        values = [r[i] if i < len(r) else None for r in body]
        if all(type(v) is str for v in values):
            columns[i] = pa.array([v or None for v in values], pa.string())
        else:
            columns[i] = pa.array([_xlsx_cell(v) for v in values], pa.string())
    return header, columns, len(body)


def _check(fname: str, headers: list[str], columns: dict[int, pa.Array], n_rows: int, *, mapping: dict[str, str],
           progress: Callable[[str], None] | None) -> Parsed:
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
    parsed = Parsed(fname, headers, n_rows, missing_columns=missing, ignored_columns=ignored, mapped=mapped)
    if errors or missing:
        parsed.errors, parsed.error_total = errors, len(errors)
        return parsed
    cols = {name: columns[i] for name, i in positions.items()}
    cols["_row"] = pa.array(range(2, n_rows + 2), pa.int64())
    raw = pa.table(cols)
    con = duckdb.connect()
    try:
        typed, errs = vio.normalise(con, raw, vschema.LINES, fname, skip_invalid=True)
    except InputError as exc:
        parsed.errors, parsed.error_total = list(exc.errors), exc.total
        return parsed
    finally:
        con.close()
    typed, dup_errs = _drop_duplicate_ids(typed, fname)
    parsed.table = typed
    parsed.errors = sorted(errs + dup_errs, key=lambda e: (e.row or 0, e.column or ""))
    parsed.error_total = len(parsed.errors)
    if progress:
        progress("checked")
    return parsed


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
