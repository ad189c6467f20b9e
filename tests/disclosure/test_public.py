"""The villagers' side without a login: search, the village page, notice-board sheets and their QR
check (honest, forged, superseded), open data."""

import csv
import io
import json
import re

import pytest
from django.urls import Resolver404, resolve
from openpyxl import load_workbook

from cleangov.disclosure import actions, opendata
from cleangov.disclosure.public_views import verify_url

from .helpers import published, scheduled

pytestmark = pytest.mark.django_db


def test_search_by_chinese_name_and_pinyin_initials(county, client):
    village = county.villages["a"]  # 第1村: di 1 cun
    for query in ("第1村", "d1c", "di1cun", "Village 1"):
        page = client.get("/public/search/", {"q": query}).content.decode()
        assert f"/public/{village.code}/" in page, query
    assert f"/public/{village.code}/" not in client.get("/public/search/", {"q": "xyz"}).content.decode()
    assert "find-village" in client.get("/public/").content.decode()  # the front page's panel


def test_unit_code_route_leaves_other_apps_prefixes_alone():
    for prefix in ("report", "outcomes", "appraisal", "concerns", "verify", "search", "questions"):
        try:
            match = resolve(f"/public/{prefix}/")
        except Resolver404:
            continue  # not installed on this branch: at least not taken for a unit code
        assert match.url_name != "village", prefix
    assert resolve("/public/QH-T01-V01/").url_name == "village"


def test_village_page_shows_schedule_wall_and_correction_light_and_self_contained(county, client):
    village = county.villages["a"]
    d = published(village)
    actions.do_submit_disclosure(d, values={"decisions": "修村道", "relief_amount": "7500"}, reason="漏列一户",
                                 acting_user=None)
    actions.do_sign_disclosure(d, acting_user=None)
    response = client.get(f"/public/{village.code}/")
    page = response.content.decode()
    assert response.status_code == 200 and len(response.content) < 100_000
    assert "漏列一户" in page and "6000.00" in page and "7500.00" in page  # the correction and its diff
    assert ("portal-wall" in page and "Overdue" in page) or "逾期" in page  # 2025's other items are overdue
    assert "<script" not in page
    assert not re.search(r'(src|href)="(https?:)?//', page)  # no third-party request
    assert client.get("/public/NOPE/").status_code == 404


def test_qr_verification_honest_superseded_and_forged(county, client, rf):
    village = county.villages["a"]
    d = published(village)
    v1 = d.versions.get(number=1)
    sheet = client.get(f"/public/{village.code}/item/{d.pk}/v1.pdf")
    assert sheet.status_code == 200 and sheet.content.startswith(b"%PDF")
    url = verify_url(rf.get("/"), v1)
    assert url.endswith(f"/public/verify/{d.pk}/1/{v1.content_hash}/")
    honest = client.get(url)
    assert honest.status_code == 200 and honest.context["status"] == "genuine"
    forged = client.get(f"/public/verify/{d.pk}/1/{'0' * 64}/")  # figures altered: the hash no longer matches
    assert forged.status_code == 404 and forged.context["status"] == "forged"
    assert client.get(f"/public/verify/{d.pk}/9/{v1.content_hash}/").context["status"] == "forged"
    actions.do_submit_disclosure(d, values={"decisions": "修村道", "relief_amount": "7500"}, reason="更正",
                                 acting_user=None)
    actions.do_sign_disclosure(d, acting_user=None)
    old = client.get(url)
    assert old.context["status"] == "superseded" and old.context["latest"].number == 2


def test_open_data_csv_xlsx_and_feeds_parse_and_neutralise_formulas(county, client):
    village = county.villages["a"]
    d = published(village, {"decisions": "=HYPERLINK(\"http://x\",\"y\")", "relief_amount": "6000"})
    rows = list(csv.reader(io.StringIO(client.get(f"/public/{village.code}/item/{d.pk}/v1.csv")
                                       .content.decode("utf-8-sig"))))
    assert rows[0][-1] == "value" and any(r[-1].startswith("'=HYPERLINK") for r in rows[1:])
    book = load_workbook(io.BytesIO(client.get(f"/public/{village.code}/item/{d.pk}/v1.xlsx").content))
    values = [c.value for row in book.active.iter_rows() for c in row]
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    assert opendata.neutralise("-12.50") == "-12.50" and opendata.neutralise("@SUM(A1)") == "'@SUM(A1)"
    feed = json.loads(client.get(f"/public/{village.code}/feed.json").content)
    assert feed["catalog"]["version"] and any(i["id"] == d.pk and i["versions"] for i in feed["items"])
    county_feed = json.loads(client.get(f"/public/{county.county.code}/feed.json").content)
    assert {i["unit"] for i in county_feed["items"]} == {village.code}
    assert client.get(f"/public/{village.code}/item/{d.pk}/v1.exe").status_code == 404


def test_unpublished_items_show_no_draft(county, client):
    village = county.villages["a"]
    d = scheduled(village)
    actions.do_submit_disclosure(d, values={"decisions": "草稿内容"}, acting_user=None)
    page = client.get(f"/public/{village.code}/item/{d.pk}/").content.decode()
    assert "草稿内容" not in page
    assert client.get(f"/public/{village.code}/item/{d.pk}/v1.pdf").status_code == 404


def test_attachments_are_bounded_hashed_and_public_only_once_signed(county, client, settings, tmp_path):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    village = county.villages["a"]
    d = scheduled(village)
    too_big = SimpleUploadedFile("名单.pdf", b"%PDF" + b"0" * (actions.ATTACHMENT_MAX_BYTES + 1))
    with pytest.raises(ValidationError, match="5 MB"):
        actions.do_submit_disclosure(d, values={"decisions": "x"}, files=[too_big], acting_user=None)
    with pytest.raises(ValidationError, match="PDF"):
        actions.do_submit_disclosure(d, values={"decisions": "x"}, files=[SimpleUploadedFile("a.exe", b"MZ")],
                                     acting_user=None)
    actions.do_submit_disclosure(d, values={"decisions": "x"}, files=[SimpleUploadedFile("名单.pdf", b"%PDF-1 list")],
                                 acting_user=None)
    digest = d.attachments.get().sha256
    url = f"/public/{village.code}/item/{d.pk}/file/{digest}/"
    assert client.get(url).status_code == 404  # a draft's file is not public
    version = actions.do_sign_disclosure(d, acting_user=None)
    assert version.content["attachments"][0]["sha256"] == digest
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1 list"
