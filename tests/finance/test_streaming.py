"""The voucher import reads a file as a stream: blocks of rows into a spool on disk, problems kept on disk
with only the first in memory, lines written back a block at a time inside one transaction. Small blocks
here stand for the 100,000-row blocks of a large file; the result must not depend on where blocks end."""

from __future__ import annotations

import tempfile

import pytest

from cleangov.finance import engine as E
from cleangov.finance import spool as S
from cleangov.finance.imports import ImportRefused
from cleangov.finance.imports import write as W
from cleangov.finance.models import ImportBatch, VoucherLine
from tests.support.finance import csv_bytes, sample_rows, write_xlsx

from .helpers import import_rows, write_csv

pytestmark = pytest.mark.django_db


def _rows(code: str, n: int) -> list[list[str]]:
    rows = []
    for k in range(0, n, 6):
        rows += sample_rows(code, start_no=k + 1)
    return rows[:n]


def _read(path):
    parsed = E.read_upload(path)
    table = parsed.table
    return (parsed.rows_read, [(e.row, e.column, e.value, e.reason) for e in parsed.errors], parsed.error_total,
            None if table is None else table.to_pylist())


def test_blocks_do_not_change_what_is_read(county, tmp_path, monkeypatch):
    """Duplicate line ids across blocks, a bad row, a blank row inside and blank rows at the end read the
    same in blocks of five rows (or 800 bytes) as in one block."""
    rows = _rows(county.villages["a"].code, 14)
    rows[9][0] = rows[1][0]  # a duplicate line id, in a later block
    rows[5][3] = "2025-02-30"  # an impossible date
    rows.insert(7, [""] * len(rows[0]))  # a blank row between lines: a row with problems
    data = csv_bytes(rows) + b",,,,,,,,,,,,,,,,,\r\n" * 5
    path = tmp_path / "v.csv"
    path.write_bytes(data)
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(data.decode("utf-8").encode("gbk"))
    whole, whole_gbk = _read(path), _read(gbk)
    monkeypatch.setattr(S, "CSV_BLOCK_BYTES", 800)
    monkeypatch.setattr(S, "BLOCK_ROWS", 5)
    blocks, blocks_gbk = _read(path), _read(gbk)
    assert whole == blocks and whole_gbk == blocks_gbk
    assert whole[0] == 15 and whole[3] is not None and len(whole[3]) == 13 - 1
    reasons = [r for _row, _col, _val, r in whole[1]]
    assert any("duplicate line_id (first at row 3)" in r for r in reasons) and whole[2] == len(whole[1])
    assert whole[1] and whole_gbk[1] and [e[:3] for e in whole[1]] == [e[:3] for e in whole_gbk[1]]


def test_a_workbook_cut_into_pieces_reads_like_the_whole_sheet(county, tmp_path):
    import openpyxl

    rows = _rows(county.villages["a"].code, 30)
    path = write_xlsx(tmp_path / "v.xlsx", rows)
    wb = openpyxl.load_workbook(path)
    wb.active.insert_rows(12, 3)  # three empty rows inside: no <row> element for them
    wb.save(path)
    whole = list(S._calamine_rows(path))
    pieces = list(S._calamine_rows(path, piece_bytes=600))
    assert len(pieces) == len(whole) == 34
    assert [[c or None for c in r] for r in pieces] == [[c or None for c in r] for r in whole]


def test_only_the_first_problems_stay_in_memory(county, tmp_path, monkeypatch):
    monkeypatch.setattr(S, "PROBLEMS_KEPT", 5)
    rows = _rows(county.villages["a"].code, 24)
    for r in rows:
        r[4] = "旅游费"  # every row: unknown category
    parsed = E.read_upload(write_csv(tmp_path, "bad.csv", rows))
    assert parsed.error_total == 24 and [e.row for e in parsed.errors] == [2, 3, 4, 5, 6]
    assert len(list(parsed.spool.iter_problems())) == 24
    with pytest.raises(ImportRefused) as info:
        import_rows(county, tmp_path, rows, name="bad2.csv")
    assert info.value.total == 24 and len(info.value.errors) == 5 and "24 invalid rows" in str(info.value.message)
    assert not ImportBatch.objects.exists()


def test_the_import_writes_in_blocks_inside_one_transaction(county, tmp_path, monkeypatch):
    """A failure after some blocks were written leaves nothing; the same import then writes every line."""
    monkeypatch.setattr(W, "WRITE_BLOCK_ROWS", 4)
    rows = _rows(county.villages["a"].code, 18)
    written = []
    real = W.insert_lines

    def failing(batch, table, unit_ids, progress=None):
        written.append(table.num_rows)
        if len(written) == 3:
            raise OSError("the disk is gone")
        return real(batch, table, unit_ids, progress=progress)

    monkeypatch.setattr(W, "insert_lines", failing)
    with pytest.raises(OSError):
        import_rows(county, tmp_path, rows)
    assert written == [4, 4, 4] and not ImportBatch.objects.exists() and not VoucherLine.objects.exists()
    monkeypatch.setattr(W, "insert_lines", real)
    batch = import_rows(county, tmp_path, rows)
    assert batch.rows_imported == 18
    assert list(VoucherLine.objects.order_by("id").values_list("row_no", flat=True)) == list(range(2, 20))


def test_the_spool_is_removed_after_the_import(county, tmp_path, monkeypatch):
    spools = tmp_path / "spools"
    spools.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spools))
    import_rows(county, tmp_path, _rows(county.villages["a"].code, 6))
    with pytest.raises(ImportRefused):
        import_rows(county, tmp_path, _rows(county.villages["a"].code, 6), name="again.csv")
    assert list(spools.iterdir()) == []
