"""A copy of an attachment without identifying metadata, and the list of what was removed.

The original is kept (sealed) as evidence, as GlobaLeaks and SecureDrop both insist: metadata can
matter to the case. Handlers read the cleaned copy: images lose EXIF (camera, GPS position, times),
XMP and comments (Pillow re-encodes the pixels alone); PDFs lose their document information and XMP
metadata (pikepdf); Word files lose their core properties (author, last editor, dates; python-docx).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

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
        pdf.save(out)
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


def clean(name: str, data: bytes) -> Cleaned:
    """The cleaned copy of a file; :class:`UnsupportedFile` for a type we do not take or cannot read."""
    content_type = kind_of(name, data[:16])
    try:
        if content_type.startswith("image/"):
            return _image(data, content_type)
        if content_type == "application/pdf":
            return _pdf(data, content_type)
        if content_type.endswith(".document"):
            return _docx(data, content_type)
    except UnsupportedFile:
        raise
    except Exception as exc:  # a damaged file of an allowed type: refuse it, name the reason
        raise UnsupportedFile(_("The file could not be read; it may be damaged.")) from exc
    return Cleaned(data, content_type, [])
