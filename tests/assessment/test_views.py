"""Pages: the explain page down to the records, who sees what and when, adjustments, exports, uploads,
starting a run in the background, and the CLI."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cleangov.assessment.actions import do_compute_assessment, do_publish_run
from cleangov.assessment.models import AssessmentRun, FrameworkVersion, ScoreAdjustment
from cleangov.core.models import AuditEvent, TaskProgress

from .helpers import FRAMEWORK, FakeMetrics, load_test_framework

pytestmark = pytest.mark.django_db


def make_run(county, side="a", *, published=False, evidence=()):
    township, village = county.townships[side], county.villages[side]
    book = reverse("ledgers:unit_book", kwargs={"unit_id": village.pk})
    fake = FakeMetrics({"ledgers.completeness": {township.pk: "0.5", village.pk: "0.8"},
                        "ledgers.burst_count": {township.pk: "0", village.pk: "1"}},
                       evidence={("ledgers.completeness", village.pk): [("支委会记录 2026-03-05", book),
                                                                        ("党课记录 2026-04-01", ""),
                                                                        ("不存在的页面", "/ledgers/e/17/"),
                                                                        *evidence]})
    run = do_compute_assessment(framework_version=load_test_framework(), year=2026, scope_unit=township,
                                selection="all", acting_user=None, metrics=fake.registry(), as_of=date(2026, 12, 31))
    if published:
        do_publish_run(run, acting_user=None)
    return run


def test_explain_page_goes_down_to_the_records(county, login):
    run = make_run(county)
    snap = run.snapshots.get(unit=county.villages["a"])
    client = login(county.persona("township_discipline"))
    client.cookies["django_language"] = "en"
    page = client.get(reverse("assessment:snapshot_detail", args=[snap.pk])).content.decode()
    assert "T-LEDGER" in page and "100 * ledgers.completeness" in page  # indicator → formula
    assert "0.8" in page  # → metric value
    book = reverse("ledgers:unit_book", kwargs={"unit_id": county.villages["a"].pk})
    assert f'<a href="{book}">支委会记录 2026-03-05</a>' in page  # → the record, linked
    assert "党课记录 2026-04-01" in page
    # A link to no page is shown as text: a link is shown only when it is known to answer.
    assert "<li>不存在的页面</li>" in page and "/ledgers/e/17/" not in page
    assert "future.metric" in page and "not available" in page.lower()
    assert "40 of 60" in page  # the share of weight the total covers


def test_evidence_links_only_where_the_reader_may_follow_them(county, login, django_assert_max_num_queries):
    """A score's evidence may be a letter of responsibility the reader's duties gate answers 404 for (a
    village supervision member reads the village's published score, not its letters): text, no link."""
    from cleangov.duties.actions import do_create_letter

    township, village = county.townships["a"], county.villages["a"]
    letter = do_create_letter(acting_user=None, year=2026, issuer_unit=township,
                              issuer_person=county.persona("township_secretary").person, recipient_unit=village,
                              recipient_person=county.persona("village_secretary").person)
    url = reverse("duties:letter_detail", kwargs={"letter_id": letter.pk})
    other = reverse("duties:letter_detail", kwargs={"letter_id": letter.pk + 1000})  # no such letter
    run = make_run(county, published=True, evidence=[("✓ 廉政责任书", url), ("✗ 另一份责任书", other)])
    snap = run.snapshots.get(unit=village)
    page_url = reverse("assessment:snapshot_detail", args=[snap.pk])

    member = login(county.persona("supervision_member"))
    assert member.get(url).status_code == 404  # the letter itself is closed to the member ...
    page = member.get(page_url).content.decode()
    assert "<li>✓ 廉政责任书</li>" in page and f'href="{url}"' not in page  # ... so the score shows text
    book = reverse("ledgers:unit_book", kwargs={"unit_id": village.pk})
    assert f'<a href="{book}">' in page and member.get(book).status_code == 200  # the book they may read

    overseer = login(county.persona("township_discipline"))
    assert overseer.get(url).status_code == 200
    with django_assert_max_num_queries(60):
        page = overseer.get(page_url).content.decode()
    assert f'<a href="{url}">✓ 廉政责任书</a>' in page
    assert "<li>✗ 另一份责任书</li>" in page and f'href="{other}"' not in page


def test_unit_sees_its_own_results_only_once_published(county, login):
    run = make_run(county)
    village_snap = run.snapshots.get(unit=county.villages["a"])
    township_snap = run.snapshots.get(unit=county.townships["a"])
    url = reverse("assessment:snapshot_detail", args=[village_snap.pk])
    client = login(county.persona("village_secretary"))
    assert client.get(url).status_code == 404
    assert client.get(reverse("assessment:run_detail", args=[run.pk])).status_code == 404
    secretary = login(county.persona("township_secretary"))
    assert secretary.get(url).status_code == 200  # the township inspects its villages
    assert secretary.get(reverse("assessment:snapshot_detail", args=[township_snap.pk])).status_code == 404
    do_publish_run(run, acting_user=None)
    assert secretary.get(reverse("assessment:snapshot_detail", args=[township_snap.pk])).status_code == 200
    client = login(county.persona("village_secretary"))
    assert client.get(url).status_code == 200
    ranking = client.get(reverse("assessment:run_detail", args=[run.pk])).content.decode()
    assert reverse("assessment:snapshot_detail", args=[village_snap.pk]) in ranking
    assert reverse("assessment:snapshot_detail", args=[township_snap.pk]) not in ranking
    other = make_run(county, "b", published=True).snapshots.get(unit=county.villages["b"])
    assert client.get(reverse("assessment:snapshot_detail", args=[other.pk])).status_code == 404


def test_adjust_through_the_page(county, login):
    run = make_run(county)
    snap = run.snapshots.get(unit=county.villages["a"])
    client = login(county.persona("county_commission"))
    url = reverse("assessment:snapshot_adjust", args=[snap.pk])
    response = client.post(url, {"points": "3", "indicator_id": "", "reason": ""})
    assert response.status_code == 200 and not ScoreAdjustment.objects.exists()
    response = client.post(url, {"points": "3", "indicator_id": "T-BURST", "reason": "整改及时，酌情加分"})
    assert response.status_code == 302
    page = client.get(reverse("assessment:snapshot_detail", args=[snap.pk])).content.decode()
    assert "整改及时，酌情加分" in page
    assert AuditEvent.objects.filter(event_code="assessment.score_adjusted").count() == 1
    # The village's own secretary cannot adjust (404), whatever they post.
    own = login(county.persona("village_secretary"))
    assert own.post(url, {"points": "9", "reason": "自评加分理由"}).status_code == 404


def test_xlsx_and_pdf_exports(county, login):
    run = make_run(county, published=True)
    client = login(county.persona("county_commission"))
    response = client.get(reverse("assessment:run_xlsx", args=[run.pk]))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    sheet = wb["考核结果"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if r and r[0] == "层级")
    assert header[:7] == ["层级", "排名", "单位代码", "单位名称", "计算得分", "调整分", "最终得分"]
    assert "台账完整率（T-LEDGER）" in header
    village_row = next(r for r in rows if r and r[3] == county.villages["a"].name)
    assert village_row[4] == "75.00" and village_row[header.index("未建模块（T-FUTURE）")] == "不可用"
    assert {"指标说明", "调整记录"} <= set(wb.sheetnames)
    pdf = client.get(reverse("assessment:run_pdf", args=[run.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and b"STSong-Light" in pdf.content


def test_framework_upload_names_problems_and_loads_versions(county, login):
    client = login(county.persona("sysadmin"))
    url = reverse("assessment:framework_upload")
    bad = FRAMEWORK.replace('"100 * future.metric"', '"__import__(1)"')
    response = client.post(url, {"file": SimpleUploadedFile("f.yaml", bad.encode())})
    assert response.status_code == 200
    assert "(T-FUTURE), field &#x27;formula&#x27;" in response.content.decode()
    assert not FrameworkVersion.objects.exists()
    response = client.post(url, {"file": SimpleUploadedFile("f.yaml", FRAMEWORK.encode())})
    assert response.status_code == 302 and FrameworkVersion.objects.count() == 1
    assert login(county.persona("village_secretary")).get(url).status_code == 404
    listing = login(county.persona("village_secretary")).get(reverse("assessment:framework_list")).content.decode()
    assert "T-LEDGER" in listing


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}})
def test_start_a_run_in_the_background_with_progress(county, login):
    version = load_test_framework()
    client = login(county.persona("township_discipline"))
    response = client.post(reverse("assessment:run_list"), {
        "framework_version": version.pk, "year": str(timezone.localdate().year), "scope_unit": county.townships["a"].pk,
        "selection": "village"})
    progress = TaskProgress.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:task_progress", kwargs={"task_id": progress.task_id})
    run = AssessmentRun.objects.get()
    assert run.scope_unit == county.townships["a"] and run.unit_count == 1
    progress.refresh_from_db()
    assert progress.status == "succeeded" and f"run {run.pk}" in progress.message
    # Another township's scope is refused (the choice is not offered).
    response = client.post(reverse("assessment:run_list"), {
        "framework_version": version.pk, "year": "2026", "scope_unit": county.townships["b"].pk, "selection": "all"})
    assert response.status_code == 200 and AssessmentRun.objects.count() == 1


def test_cli_computes_and_publishes(county, tmp_path: Path):
    from django.core.management import call_command

    load_test_framework()
    out = io.StringIO()
    call_command("assess", "--framework", "test_year_end", "--period", str(timezone.localdate().year),
                 "--units", "village", "--publish", stdout=out)
    run = AssessmentRun.objects.get()
    assert run.is_published and run.unit_count == 2 and run.selection == "village"
    assert "2 units" in out.getvalue() and "future.metric" in out.getvalue()


def test_cli_help_lists_assess():
    cleangov = Path(sys.executable).parent / "cleangov"
    result = subprocess.run([str(cleangov), "--help"], capture_output=True, text=True, check=False)
    assert "assess" in result.stdout
