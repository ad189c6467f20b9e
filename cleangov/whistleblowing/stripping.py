"""A copy of an attachment without identifying metadata, and the list of what was removed.

The original is kept (sealed) as evidence, as GlobaLeaks and SecureDrop both insist: metadata can
matter to the case. Handlers read the cleaned copy: images lose EXIF (camera, GPS position, times),
XMP and comments (Pillow re-encodes the pixels alone); PDFs lose their document information and XMP
metadata (pikepdf); Word files lose their core properties (author, last editor, dates; python-docx),
their extended properties (``docProps/app.xml``: company, manager, template, application; replaced by
an empty one), their custom properties (``docProps/custom.xml``, with its relationship and content
type), the list of reviewers (``word/people.xml``) and the authors, initials and times of comments
and tracked changes.
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
    return Cleaned(_docx_package(out.getvalue(), removed), content_type, removed)


# The parts of a Word package python-docx does not reach; the package is rewritten entry by entry.
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
APP_XML = "docProps/app.xml"
EMPTY_APP_XML = (b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
                 b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>')
DROPPED_PARTS = {"docProps/custom.xml": "DOCX custom properties", "word/people.xml": "DOCX reviewers (people.xml)"}
# Attributes that name or time a person's edits: comments, tracked insertions, deletions, changes.
# The author is required by the schema (emptied); initials and date are optional (removed).
W_AUTHOR = f"{{{W_NS}}}author"
PERSON_ATTRIBUTES = (W_AUTHOR, f"{{{W_NS}}}initials", f"{{{W_NS}}}date")


def _docx_package(data: bytes, removed: list[str]) -> bytes:
    import posixpath
    import zipfile

    from lxml import etree

    source = zipfile.ZipFile(io.BytesIO(data))
    names = set(source.namelist())
    dropped = {name for name in DROPPED_PARTS if name in names}
    removed.extend(DROPPED_PARTS[name] for name in sorted(dropped))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            name = info.filename
            if name in dropped:
                continue
            blob = source.read(name)
            if name == APP_XML:
                app = etree.fromstring(blob)
                removed.extend(f"DOCX {etree.QName(el).localname}" for el in app
                               if isinstance(el.tag, str) and "".join(el.itertext()).strip())
                blob = EMPTY_APP_XML
            elif name == "[Content_Types].xml":
                types = etree.fromstring(blob)
                for el in types.findall(f"{{{CT_NS}}}Override"):
                    if el.get("PartName", "").lstrip("/") in dropped:
                        types.remove(el)
                blob = etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)
            elif name.endswith(".rels"):
                # A relationship file next to its source part: targets are relative to that part's folder.
                base = posixpath.dirname(posixpath.dirname(name))
                rels = etree.fromstring(blob)
                for el in rels.findall(f"{{{PKG_REL_NS}}}Relationship"):
                    target_name = el.get("Target", "")
                    resolved = (target_name.lstrip("/") if target_name.startswith("/")
                                else posixpath.normpath(posixpath.join(base, target_name)))
                    if resolved in dropped:
                        rels.remove(el)
                blob = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)
            elif name.startswith("word/") and name.endswith(".xml"):
                blob = _strip_people(blob, removed)
            target.writestr(info, blob)
    return out.getvalue()


def _strip_people(blob: bytes, removed: list[str]) -> bytes:
    from lxml import etree

    if b"author" not in blob and b"initials" not in blob:
        return blob
    root = etree.fromstring(blob)
    touched = False
    for el in root.iter():
        for attr in PERSON_ATTRIBUTES:
            if el.get(attr):
                if attr == W_AUTHOR:
                    el.set(attr, "")
                else:
                    del el.attrib[attr]
                touched = True
    if not touched:
        return blob
    label = "DOCX authors of comments and tracked changes"
    if label not in removed:
        removed.append(label)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


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
