"""``cleangov import-orgs`` and the import pipeline refuse files past the platform's limits with a named
error (exit 2, the report names file, row and column), never a traceback."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import translation

from cleangov.orgs.importing.pipeline import parse_files
from cleangov.orgs.importing.readers import ImportFile
from cleangov.orgs.models import Unit
from tests.orgs.files import UNITS, UNITS_HEADER, csv_bytes, workbook_bytes

pytestmark = pytest.mark.django_db


def _run(tmp_path, name: str, data: bytes, capsys, language="en"):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CommandError) as exc:
        call_command("import_orgs", str(path), "--quiet", "--language", language)
    assert exc.value.returncode == 2
    return str(exc.value), capsys.readouterr().out


def test_a_300000_character_cell_is_a_named_error_with_exit_2(tmp_path, capsys):
    rows = [*UNITS, ["QH-X", "某" * 300_000, "村", "QH-T01", ""]]
    message, out = _run(tmp_path, "units.csv", csv_bytes(UNITS_HEADER, rows), capsys)
    assert "nothing imported" in message
    assert ("units.csv, row 7, column “单位名称”: the cell holds 300,000 characters; at most 2,000 are accepted "
            "(limit max_cell_chars)") in out
    assert Unit.objects.count() == 0


def test_the_same_refusal_reads_in_chinese(tmp_path, capsys):
    rows = [*UNITS, ["QH-X", "某" * 3000, "村", "QH-T01", ""]]
    _message, out = _run(tmp_path, "units.csv", csv_bytes(UNITS_HEADER, rows), capsys, language="zh-hans")
    assert "单元格有 3,000 个字符，超过上限 2,000 个字符（限制 max_cell_chars）" in out


@override_settings(CLEANGOV_UPLOAD_MAX_BYTES=1000)
def test_a_file_over_the_size_setting_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "units.csv"
    path.write_bytes(csv_bytes(UNITS_HEADER, UNITS * 20))
    with pytest.raises(CommandError) as exc:
        call_command("import_orgs", str(path), "--quiet", "--language", "en")
    assert exc.value.returncode == 2
    assert "units.csv: the file is" in str(exc.value) and "(limit max_file_bytes)" in str(exc.value)


@override_settings(CLEANGOV_UPLOAD_MAX_ROWS=3)
def test_rows_past_the_setting_are_refused():
    _plan, report, _rows = parse_files([ImportFile("units.csv", csv_bytes(UNITS_HEADER, UNITS))])
    (problem,) = report.errors
    assert (problem.row, problem.reason) == (5, "the file has more than 3 data rows, the most accepted "
                                                "(limit max_rows)")


def test_ten_thousand_columns_in_a_workbook_are_refused():
    data = workbook_bytes({"单位": [[f"c{i}" for i in range(10_000)]]})
    _plan, report, _rows = parse_files([ImportFile("wide.xlsx", data)])
    (problem,) = report.errors
    assert problem.sheet == "单位" and "limit max_columns" in problem.reason


def test_a_zip_bomb_workbook_is_refused_before_it_is_inflated():
    data = workbook_bytes({"单位": [UNITS_HEADER, *UNITS]})
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                content = content.replace(b"</sheetData>", b"<row/>" * 5_000_000 + b"</sheetData>")
            z.writestr(info.filename, content)
    _plan, report, _rows = parse_files([ImportFile("bomb.xlsx", out.getvalue())])
    (problem,) = report.errors
    assert "limit max_compression_ratio" in problem.reason


def test_gbk_behind_a_utf8_bom_says_what_to_do():
    data = b"\xef\xbb\xbf" + csv_bytes(UNITS_HEADER, UNITS, "gbk")
    with translation.override("en"):
        _plan, report, _rows = parse_files([ImportFile("units.csv", data)])
        (problem,) = report.errors
        assert problem.row == 1
        assert problem.reason.startswith("The file says it is UTF-8 (it starts with a UTF-8 byte-order mark) but "
                                         "its bytes are GBK")
    with translation.override("zh-hans"):
        assert "内容实际是 GBK 编码" in problem.reason and "CSV UTF-8（逗号分隔）" in problem.reason


def _damaged_deflate(data: bytes, entry: str) -> bytes:
    """The workbook with the middle of one part's compressed stream overwritten (a bit-rotted file)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo(entry)
    raw = bytearray(data)
    name_len, extra_len = int.from_bytes(raw[info.header_offset + 26:info.header_offset + 28], "little"), \
        int.from_bytes(raw[info.header_offset + 28:info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    middle = start + info.compress_size // 3
    raw[middle:middle + 16] = b"\xff" * 16
    return bytes(raw)


@pytest.mark.parametrize("entry", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/styles.xml"])
def test_a_workbook_with_a_broken_compressed_stream_is_a_named_error(tmp_path, capsys, entry):
    data = _damaged_deflate(workbook_bytes({"单位": [UNITS_HEADER, *UNITS * 40]}), entry)
    message, out = _run(tmp_path, "units.xlsx", data, capsys)
    assert "nothing imported" in message
    assert "not a readable XLSX workbook" in out
    assert Unit.objects.count() == 0
