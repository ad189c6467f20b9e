"""Progress updates with evidence: files (type and size checked, served only to readers) and links."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cleangov.duties import actions, evidence
from cleangov.duties.models import DutyEvidenceFile, DutyEvidenceLink, DutyProgress

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _post(client, item, **data):
    return client.post(reverse("duties:item_progress", args=[item.pk]), data)


def test_upload_and_download(county, make_item, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = make_item()
    client = login(county.persona("township_leader"))
    response = _post(client, item, text="召开会议，附会议照片",
                     files=[SimpleUploadedFile("会议照片.png", PNG, content_type="image/png"),
                            SimpleUploadedFile("纪要.txt", "会议纪要".encode(), content_type="text/plain")])
    assert response.status_code == 302
    files = list(DutyEvidenceFile.objects.order_by("pk"))
    assert [f.original_name for f in files] == ["会议照片.png", "纪要.txt"]
    assert files[0].content_type == "image/png" and files[0].size == len(PNG)
    assert (tmp_path / files[0].file.name).read_bytes() == PNG
    assert "会议照片" not in files[0].file.name  # stored under its hash, never under the uploaded name
    item.refresh_from_db()
    assert item.status == "in_progress"
    url = reverse("duties:evidence_file", args=[files[0].pk])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert login(county.persona("township_leader", "b")).get(url).status_code == 404


@pytest.mark.parametrize(("name", "content"), [
    ("程序.exe", b"MZ\x90\x00"),
    ("伪装.pdf", b"MZ\x90\x00 not a pdf"),
    ("empty.txt", b""),
])
def test_bad_files_are_refused(county, make_item, login, settings, tmp_path, name, content):
    settings.MEDIA_ROOT = tmp_path
    item = make_item()
    client = login(county.persona("township_leader"))
    response = _post(client, item, text="x", files=[SimpleUploadedFile(name, content)])
    assert response.status_code == 200  # the form comes back with the error
    assert not DutyProgress.objects.exists() and not DutyEvidenceFile.objects.exists()


def test_size_limit(county, make_item, login, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(evidence, "EVIDENCE_MAX_BYTES", 10)  # the limit lives with the evidence checks
    item = make_item()
    client = login(county.persona("township_leader"))
    _post(client, item, text="x", files=[SimpleUploadedFile("a.txt", b"12345678901")])
    assert not DutyProgress.objects.exists()


def test_generic_links(county, make_item, login):
    item = make_item()
    client = login(county.persona("township_leader"))
    village = county.villages["a"]
    assert _post(client, item, text="见台账", link_type="orgs.unit", link_id=str(village.pk),
                 link_label="村台账").status_code == 302
    link = DutyEvidenceLink.objects.get()
    assert (link.target_type, link.target_id, link.label) == ("orgs.unit", str(village.pk), "村台账")
    # Unknown types and missing records are refused.
    assert _post(client, item, text="x", link_type="nope.model", link_id="1").status_code == 200
    assert _post(client, item, text="x", link_type="orgs.unit", link_id="999999").status_code == 200
    assert DutyEvidenceLink.objects.count() == 1


def test_only_the_lead_or_a_manager_records_progress(county, make_item, login):
    item = make_item(lead_role="township_leader")
    for role in ("township_discipline", "auditor", "county_commission"):
        assert _post(login(county.persona(role)), item, text="x").status_code == 404
    assert not DutyProgress.objects.exists()
    assert _post(login(county.persona("township_secretary")), item, text="代为记录").status_code == 302


def test_no_progress_on_a_finished_item(county, make_item):
    item = make_item()
    actions.do_add_duty_progress(item, acting_user=None, text="a")
    actions.do_transition_duty_item(item, "complete", acting_user=None)
    with pytest.raises(actions.ValidationError):
        actions.do_add_duty_progress(item, acting_user=None, text="b")
