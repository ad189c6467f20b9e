"""The pages: a unit's book and completeness (fixed query counts), recording from the web with
attendance and files, revising, the township overview with a burst, the export, the catalog."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cleangov.deadlines.workdays import get_calendar
from cleangov.ledgers.bulk import PlannedEntry, do_bulk_record_ledger_entries
from cleangov.ledgers.models import LedgerAttachment, LedgerEntry


def _bulk(county, kinds, unit, n, *, code="cadre_duty", entered=None, age_days=0):
    today = timezone.localdate()
    planned = []
    for i in range(n):
        event = today - timedelta(days=age_days + i % 20)
        at = entered or timezone.make_aware(datetime.combine(event, time(12)))
        planned.append(PlannedEntry(unit=unit, kind=kinds[code], event_date=event,
                                    entered_at=at + timedelta(minutes=i), title=f"值班记录{i}",
                                    values={"on_duty": "张三"}))
    do_bulk_record_ledger_entries(planned, acting_user=None, calendar=get_calendar())


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_book_and_completeness_pages_use_a_fixed_number_of_queries(county, kinds, login, persona):
    village = county.villages["a"]
    client = login(persona("township_discipline", "a"))
    book = reverse("ledgers:unit_book", kwargs={"unit_id": village.pk})
    comp = reverse("ledgers:unit_completeness", kwargs={"unit_id": village.pk})
    _bulk(county, kinds, village, 5)
    few_book, few_comp = _queries(client, book), _queries(client, comp)
    _bulk(county, kinds, village, 120)
    _bulk(county, kinds, village, 30, code="branch_committee_meeting")
    assert _queries(client, book) == few_book
    assert _queries(client, comp) == few_comp
    assert few_book <= 20 and few_comp <= 14


def test_record_a_meeting_with_attendance_and_files_from_the_web(county, kinds, login, persona):
    village = county.villages["a"]
    user = persona("village_secretary", "a")
    client = login(user)
    url = reverse("ledgers:entry_record", kwargs={"unit_id": village.pk, "kind_code": "branch_committee_meeting"})
    page = client.get(url)
    assert page.status_code == 200
    director = persona("committee_director", "a").person_id
    secretary = user.person_id
    content = page.content.decode()
    assert f'name="att_{director}"' in content and f'name="att_{secretary}"' in content
    day = timezone.localdate() - timedelta(days=1)
    response = client.post(url, {
        "event_date": day.isoformat(), "title": "", "f_topic": "学习传达会议精神",
        f"att_{secretary}": "present", f"att_{director}": "absent", f"why_{director}": "",
        "files": [SimpleUploadedFile("照片.jpg", b"\xff\xd8photo")],
    })
    assert (response.status_code == 200 and "Give the reason" in response.content.decode()) or \
        "请假" not in response.content.decode()
    assert LedgerEntry.objects.count() == 0
    response = client.post(url, {
        "event_date": day.isoformat(), "title": "", "f_topic": "学习传达会议精神",
        f"att_{secretary}": "present", f"att_{director}": "absent", f"why_{director}": "外出公干",
        "files": [SimpleUploadedFile("照片.jpg", b"\xff\xd8photo")],
    })
    entry = LedgerEntry.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("ledgers:entry_detail",
                                                                          kwargs={"entry_id": entry.pk})
    rev = entry.revisions.get()
    assert rev.attendees == [secretary] and rev.absentees == [{"person": director, "reason": "外出公干"}]
    assert rev.attachments[0]["name"] == "照片.jpg"
    assert entry.recorded_by == user
    detail = client.get(response["Location"]).content.decode()
    assert "外出公干" in detail and "照片.jpg" in detail
    attachment = LedgerAttachment.objects.get()
    download = client.get(reverse("ledgers:attachment_download", kwargs={"attachment_id": attachment.pk}))
    assert b"".join(download.streaming_content) == b"\xff\xd8photo"


def test_entry_time_cannot_be_posted(county, kinds, login, persona):
    village = county.villages["a"]
    client = login(persona("village_secretary", "a"))
    url = reverse("ledgers:entry_record", kwargs={"unit_id": village.pk, "kind_code": "cadre_duty"})
    old = "2020-01-01T00:00:00Z"
    client.post(url, {"event_date": timezone.localdate().isoformat(), "f_on_duty": "张三", "entered_at": old})
    entry = LedgerEntry.objects.get()
    assert abs((timezone.now() - entry.entered_at).total_seconds()) < 60


def test_revise_from_the_web_adds_a_revision(county, kinds, record, login, persona):
    village = county.villages["a"]
    entry = record(village, values={"on_duty": "张三"})
    client = login(persona("committee_director", "a"))
    url = reverse("ledgers:entry_revise", kwargs={"entry_id": entry.pk})
    assert "张三" in client.get(url).content.decode()
    response = client.post(url, {"event_date": entry.event_date.isoformat(), "f_on_duty": "李四",
                                 "reason": "值班人写错"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.revision_count == 2
    assert [r.values["on_duty"] for r in entry.revisions.order_by("revision")] == ["张三", "李四"]


def test_township_overview_lists_the_burst_and_ranks_units(county, kinds, login, persona):
    village = county.villages["a"]
    burst_at = timezone.now() - timedelta(days=2)
    _bulk(county, kinds, village, 6, entered=burst_at, age_days=40)
    client = login(persona("township_discipline", "a"))
    url = reverse("ledgers:township_overview", kwargs={"unit_id": county.townships["a"].pk})
    content = client.get(url).content.decode()
    assert village.name in content and "badge-overdue" in content
    book = client.get(reverse("ledgers:unit_book", kwargs={"unit_id": village.pk})).content.decode()
    assert 'id="bursts"' in book and "值班记录0" in book
    # A village cadre has no overview page.
    assert login(persona("village_secretary", "a")).get(url).status_code == 404


def test_export_download_verifies(county, kinds, record, login, persona):
    from cleangov.ledgers.chain import verify_export_text
    from cleangov.ledgers.exporting import published_checkpoints

    village = county.villages["a"]
    record(village)
    client = login(persona("township_discipline", "a"))
    response = client.get(reverse("ledgers:unit_export", kwargs={"unit_id": village.pk}))
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 2
    assert verify_export_text(lines, published_checkpoints(village)).ok


def test_catalog_and_index(county, kinds, login, persona):
    client = login(persona("village_secretary", "a"))
    assert "村干部值班记录" in client.get(reverse("ledgers:kind_catalog")).content.decode()
    index = client.get(reverse("ledgers:index")).content.decode()
    assert county.villages["a"].name in index and county.villages["b"].name not in index


@pytest.mark.parametrize("year", [2025])
def test_completeness_page_shows_missing_periods(county, kinds, record, login, persona, year):
    from unittest import mock

    village = county.villages["a"]
    for month in (1, 2, 4):
        when = timezone.make_aware(datetime(year, month, 10, 9, tzinfo=None))  # noqa: DTZ001
        with mock.patch("django.utils.timezone.now", return_value=when):
            record(village, "branch_committee_meeting", event_date=date(year, month, 9), values={"topic": "x"})
    client = login(persona("village_secretary", "a"))
    content = client.get(reverse("ledgers:unit_completeness", kwargs={"unit_id": village.pk}) + f"?year={year}")
    text = content.content.decode()
    assert "3 / 12" in text and f"{year}-03" in text
