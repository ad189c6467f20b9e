"""Included by cleangov/finance/urls.py under "dash/" (no app_name: the names live in "finance")."""

from django.urls import path

from cleangov.finance.exports import views as exports

from . import views

urlpatterns = [
    path("", views.dash_home, name="dash_home"),
    path("<int:unit_id>/", views.dash_unit, name="dash_unit"),
    path("<int:unit_id>/findings/", views.dash_findings, name="dash_findings"),
    path("<int:unit_id>/findings.xlsx", exports.findings_xlsx, name="dash_findings_xlsx"),
    path("<int:unit_id>/tables.xlsx", exports.tables_xlsx, name="dash_tables_xlsx"),
    path("<int:unit_id>/report.pdf", exports.report_pdf, name="dash_report_pdf"),
]
