"""What a database dump, the media directory and the logs reveal of a report: nothing.

Reports go in through the portal, carrying unique markers in every field a reporter fills (the text,
the person named in free text, the real name and contact, a reply, a text file's bytes and a photo's
EXIF), from a marked address and user agent. Then the whole SQLite file (with its WAL) or a
``pg_dump`` of the PostgreSQL database, every file under MEDIA_ROOT and every log record are searched
for each marker, as text, as hex (pg_dump writes bytea as hex) and as base64.
"""

from __future__ import annotations

import base64
import io
import logging
import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from PIL import Image

from cleangov.core.models import AuditEvent
from cleangov.deadlines.models import Deadline
from cleangov.whistleblowing import models as wb_models

from .helpers import follow, submit

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "203.0.113.77"
AGENT = "UA-MARKER-Nokia-3310-zx81"
MARKERS = {
    "text": "MARKER-TEXT-q8v1x 村支书挪用修路款",
    "subject": "MARKER-SUBJ-7yy2 包工头刘某",
    "name": "MARKER-NAME-张三丰k3",
    "contact": "MARKER-CONTACT-13900001111",
    "reply": "MARKER-REPLY-p0o9 我还有照片",
    "file": "MARKER-FILE-BYTES-m4n5",
    "exif": "MARKER-EXIF-CAMERA-b6",
}


def _forms(marker: str) -> list[bytes]:
    raw = marker.encode()
    return [raw, raw.hex().encode(), base64.b64encode(raw)[:-4]]


def _database_bytes() -> bytes:
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        path = Path(settings_dict["NAME"])
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    env = {**os.environ, "PGPASSWORD": settings_dict.get("PASSWORD") or ""}
    cmd = ["pg_dump", "--no-owner", "-h", settings_dict.get("HOST") or "127.0.0.1",
           "-p", str(settings_dict.get("PORT") or 5432), "-U", settings_dict.get("USER") or "postgres",
           settings_dict["NAME"]]
    return subprocess.run(cmd, check=True, capture_output=True, env=env, timeout=120).stdout


def _media_bytes(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


def _photo_with_exif() -> bytes:
    img = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = MARKERS["exif"]  # Make
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_dump_media_and_logs_reveal_nothing(county, settings, tmp_path, caplog):
    from .helpers import set_up_keys

    settings.MEDIA_ROOT = tmp_path / "media"
    set_up_keys(county)
    events_before, deadlines_before = AuditEvent.objects.count(), Deadline.objects.count()
    public = Client()
    meta = {"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": AGENT, "HTTP_X_FORWARDED_FOR": ADDRESS}
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [SimpleUploadedFile("note.txt", MARKERS["file"].encode(), content_type="text/plain"),
             SimpleUploadedFile("photo.jpg", _photo_with_exif(), content_type="image/jpeg")]
    with caplog.at_level(logging.DEBUG):
        code, _response = submit(public, county.villages["a"], what=MARKERS["text"], subject_name=MARKERS["subject"],
                                 real_name=MARKERS["name"], contact=MARKERS["contact"], files=files, **meta)
        page = follow(public, code, **meta)
        assert page.status_code == 200
        reply = public.post("/public/report/follow/reply/", {"code": code, "text": MARKERS["reply"]}, **meta)
        assert reply.status_code == 200 and MARKERS["reply"] in reply.content.decode()
    report = wb_models.Report.objects.get()
    assert report.attachments.count() == 2 and report.messages.count() == 1
    # The reporter's steps left no event and no clock, whose exact times would date them.
    assert AuditEvent.objects.count() == events_before and Deadline.objects.count() == deadlines_before

    dump, media = _database_bytes(), _media_bytes(settings.MEDIA_ROOT)
    assert len(dump) > 10_000 and len(media) > 100  # we are reading real content
    logged = "\n".join(r.getMessage() + repr(r.__dict__) for r in caplog.records).encode()
    for label, marker in {**MARKERS, "address": ADDRESS, "agent": AGENT, "code": code}.items():
        for form in _forms(marker):
            assert form not in dump, f"{label} found in the database dump"
            assert form not in media, f"{label} found in the media directory"
            assert form not in logged, f"{label} found in the logs"


def test_no_reporter_time_of_day_is_stored():
    """Reports, messages and attachments carry dates only: no model of the app has a date-time field."""
    from django.apps import apps
    from django.db import models

    for model in apps.get_app_config("whistleblowing").get_models():
        for field in model._meta.get_fields():
            assert not isinstance(field, models.DateTimeField), f"{model.__name__}.{field.name}"
