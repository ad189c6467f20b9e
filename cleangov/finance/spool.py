"""A voucher file read as a stream into a spool on disk, so that memory stays bounded whatever its size.

:func:`read_into_spool` reads a CSV or XLSX file a block of rows at a time (Arrow's streaming CSV reader;
openpyxl's read-only mode or Calamine for a workbook; the engine's readers for GBK text and workbooks with
formulas), checks each block against the read limits and the engine's ``normalise``, and appends the valid
rows to a DuckDB database file in a temporary directory (:class:`LineSpool`). Every problem found goes to the
spool's ``problems`` table, not to a Python list: a file of two million bad rows has two million problems.
Checks that look across blocks (a duplicate line id, later the platform's checks in
:mod:`cleangov.finance.imports.plan`) run as SQL over the spool, and the import writes the lines from it a
block at a time. DuckDB keeps its own memory under ``SPOOL_MEMORY`` and spills to the spool's directory past
it. Nothing here imports Django. The SQL strings built here hold only constant names and stages (values
are bound or come from the platform's own unit codes, quoted), hence the ``S608`` exemptions.
"""

from __future__ import annotations

import csv as pycsv
import datetime as dt
import shutil
import tempfile
import weakref
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from voucher_audit import io as vio
from voucher_audit import schema as vschema
from voucher_audit.io import InputError, RowError
from voucher_audit.limits import ReadLimits

BLOCK_ROWS = 100_000          # rows checked and stored at a time
CSV_BLOCK_BYTES = 8 << 20     # Arrow's CSV block: about 100,000 rows of a voucher export
SPOOL_MEMORY = "512MB"  # DuckDB's own limit for a spool (it spills past it); the row-problem query of a block
# with many bad rows joins once per check and needs more than 256 MB even for a few rows
PROBLEMS_KEPT = 1000          # problems kept as Python objects (the first by row); the rest stay on disk
# Calamine reads a whole worksheet into memory: the sheet's XML is given to it in pieces of this size.
CALAMINE_PIECE_BYTES = 24 << 20

# problem stages: the file itself, the platform's plan, the plan made again under the import lock
STAGE_READ, STAGE_PLAN, STAGE_RECHECK = "read", "plan", "recheck"
# what a damaged file makes the readers raise, besides their own named errors
UNREADABLE = (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, NotImplementedError, zlib.error)


class Refused(Exception):
    """The file as a whole cannot be read; ``errors`` say why."""

    def __init__(self, errors: list[RowError], total: int | None = None):
        self.errors = errors
        self.total = total if total is not None else len(errors)
        super().__init__(errors[0].reason if errors else "refused")


class FallBack(Exception):
    """The fast reader cannot read this file: read it again with the engine's reader."""


def _remove(con: duckdb.DuckDBPyConnection, directory: Path) -> None:
    try:
        con.close()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


class LineSpool:
    """The checked lines of one file (table ``lines``, with ``_row``, the row in the file) and every problem
    found in it (table ``problems``), in a DuckDB database in a temporary directory removed with the spool.

    Built from an Arrow table (lines pushed through the API, the demo), the spool is an in-memory DuckDB
    database and ``lines`` a view of the table: no copy."""

    def __init__(self, table: pa.Table | None = None, *, directory: str | Path | None = None):
        if table is None:
            self.dir: Path | None = Path(tempfile.mkdtemp(prefix="cleangov-import-", dir=directory))
            self.con = duckdb.connect(str(self.dir / "spool.duckdb"))
            self.con.execute(f"SET temp_directory = '{self.dir / 'tmp'}'")
        else:
            self.dir = None
            self.con = duckdb.connect()
        self.con.execute(f"SET memory_limit = '{SPOOL_MEMORY}'")
        self.con.execute("SET threads = 2")
        self.con.execute("CREATE SEQUENCE problem_seq")
        self.con.execute("CREATE TABLE problems (row BIGINT, col VARCHAR, val VARCHAR, reason VARCHAR, "
                         "stage VARCHAR, seq BIGINT)")
        self.has_lines = table is not None
        if table is not None:
            self.con.register("lines", table)
        self._finalizer = weakref.finalize(self, _remove, self.con, self.dir) if self.dir else \
            weakref.finalize(self, self.con.close)

    def close(self) -> None:
        self._finalizer()

    # ---------------------------------------------------------------- lines

    def append(self, typed: pa.Table) -> None:
        self.con.register("_block", typed)
        try:
            if self.has_lines:
                self.con.execute("INSERT INTO lines BY NAME SELECT * FROM _block")
            else:
                self.con.execute("CREATE TABLE lines AS SELECT * FROM _block")
                self.has_lines = True
        finally:
            self.con.unregister("_block")

    def line_count(self) -> int:
        if not self.has_lines:
            return 0
        return self.con.execute("SELECT COUNT(*) FROM lines").fetchall()[0][0]

    def to_table(self) -> pa.Table | None:
        """Every line as one Arrow table: for small files and tests only (the import never calls it)."""
        if not self.has_lines:
            return None
        return self.con.sql("SELECT * FROM lines ORDER BY _row").to_arrow_table()

    def column_names(self) -> list[str]:
        if not self.has_lines:
            return []
        return [d[0] for d in self.con.sql("SELECT * FROM lines LIMIT 0").description]

    # ---------------------------------------------------------------- problems

    def add_problems(self, errors: Iterable[RowError], stage: str = STAGE_READ) -> None:
        errors = list(errors)
        if not errors:
            return
        block = pa.table({
            "row": pa.array([e.row for e in errors], pa.int64()),
            "col": pa.array([e.column for e in errors], pa.string()),
            "val": pa.array([None if e.value is None else str(e.value) for e in errors], pa.string()),
            "reason": pa.array([e.reason for e in errors], pa.string()),
        })
        self.con.register("_problems", block)
        try:
            self.con.execute("INSERT INTO problems SELECT row, col, val, reason, ?, nextval('problem_seq') "
                             "FROM _problems", [stage])
        finally:
            self.con.unregister("_problems")

    def add_problems_sql(self, select: str, params: list | None = None, stage: str = STAGE_PLAN) -> None:
        """Problems from a query over the spool: ``select`` gives (row, col, val, reason)."""
        self.con.execute(f"INSERT INTO problems SELECT p.*, ?, nextval('problem_seq') FROM ({select}) AS p",  # noqa: S608
                         [stage, *(params or [])])

    def clear_problems(self, stage: str) -> None:
        self.con.execute("DELETE FROM problems WHERE stage = ?", [stage])

    @staticmethod
    def _stages(stages: Iterable[str]) -> str:
        return "(" + ", ".join(f"'{s}'" for s in stages) + ")"

    def problem_total(self, stages: Iterable[str] = (STAGE_READ, STAGE_PLAN), where: str = "") -> int:
        return self.con.execute(f"SELECT COUNT(*) FROM problems WHERE stage IN {self._stages(stages)} {where}"  # noqa: S608
                                ).fetchall()[0][0]

    def bad_row_total(self, stages: Iterable[str] = (STAGE_READ, STAGE_PLAN)) -> int:
        return self.con.execute(f"SELECT COUNT(DISTINCT row) FROM problems WHERE stage IN {self._stages(stages)}"  # noqa: S608
                                ).fetchall()[0][0]

    def bad_rows_sql(self, stages: Iterable[str]) -> str:
        """A subquery of the rows with a problem of one of ``stages``."""
        return f"(SELECT row FROM problems WHERE row IS NOT NULL AND stage IN {self._stages(stages)})"  # noqa: S608

    def problems(self, fname: str, *, limit: int | None = None,
                 stages: Iterable[str] = (STAGE_READ, STAGE_PLAN), where: str = "") -> list[RowError]:
        """The first problems (``limit``, default :data:`PROBLEMS_KEPT`) in the order of the file (row,
        then column, then as found); :meth:`iter_problems` streams them all."""
        sql = (f"SELECT row, col, val, reason FROM problems WHERE stage IN {self._stages(stages)} {where} "  # noqa: S608
               f"ORDER BY COALESCE(row, 0), COALESCE(col, ''), seq LIMIT {int(limit or PROBLEMS_KEPT)}")
        return [RowError(fname, r, c, v, reason) for r, c, v, reason in self.con.execute(sql).fetchall()]

    def iter_problems(self, stages: Iterable[str] = (STAGE_READ, STAGE_PLAN),
                      block: int = 50_000) -> Iterator[tuple]:
        """Every problem (row, column, value, reason) in the order of the file, a block at a time."""
        cur = self.con.cursor()
        try:
            cur.execute(f"SELECT row, col, val, reason FROM problems WHERE stage IN {self._stages(stages)} "  # noqa: S608
                        "ORDER BY COALESCE(row, 0), COALESCE(col, ''), seq")
            while chunk := cur.fetchmany(block):
                yield from chunk
        finally:
            cur.close()

    def drop_duplicate_ids(self, fname: str) -> None:
        """A line id seen again later in the file: the later row is a problem and not a line."""
        if not self.has_lines:
            return
        dup = ("SELECT l._row, 'line_id', l.line_id, 'duplicate line_id (first at row ' || f.first || ')' "
               "FROM lines l JOIN (SELECT line_id, MIN(_row) AS first FROM lines GROUP BY line_id "
               "HAVING COUNT(*) > 1) f ON f.line_id = l.line_id WHERE l._row > f.first")
        before = self.problem_total((STAGE_READ,))
        self.add_problems_sql(dup, stage=STAGE_READ)
        if self.problem_total((STAGE_READ,)) > before:
            self.con.execute("DELETE FROM lines WHERE _row IN (SELECT row FROM problems WHERE stage = 'read' "
                             "AND col = 'line_id' AND starts_with(reason, 'duplicate line_id'))")


# -------------------------------------------------------------------- reading blocks

def _blank_mask(columns: list[pa.Array]) -> pa.Array:
    """True for the rows with at least one non-blank cell."""
    filled = None
    for col in columns:
        part = pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(col), ""), False)
        filled = part if filled is None else pc.or_(filled, part)
    return filled


def _drop_trailing_blank(blocks: Iterator[list[pa.Array]]) -> Iterator[list[pa.Array]]:
    """Blocks of columns without the blank rows at the very end of the file (blank rows in between stay
    rows, as in the engine's reader): blank rows at the end of a block wait until a later block has data."""
    pending: list[list[pa.Array]] = []
    for cols in blocks:
        if not cols or not len(cols[0]):
            continue
        idx = pc.indices_nonzero(_blank_mask(cols))
        if not len(idx):
            pending.append(cols)
            continue
        last = idx[len(idx) - 1].as_py() + 1
        parts = [*pending, [c.slice(0, last) for c in cols]]
        pending = [[c.slice(last) for c in cols]] if last < len(cols[0]) else []
        yield [pa.concat_arrays([p[i] for p in parts]) if len(parts) > 1 else parts[0][i]
               for i in range(len(cols))]


def _csv_arrow(path: Path) -> tuple[list[str], Iterator[list[pa.Array]]]:
    """UTF-8 CSV through Arrow's streaming C++ reader, every cell as text: the fast path. Raises
    :class:`FallBack` (perhaps after some blocks) for anything it cannot read: GBK, ragged rows…"""
    import pyarrow.csv as pacsv

    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            header = next(pycsv.reader(f), None)
    except (UnicodeDecodeError, OSError, pycsv.Error) as exc:
        raise FallBack from exc
    if not header:
        raise FallBack
    names = [f"c{i}" for i in range(len(header))]
    try:
        reader = pacsv.open_csv(
            path, read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=CSV_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (UnicodeDecodeError, pa.ArrowInvalid, OSError) as exc:
        raise FallBack from exc

    def blocks() -> Iterator[list[pa.Array]]:
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                return
            except (UnicodeDecodeError, pa.ArrowInvalid, OSError) as exc:
                raise FallBack from exc
            yield [batch.column(i) for i in range(len(names))]

    return [h.replace("\ufeff", "") for h in header], blocks()


def _rows_to_blocks(rows: Iterator[list], width: int, convert: Callable[[object], str | None]) -> Iterator[list]:
    buf: list[list] = []
    for r in rows:
        buf.append(r)
        if len(buf) >= BLOCK_ROWS:
            yield _columns(buf, width, convert)
            buf = []
    if buf:
        yield _columns(buf, width, convert)


def _columns(rows: list[list], width: int, convert) -> list[pa.Array]:
    out = []
    for i in range(width):
        values = [r[i] if i < len(r) else None for r in rows]
        if convert is _xlsx_cell and all(type(v) is str for v in values):
            out.append(pa.array([v or None for v in values], pa.string()))  # text cells: nothing to convert
        else:
            out.append(pa.array([convert(v) for v in values], pa.string()))
    return out


def _xlsx_cell(value) -> str | None:
    """A cell as the text the engine's XLSX reader would give (empty strings and durations: none)."""
    if value == "" or isinstance(value, dt.timedelta):
        return None
    return vio.cell_text(value)


def _text_cell(value) -> str | None:
    return None if value is None else str(value)


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


def _xlsx_fast(path: Path, limits: ReadLimits | None) -> tuple[list[str], Iterator[list[pa.Array]]]:
    """A formula-free workbook's first worksheet through Calamine (Rust), a piece of the sheet at a time
    (:func:`_calamine_rows`), or through openpyxl's read-only mode when the sheet cannot be cut into
    pieces. :class:`FallBack` for workbooks with formulas or anything these readers refuse."""
    try:
        if not zipfile.is_zipfile(path) or _has_formulas(path):
            raise FallBack
        rows = _calamine_rows(path)
        first = next(rows, None)
    except FallBack:
        raise
    except Exception as exc:  # any reader failure means "use the engine's reader"
        raise FallBack from exc
    if first is None:
        raise FallBack
    header = [_xlsx_cell(h) or "" for h in first]

    def guarded() -> Iterator[list]:
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except FallBack:
                raise
            except Exception as exc:
                raise FallBack from exc
            yield row

    return header, _rows_to_blocks(guarded(), len(header), _xlsx_cell)


def _first_sheet_part(z: zipfile.ZipFile) -> str:
    """The package path of the workbook's first worksheet (the one Calamine's index 0 reads)."""
    from defusedxml import ElementTree

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    book = ElementTree.fromstring(z.read("xl/workbook.xml"))
    sheet = book.find(f"{main}sheets/{main}sheet")
    if sheet is None:
        raise FallBack
    rid = sheet.get(f"{rel_ns}id")
    rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    for rel in rels:
        if rel.get("Id") == rid:
            target = rel.get("Target") or ""
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise FallBack


EMPTY_SHEET = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               b"<sheetData/></worksheet>")


def _sheet_pieces(stream, piece_bytes: int) -> Iterator[bytes]:
    """A worksheet's XML (a binary stream) as complete worksheets of at most about ``piece_bytes`` each:
    the part before ``<sheetData>`` (without its ``<dimension>``, a promise about the whole sheet), then
    whole ``<row>`` elements. :class:`FallBack` for XML this cannot cut safely (prefixed tags, rows
    without their number)."""
    import re

    buf = b""
    while b"<sheetData" not in buf:
        chunk = stream.read(1 << 20)
        if not chunk:
            raise FallBack
        buf += chunk
        if len(buf) > (16 << 20):
            raise FallBack
    at = buf.index(b"<sheetData")
    close = buf.index(b">", at) if b">" in buf[at:] else -1
    if close < 0:
        raise FallBack
    prefix = re.sub(rb"<dimension[^>]*/>", b"", buf[:at])
    if buf[close - 1:close] == b"/":  # <sheetData/>: no rows
        yield prefix + b"<sheetData/></worksheet>"
        return
    buf = buf[close + 1:]
    done = False
    while not done:
        while len(buf) < piece_bytes:
            chunk = stream.read(4 << 20)
            if not chunk:
                done = True
                break
            buf += chunk
        end = buf.find(b"</sheetData>") if done or b"</sheetData>" in buf else -1
        if end >= 0:
            piece, buf, done = buf[:end], b"", True
        else:
            cut = buf.rfind(b"</row>")
            if cut < 0:
                raise FallBack
            piece, buf = buf[:cut + 6], buf[cut + 6:]
        head = piece[:piece.find(b">", piece.find(b"<row")) + 1] if b"<row" in piece else b""
        if head and b' r="' not in head:
            raise FallBack  # rows without their number: a piece could not say where it starts
        if b"<row" not in piece and b":row" in piece:
            raise FallBack
        out = b"".join((prefix, b"<sheetData>", piece, b"</sheetData></worksheet>"))
        del piece  # one copy of a piece at a time
        yield out
        del out


def _calamine_rows(path: Path, piece_bytes: int | None = None) -> Iterator[list]:
    """Every row of the first worksheet, as Calamine reads it, with memory bounded by the size of a piece.

    Calamine reads a whole worksheet into memory (about 1.6 bytes for each byte of its XML: 1.2 GB for two
    million short rows), so the sheet's XML is cut at row boundaries into pieces of about ``piece_bytes``;
    each piece becomes a small workbook (the same shared strings and styles, this one sheet) that Calamine
    reads from memory. Cells keep their place: rows and columns before a piece's first cell come as blanks,
    as ``to_python(skip_empty_area=False)`` gives them."""
    import io

    import python_calamine

    piece_bytes = piece_bytes or CALAMINE_PIECE_BYTES
    with zipfile.ZipFile(path) as z:
        part = _first_sheet_part(z)
        names = z.namelist()
        if part not in names:
            raise FallBack
        keep = {}
        for info in z.infolist():
            if info.filename == part or info.is_dir():
                continue
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                keep[info.filename] = EMPTY_SHEET
            elif info.filename.endswith((".xml", ".rels")) and (
                    info.file_size <= (8 << 20) or info.filename == "xl/sharedStrings.xml"):
                try:
                    keep[info.filename] = z.read(info.filename)
                except UNREADABLE:
                    continue  # a damaged part Calamine may not need (it says so if it does)
        expected = 0  # the next row (0-based) the sheet owes its reader
        with z.open(part) as stream:
            for piece in _sheet_pieces(stream, piece_bytes):
                buf = io.BytesIO()
                with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as out:
                    for name, data in keep.items():
                        out.writestr(name, data)
                    out.writestr(part, piece)
                del piece
                buf.seek(0)
                book = python_calamine.CalamineWorkbook.from_filelike(buf)
                sheet = book.get_sheet_by_index(0)
                start = sheet.start
                if start is None:
                    continue
                row0, col0 = start
                while expected < row0:
                    yield []
                    expected += 1
                pad = [None] * col0
                rows = sheet.to_python(skip_empty_area=True)  # this piece's rows only (its own memory)
                del sheet, book, buf
                for row in rows:
                    yield pad + row if col0 else row
                    expected += 1
                del rows


def _engine_rows(path: Path, limits: ReadLimits | None) -> tuple[list[str], Iterator[list[pa.Array]]]:
    """The engine's readers (GBK text, ragged rows, workbooks with formulas), within ``limits``. The rows of
    a CSV stream; a workbook's rows after its first formula without a cached value are held until the
    sheet has been read (the formula may refer to any cell)."""
    fname = path.name
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = vio.iter_xlsx_rows(path, limits)
    else:
        if path.stat().st_size == 0:
            raise InputError([RowError(fname, None, None, None, "empty file: no header row")])
        rows = vio.iter_csv_rows(path, limits)
    first = next(rows, None)
    if first is None or all(c is None or str(c).strip() == "" for c in first):
        raise Refused([RowError(fname, None, None, None, "empty file: no header row")])
    headers = ["" if h is None else str(h) for h in first]
    return headers, _rows_to_blocks(rows, len(headers), _text_cell)


# -------------------------------------------------------------------- the whole read

class ReadResult:
    def __init__(self, headers: list[str], rows_read: int, spool: LineSpool | None, *, errors=None,
                 error_total: int = 0, missing_columns=None, ignored_columns=None, mapped=None):
        self.headers, self.rows_read, self.spool = headers, rows_read, spool
        self.errors = errors or []
        self.error_total = error_total
        self.missing_columns = missing_columns or []
        self.ignored_columns = ignored_columns or []
        self.mapped = mapped or {}


def _over_cells(headers: list[str], cols: list[pa.Array], limits: ReadLimits) -> str | None:
    for i, col in enumerate(cols):
        if len(col) and (pc.max(pc.utf8_length(col)).as_py() or 0) > limits.max_cell_chars:
            name = headers[i] if i < len(headers) else str(i + 1)
            return f"a cell of column '{name}' holds more than {limits.max_cell_chars} characters"
    return None


def read_into_spool(path: Path, fname: str, *, positions_of: Callable[[list[str]], tuple],
                    limits: ReadLimits | None, progress: Callable[[str], None] | None = None,
                    directory: str | Path | None = None) -> ReadResult:
    """Read ``path`` block by block into a new :class:`LineSpool`. ``positions_of(headers)`` maps the
    headers to canonical columns: (positions, ignored, mapped, header errors, missing columns)."""
    suffix = path.suffix.lower()
    attempts: list[Callable[[], tuple[list[str], Iterator[list[pa.Array]]]]] = []
    if suffix in (".csv", ".txt"):
        attempts.append(lambda: _csv_arrow(path))
    elif suffix in (".xlsx", ".xlsm"):
        attempts.append(lambda: _xlsx_fast(path, limits))
    attempts.append(lambda: _engine_rows(path, limits))
    for k, attempt in enumerate(attempts):
        spool = LineSpool(directory=directory)
        try:
            return _read_blocks(spool, fname, attempt, positions_of=positions_of, limits=limits, progress=progress,
                                fast=k < len(attempts) - 1)
        except FallBack:
            spool.close()
            continue
        except BaseException:
            spool.close()
            raise
    raise AssertionError("the engine's reader never falls back")  # pragma: no cover


def _read_blocks(spool: LineSpool, fname: str, attempt, *, positions_of, limits: ReadLimits | None,
                 progress, fast: bool) -> ReadResult:
    try:
        headers, blocks = attempt()
    except (InputError, Refused) as exc:
        spool.close()
        return ReadResult([], 0, None, errors=list(exc.errors), error_total=exc.total)
    except UNREADABLE as exc:
        spool.close()
        return ReadResult([], 0, None, errors=[RowError(fname, None, None, None, f"cannot read the file: {exc}")],
                          error_total=1)
    positions, ignored, mapped, header_errors, missing = positions_of(headers)

    def refuse(reason: str, rows: int) -> ReadResult:
        spool.close()
        return ReadResult(headers, rows, None, errors=[RowError(fname, None, None, None, reason)], error_total=1)

    if limits is not None and len(headers) > limits.max_columns:
        return refuse(f"{len(headers)} columns; at most {limits.max_columns} columns are accepted", 0)
    check_rows = not (header_errors or missing)
    con = spool.con
    n = 0
    try:
        for cols in _drop_trailing_blank(blocks):
            size = len(cols[0])
            if limits is not None:
                if n + size > limits.max_rows:
                    return refuse(f"more than {limits.max_rows} rows; at most {limits.max_rows} rows are accepted "
                                  "in one file", n + size)
                shape = _over_cells(headers, cols, limits)
                if shape:
                    return refuse(shape, n + size)
            if check_rows:
                raw = {name: cols[i] for name, i in positions.items()}
                raw["_row"] = pa.array(range(n + 2, n + size + 2), pa.int64())
                try:
                    typed, errs = vio.normalise(con, pa.table(raw), vschema.LINES, fname, skip_invalid=True)
                except InputError as exc:  # the columns themselves (never the rows: those are skipped)
                    spool.close()
                    return ReadResult(headers, n, None, errors=list(exc.errors), error_total=exc.total,
                                      ignored_columns=ignored, mapped=mapped)
                spool.append(typed)
                spool.add_problems(errs)
            n += size
            if progress:
                progress("block")
    except (InputError, Refused) as exc:
        if fast:
            raise FallBack from exc
        spool.close()
        return ReadResult(headers, n, None, errors=list(exc.errors), error_total=exc.total)
    except UNREADABLE as exc:
        if fast:
            raise FallBack from exc
        return refuse(f"cannot read the file: {exc}", n)
    except duckdb.Error as exc:  # the spool itself (its disk, its memory): the file could not be checked
        return refuse(f"the file could not be checked: {exc}", n)
    if progress:
        progress("read")
    result = ReadResult(headers, n, spool, ignored_columns=ignored, mapped=mapped, missing_columns=missing)
    if header_errors or missing:
        spool.close()
        result.spool = None
        result.errors, result.error_total = list(header_errors), len(header_errors)
        return result
    try:
        spool.drop_duplicate_ids(fname)
    except duckdb.Error as exc:
        return refuse(f"the file could not be checked: {exc}", n)
    if not spool.has_lines:
        # no rows at all: an empty table with the canonical columns, as for any other file
        typed, _ = vio.normalise(con, pa.table({**{name: pa.array([], pa.string()) for name in positions},
                                                "_row": pa.array([], pa.int64())}),
                                 vschema.LINES, fname, skip_invalid=True)
        spool.append(typed)
    result.error_total = spool.problem_total((STAGE_READ,))
    result.errors = spool.problems(fname, stages=(STAGE_READ,))
    if progress:
        progress("checked")
    return result
