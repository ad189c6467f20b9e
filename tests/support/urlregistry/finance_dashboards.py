"""Permission-matrix entries for the finance dashboards' URLs (tests/support/urlregistry/__init__.py).

The object of every URL is a unit: the township on the fixture county's side.
"""

from __future__ import annotations

from . import register, view


def _township(fc, side, user):
    return {"unit_id": fc.unit("township", side).pk}


register("finance:dash_home", get=view("finance_dashboard"))
for _name in ("dash_unit", "dash_findings", "dash_findings_xlsx", "dash_tables_xlsx", "dash_report_pdf"):
    register(f"finance:{_name}", get=view("finance_dashboard"), kwargs=_township, level="township")
