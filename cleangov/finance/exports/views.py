"""Downloads: the drill-down's findings and the dashboard's tables as XLSX, the audit report as PDF.
Same gate and same conflict-free querysets as the pages they come from."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone

from cleangov.finance.choices import FindingStatusChoices
from cleangov.finance.dashboards.queries import access_dashboard_unit_by_id, build_dashboard, scoped_findings
from cleangov.finance.dashboards.views import drill_filters, drill_queryset, ensure_summaries, parse_year

from . import pdf, xlsx


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # An ASCII file name (unit code + date) needs no RFC 5987 encoding.
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def _stamp() -> str:
    return timezone.localdate().strftime("%Y%m%d")


@login_required
def findings_xlsx(request, unit_id):
    unit = access_dashboard_unit_by_id(request.user, unit_id)
    qs = drill_queryset(request.user, unit, drill_filters(request, unit))
    return _download(xlsx.findings_workbook(qs), xlsx.XLSX_TYPE, f"findings-{unit.code}-{_stamp()}.xlsx")


@login_required
def tables_xlsx(request, unit_id):
    unit = access_dashboard_unit_by_id(request.user, unit_id)
    ensure_summaries()
    dash = build_dashboard(request.user, unit, year=parse_year(request.GET.get("year")))
    return _download(xlsx.tables_workbook(dash), xlsx.XLSX_TYPE, f"dashboard-{unit.code}-{_stamp()}.xlsx")


@login_required
def report_pdf(request, unit_id):
    unit = access_dashboard_unit_by_id(request.user, unit_id)
    ensure_summaries()
    year = parse_year(request.GET.get("year"))
    dash = build_dashboard(request.user, unit, year=year)
    findings = (scoped_findings(request.user, unit, year=year).exclude(status=FindingStatusChoices.DISMISSED)
                .select_related("unit").order_by("-amount_at_stake", "-pk")[: pdf.FINDINGS_LISTED])
    author = getattr(getattr(request.user, "person", None), "name", "") or request.user.get_username()
    return _download(pdf.report_pdf(dash, findings, author=author), "application/pdf",
                     f"audit-report-{unit.code}-{_stamp()}.pdf")
