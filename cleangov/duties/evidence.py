"""What counts as acceptable evidence for a duty item: the files a township office produces and
links to records elsewhere in the platform. Forms and the progress action check with these."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Evidence files: what a township office actually produces (scans, photos, office documents), capped
# so a phone upload over a village connection stays reasonable.
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = {
    "pdf": ("application/pdf", (b"%PDF",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "txt": ("text/plain", ()),
}


def validate_evidence_file(upload) -> tuple[str, str]:
    """(extension, content type) of an acceptable evidence file, or ValidationError.

    Checks the size, the extension and the file's first bytes, so a renamed executable is refused."""
    name = getattr(upload, "name", "") or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in EVIDENCE_TYPES:
        raise ValidationError(_("Files of this type cannot be attached: use PDF, JPEG, PNG, DOCX, XLSX or TXT."))
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": EVIDENCE_MAX_BYTES // (1024 * 1024)})
    if upload.size == 0:
        raise ValidationError(_("The file is empty."))
    content_type, magics = EVIDENCE_TYPES[ext]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if magics and not any(head.startswith(m) for m in magics):
        raise ValidationError(_("The file's content does not match its type."))
    if ext == "txt" and b"\x00" in head:
        raise ValidationError(_("The file's content does not match its type."))
    return ext, content_type


@dataclass
class EvidenceLinkSpec:
    target_type: str  # model label, e.g. "ledgers.ledgerentry"
    target_id: str
    label: str


def check_link_target(spec: EvidenceLinkSpec) -> None:
    """A link names an installed model; when the model exists, the record must exist too."""
    from django.apps import apps

    try:
        model = apps.get_model(spec.target_type)
    except (LookupError, ValueError) as exc:
        raise ValidationError(_("Unknown record type: %(type)s.") % {"type": spec.target_type}) from exc
    if not model._default_manager.filter(pk=spec.target_id).exists():
        raise ValidationError(_("No record %(id)s of this type exists.") % {"id": spec.target_id})
