"""Exports: findings and dashboard tables as XLSX with Chinese headers, the audit report as a PDF."""

from __future__ import annotations

import io
import shutil
import subprocess

import openpyxl
import pytest
from django.urls import reverse

from cleangov.finance.exports.xlsx import FINDING_HEADERS

from .test_dashboards import make_finding, make_lines

pytestmark = pytest.mark.django_db


def _book(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert response["Content-Disposition"].startswith("attachment;")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_findings_xlsx_has_chinese_headers_and_one_row_per_finding(county, login):
    made = [make_finding(county.villages["a"], stake="120.50"), make_finding(county.villages["a"], rule="round_amounts",
                                                                             severity="info")]
    make_finding(county.villages["b"])  # outside the township
    client = login(county.persona("township_discipline", "a"))
    wb = _book(client.get(reverse("finance:dash_findings_xlsx", args=[county.townships["a"].pk])))
    ws = wb["问题清单"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == FINDING_HEADERS
    assert rows[0][1:3] == ("规则代码", "规则名称") and "涉及金额（元）" in rows[0]
    by_id = {r[0]: r for r in rows[1:]}
    assert set(by_id) == {f.pk for f in made}
    first = by_id[made[0].pk]
    assert first[2] == "白条入账" and first[3] == "严重" and first[7] == pytest.approx(120.5) and first[8] == "待审核"


def test_findings_xlsx_follows_the_drill_down_filters(county, login):
    make_finding(county.villages["a"])
    kept = make_finding(county.villages["a"], rule="round_amounts", severity="info")
    client = login(county.persona("county_commission"))
    wb = _book(client.get(reverse("finance:dash_findings_xlsx", args=[county.county.pk]), {"rule": "round_amounts"}))
    assert [r[0] for r in wb.active.iter_rows(min_row=2, values_only=True)] == [kept.pk]


def test_dashboard_tables_xlsx_has_a_sheet_per_table(county, login):
    make_finding(county.villages["a"], stake="50.00")
    make_lines(county.villages["a"], ["200.00"] * 3, category="reception")
    client = login(county.persona("county_commission"))
    wb = _book(client.get(reverse("finance:dash_tables_xlsx", args=[county.county.pk])))
    assert wb.sheetnames == ["概况", "按规则", "按单位", "按月份", "风险排名", "三公经费", "本福特检验"]
    assert [c.value for c in wb["按规则"][1]] == ["规则代码", "规则名称", "问题数", "待处理", "涉及金额（元）"]
    public = list(wb["三公经费"].iter_rows(values_only=True))
    assert public[0] == ("单位代码", "单位名称", "年度", "差旅费", "公务用车费", "公务接待费", "合计（元）")
    assert public[1][:3] == ("T1", "第1镇", 2025) and public[1][5] == pytest.approx(600.0)
    benford_rows = list(wb["本福特检验"].iter_rows(values_only=True))
    assert benford_rows[0] == ("首位数字", "个数", "实际占比", "本福特期望占比")
    assert any(r[0] == "结论" and "样本不足" in str(r[1]) for r in benford_rows)


def test_audit_report_pdf_renders_with_the_chinese_font(county, login, tmp_path):
    make_finding(county.villages["a"], stake="300.00")
    make_lines(county.villages["a"], [10 + 7 * i for i in range(400)], category="travel_lodging")
    client = login(county.persona("township_discipline", "a"))
    response = client.get(reverse("finance:dash_report_pdf", args=[county.townships["a"].pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = response.content
    assert data.startswith(b"%PDF-") and b"STSong-Light" in data
    if shutil.which("pdftotext"):
        path = tmp_path / "r.pdf"
        path.write_bytes(data)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert "第1镇财务审计报告" in text and "本福特" in text and "MAD" in text


def test_exports_answer_404_out_of_scope(county, login):
    client = login(county.persona("township_discipline", "a"))
    for name in ("finance:dash_findings_xlsx", "finance:dash_tables_xlsx", "finance:dash_report_pdf"):
        assert client.get(reverse(name, args=[county.townships["b"].pk])).status_code == 404
