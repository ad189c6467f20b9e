"""A copy of an attachment without identifying metadata, and the list of what was removed.

The original is kept (sealed) as evidence, as GlobaLeaks and SecureDrop both insist: metadata can
matter to the case. Handlers read the cleaned copy: images lose EXIF (camera, GPS position, times),
XMP and comments (Pillow re-encodes the pixels alone); PDFs lose their document information and XMP
metadata (pikepdf); Word files lose their core properties (author, last editor, dates; python-docx).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

ALLOWED = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "application/pdf": (".pdf",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "text/plain": (".txt",),
}


class UnsupportedFile(ValueError):
    pass


@dataclass
class Cleaned:
    data: bytes
    content_type: str
    removed: list[str] = field(default_factory=list)


def kind_of(name: str, head: bytes) -> str:
    """The content type from the file's first bytes (the name's extension must agree)."""
    lower = name.lower()
    if head.startswith(b"\xff\xd8\xff"):
        kind = "image/jpeg"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "image/png"
    elif head.startswith(b"%PDF-"):
        kind = "application/pdf"
    elif head.startswith(b"PK\x03\x04") and lower.endswith(".docx"):
        kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    elif lower.endswith(".txt") and b"\x00" not in head:
        kind = "text/plain"
    else:
        raise UnsupportedFile(_("Only photos (JPEG, PNG), PDF, Word (DOCX) and plain-text files can be sent."))
    if not lower.endswith(ALLOWED[kind]):
        raise UnsupportedFile(_("The file's name does not match its content."))
    return kind


def _image(data: bytes, content_type: str) -> Cleaned:
    from PIL import ExifTags, Image, ImageOps

    with Image.open(io.BytesIO(data)) as img:
        # Opening reads the header only; decoding a small file that declares 20,000 × 20,000 pixels
        # would take gigabytes (a decompression bomb). Pillow's own guard only warns below twice its
        # limit, so the size is checked here, before any pixel is decoded.
        width, height = img.size
        limit = settings.CLEANGOV_WB_MAX_IMAGE_PIXELS
        if width * height > limit:
            raise UnsupportedFile(_("The picture is too large (%(w)s × %(h)s pixels; at most %(mp)s million pixels "
                                    "are taken). Send a smaller copy.")
                                  % {"w": width, "h": height, "mp": limit // 1_000_000})
        removed = []
        exif = img.getexif()
        for tag in exif:
            removed.append(f"EXIF {ExifTags.TAGS.get(tag, tag)}")
        if ExifTags.IFD.GPSInfo in exif and exif.get_ifd(ExifTags.IFD.GPSInfo):
            removed.append("EXIF GPS position")
        for key in img.info:
            if key not in ("dpi", "jfif", "jfif_version", "jfif_unit", "jfif_density", "progressive", "progression"):
                removed.append(f"{key}")
        upright = ImageOps.exif_transpose(img)
        pixels = upright.convert("RGB") if content_type == "image/jpeg" else upright
        clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
        out = io.BytesIO()
        clean.save(out, format="JPEG" if content_type == "image/jpeg" else "PNG", quality=92)
    return Cleaned(out.getvalue(), content_type, sorted(set(removed)))


def _pdf(data: bytes, content_type: str) -> Cleaned:
    import pikepdf

    removed = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for key in list(pdf.docinfo.keys()):
            removed.append(f"PDF {str(key).lstrip('/')}")
            del pdf.docinfo[key]
        if "/Metadata" in pdf.Root:
            removed.append("PDF XMP metadata")
            del pdf.Root.Metadata
        out = io.BytesIO()
        # Streams are copied as they are: by default qpdf decodes a stream behind any filter other than
        # Flate alone and deflates it again on save, so a stream of zeros that inflates to gigabytes
        # behind an ASCIIHex layer would be held in memory. Neither decoding nor compressing avoids it.
        pdf.save(out, stream_decode_level=pikepdf.StreamDecodeLevel.none, compress_streams=False)
    return Cleaned(out.getvalue(), content_type, removed)


DOCX_FIELDS = ("author", "category", "comments", "content_status", "identifier", "keywords", "language",
               "last_modified_by", "subject", "title", "version")
DOCX_DATES = ("created", "modified", "last_printed")


def _docx(data: bytes, content_type: str) -> Cleaned:
    import datetime

    from docx import Document

    doc = Document(io.BytesIO(data))
    props = doc.core_properties
    removed = []
    for name in DOCX_FIELDS:
        if getattr(props, name):
            removed.append(f"DOCX {name}")
            setattr(props, name, "")
    for name in DOCX_DATES:
        if getattr(props, name) is not None:
            removed.append(f"DOCX {name}")
            # python-docx cannot delete a date; a fixed epoch tells nothing about the writer.
            setattr(props, name, datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
    if props.revision and props.revision != 1:
        removed.append("DOCX revision")
        props.revision = 1
    out = io.BytesIO()
    doc.save(out)
    return Cleaned(out.getvalue(), content_type, removed)


# A Word file is a ZIP package: judged by what it declares before python-docx inflates any part.
DOCX_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
DOCX_MAX_RATIO = 100  # for parts over 1 MB; real document XML compresses about 5 to 20 times


def _check_package(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = z.infolist()
    if sum(i.file_size for i in infos) > DOCX_MAX_UNPACKED_BYTES or any(
            i.file_size > 1024 * 1024 and i.file_size / max(i.compress_size, 1) > DOCX_MAX_RATIO for i in infos):
        raise UnsupportedFile(_("The Word file unpacks to far more than its size (a compressed bomb); it is not read."))


def clean(name: str, data: bytes) -> Cleaned:
    """The cleaned copy of a file; :class:`UnsupportedFile` for a type we do not take or cannot read."""
    content_type = kind_of(name, data[:16])
    try:
        if content_type.startswith("image/"):
            return _image(data, content_type)
        if content_type == "application/pdf":
            return _pdf(data, content_type)
        if content_type.endswith(".document"):
            _check_package(data)
            return _docx(data, content_type)
    except UnsupportedFile:
        raise
    except Exception as exc:  # a damaged file of an allowed type: refuse it, name the reason
        raise UnsupportedFile(_("The file could not be read; it may be damaged.")) from exc
    return Cleaned(data, content_type, [])
