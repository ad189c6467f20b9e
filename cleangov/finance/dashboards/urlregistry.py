"""Permission-matrix entries for the dashboards' URLs (loaded by cleangov/core/urlregistry.py as this
app's registry). The object of every URL is a unit: the township on the fixture county's side."""

from __future__ import annotations

from cleangov.core.urlregistry import register

from .queries import DASHBOARD_ROLES


def _township(fc, side, user):
    return {"unit_id": fc.unit("township", side).pk}


register("finance:dash_home", noun="finance_dashboard", roles=DASHBOARD_ROLES)
for _name in ("dash_unit", "dash_findings", "dash_findings_xlsx", "dash_tables_xlsx", "dash_report_pdf"):
    register(f"finance:{_name}", noun="finance_dashboard", roles=DASHBOARD_ROLES, kwargs=_township, level="township")
