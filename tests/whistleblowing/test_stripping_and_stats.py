"""Metadata removal from JPEG, PDF and DOCX, and small-cell suppression of statistics."""

import io
import zipfile
from datetime import UTC, datetime

import pikepdf
import pytest
from docx import Document
from PIL import ExifTags, Image

from cleangov.whistleblowing.stats import build_table, suppress
from cleangov.whistleblowing.stripping import UnsupportedFile, clean


def _jpeg():
    img = Image.new("RGB", (64, 48), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model-X"  # Model
    exif[0x0132] = "2026:11:30 21:14:05"  # DateTime
    gps = {1: "N", 2: (30.0, 15.0, 7.5), 3: "E", 4: (110.0, 20.0, 1.0)}
    exif[ExifTags.IFD.GPSInfo] = gps
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif, comment=b"taken by Li Si")
    return out.getvalue()


def test_jpeg_loses_exif_gps_and_comment():
    data = _jpeg()
    cleaned = clean("photo.jpg", data)
    with Image.open(io.BytesIO(cleaned.data)) as img:
        assert not img.getexif() and "comment" not in img.info and img.size == (64, 48)
    assert b"PhoneMaker" not in cleaned.data and b"Li Si" not in cleaned.data
    assert {"EXIF Make", "EXIF Model", "EXIF DateTime", "EXIF GPS position", "comment"} <= set(cleaned.removed)


def _pdf():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = "Zhang San"
    pdf.docinfo["/Creator"] = "Office of Village 3"
    with pdf.open_metadata() as meta:
        meta["dc:creator"] = ["Zhang San"]
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_pdf_loses_document_information_and_xmp():
    cleaned = clean("scan.pdf", _pdf())
    assert b"Zhang San" not in cleaned.data and b"Village 3" not in cleaned.data
    with pikepdf.open(io.BytesIO(cleaned.data)) as pdf:
        assert len(pdf.docinfo) == 0 and "/Metadata" not in pdf.Root and len(pdf.pages) == 1
    assert {"PDF Author", "PDF XMP metadata"} <= set(cleaned.removed)


def _docx():
    doc = Document()
    doc.add_paragraph("账目如下")
    props = doc.core_properties
    props.author, props.last_modified_by, props.title = "Wang Wu", "Wang Wu's laptop", "Accounts"
    props.created = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_docx_loses_core_properties():
    cleaned = clean("notes.docx", _docx())
    doc = Document(io.BytesIO(cleaned.data))
    props = doc.core_properties
    assert props.author == "" and props.last_modified_by == "" and props.title == ""
    assert props.created.year == 2000
    assert doc.paragraphs[0].text == "账目如下"
    assert {"DOCX author", "DOCX last_modified_by", "DOCX title", "DOCX created"} <= set(cleaned.removed)


CUSTOM_XML = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
              b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
              b'<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Owner">'
              b'<vt:lpwstr>Sun Qi of Village 7</vt:lpwstr></property></Properties>')
PEOPLE_XML = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">'
              b'<w15:person w15:author="Zhao Liu"><w15:presenceInfo w15:providerId="AD" '
              b'w15:userId="zhaoliu@village7.example"/></w15:person></w15:people>')


def _docx_with_everything():
    """A Word file as an office PC writes it: python-docx builds it with a comment and sets the
    extended properties; the custom properties and the reviewers' list are added as Word adds them."""
    doc = Document()
    paragraph = doc.add_paragraph("收据如下")
    doc.add_comment(paragraph.runs, text="核对", author="Zhao Liu", initials="ZL")
    app = next(p for p in doc.part.package.iter_parts() if str(p.partname) == "/docProps/app.xml")
    app._blob = (app.blob.replace(b"<Company/>", b"<Company>Village 7 Committee</Company>")
                 .replace(b"<Manager/>", b"<Manager>Qian Ba</Manager>")
                 .replace(b"<HyperlinkBase/>", b"<HyperlinkBase>file://PC-QIANBA/share</HyperlinkBase>")
                 .replace(b"Normal.dotm", b"QianBa-letterhead.dotm"))
    buffer = io.BytesIO()
    doc.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            blob = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                blob = blob.replace(b"</Types>", b'<Override PartName="/docProps/custom.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.custom-properties+xml"/><Override PartName='
                                    b'"/word/people.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                                    b'wordprocessingml.people+xml"/></Types>')
            elif info.filename == "_rels/.rels":
                blob = blob.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats'
                                    b'.org/officeDocument/2006/relationships/custom-properties" Target="docProps/'
                                    b'custom.xml"/></Relationships>')
            elif info.filename == "word/_rels/document.xml.rels":
                blob = blob.replace(b"</Relationships>", b'<Relationship Id="rId98" Type="http://schemas.microsoft.com/'
                                    b'office/2011/relationships/people" Target="people.xml"/></Relationships>')
            target.writestr(info, blob)
        target.writestr("docProps/custom.xml", CUSTOM_XML)
        target.writestr("word/people.xml", PEOPLE_XML)
    return out.getvalue()


def test_docx_loses_extended_and_custom_properties_and_reviewers():
    data = _docx_with_everything()
    original = zipfile.ZipFile(io.BytesIO(data))
    assert b"Village 7 Committee" in original.read("docProps/app.xml")  # the fixture carries them
    assert b"Zhao Liu" in original.read("word/comments.xml")
    cleaned = clean("receipt.docx", data)
    package = zipfile.ZipFile(io.BytesIO(cleaned.data))
    names = package.namelist()
    assert "docProps/custom.xml" not in names and "word/people.xml" not in names
    everything = b"".join(package.read(name) for name in names)
    for marker in (b"Village 7", b"Qian Ba", b"QianBa", b"PC-QIANBA", b"Microsoft Macintosh Word", b"14.0000",
                   b"Sun Qi", b"Zhao Liu", b"zhaoliu", b"custom.xml", b"people.xml", b"w:initials"):
        assert marker not in everything, marker
    app = package.read("docProps/app.xml")
    for tag in (b"Company", b"Manager", b"Template", b"Application", b"AppVersion", b"HyperlinkBase"):
        assert tag not in app
    doc = Document(io.BytesIO(cleaned.data))  # still a Word file, with its text and its comment
    assert doc.paragraphs[0].text == "收据如下"
    comments = list(doc.comments)
    assert [c.text for c in comments] == ["核对"] and comments[0].author == ""
    assert {"DOCX Company", "DOCX Manager", "DOCX Template", "DOCX Application", "DOCX AppVersion",
            "DOCX HyperlinkBase", "DOCX custom properties", "DOCX reviewers (people.xml)",
            "DOCX authors of comments and tracked changes"} <= set(cleaned.removed)


def test_other_files_are_refused():
    with pytest.raises(UnsupportedFile):
        clean("run.exe", b"MZ\x90\x00" + b"\x00" * 20)
    with pytest.raises(UnsupportedFile):
        clean("photo.pdf", _jpeg())  # the name does not match the content


# --- statistics ------------------------------------------------------------------------------------
ROWS, COLS = ["u1", "u2", "u3"], ["a", "b", "c"]


def test_small_cells_and_their_complements_are_hidden():
    counts = {("u1", "a"): 12, ("u1", "b"): 3, ("u1", "c"): 9,
              ("u2", "a"): 7, ("u2", "b"): 8, ("u2", "c"): 6,
              ("u3", "a"): 10, ("u3", "b"): 11, ("u3", "c"): 14}
    hidden = suppress(counts, ROWS, COLS)
    assert hidden[("u1", "b")]  # primary: 3
    # row u1 and column b each hide at least two cells, so neither total gives the 3 back
    for line in ([("u1", c) for c in COLS], [(r, "b") for r in ROWS]):
        assert sum(hidden[cell] for cell in line) >= 2
    # and every row and column that hides something hides at least two cells
    for r in ROWS:
        assert sum(hidden[(r, c)] for c in COLS) in (0, 2, 3)
    for c in COLS:
        assert sum(hidden[(r, c)] for r in ROWS) in (0, 2, 3)


def test_built_table_never_shows_a_count_under_five():
    values = [("u1", "a")] * 3 + [("u1", "b")] * 6 + [("u2", "a")] * 7 + [("u2", "b")] * 1 + [("u3", "c")] * 2
    table = build_table(values, [(r, r) for r in ROWS], [(c, c) for c in COLS])
    shown = [v for v in table.cells.values() if v is not None]
    shown += [v for v in table.row_totals.values() if v is not None]
    shown += [v for v in table.col_totals.values() if v is not None] + [table.total]
    assert all(v == 0 or v >= 5 for v in shown)
    assert table.row_totals["u3"] is None  # a total of 2 is itself hidden


def test_picture_declaring_too_many_pixels_is_refused_before_decoding(settings):
    """A small PNG of a 9,000 × 8,000 blank page (72 million pixels) would take hundreds of MB decoded."""
    settings.CLEANGOV_WB_MAX_IMAGE_PIXELS = 60_000_000
    out = io.BytesIO()
    Image.new("1", (9000, 8000)).save(out, format="PNG")
    assert len(out.getvalue()) < 200_000
    with pytest.raises(UnsupportedFile, match="9000 × 8000"):
        clean("page.png", out.getvalue())
    settings.CLEANGOV_WB_MAX_IMAGE_PIXELS = 80_000_000
    assert clean("page.png", out.getvalue()).content_type == "image/png"


def test_pdf_streams_are_copied_not_inflated():
    """By default qpdf decodes a stream behind a filter other than Flate alone and deflates it again on
    save, so a bomb behind an ASCIIHex layer would be inflated in memory; the cleaned copy keeps the raw bytes."""
    import binascii
    import zlib

    pdf = pikepdf.new()
    pdf.add_blank_page()
    raw = binascii.hexlify(zlib.compress(b"0 0 m\n" * 200_000, 1)) + b">"
    pdf.pages[0].Contents = pdf.make_stream(raw)
    pdf.pages[0].Contents.Filter = pikepdf.Array([pikepdf.Name.ASCIIHexDecode, pikepdf.Name.FlateDecode])
    pdf.docinfo["/Author"] = "Zhang San"
    buf = io.BytesIO()
    pdf.save(buf, stream_decode_level=pikepdf.StreamDecodeLevel.none, compress_streams=False)
    cleaned = clean("scan.pdf", buf.getvalue())
    with pikepdf.open(io.BytesIO(cleaned.data)) as out:
        assert out.pages[0].Contents.read_raw_bytes() == raw and len(out.docinfo) == 0


def test_word_file_that_unpacks_to_a_bomb_is_refused_unread():
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b" " * 20_000_000)
    assert len(buf.getvalue()) < 100_000
    with pytest.raises(UnsupportedFile, match="bomb"):
        clean("letter.docx", buf.getvalue())
