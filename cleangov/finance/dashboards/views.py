"""Dashboard pages: the list of dashboards a user may open, one unit's dashboard, and its drill-down
list of findings. Thin: gate → summaries → queries → charts → render."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cleangov.core.access import require_role, scope_q
from cleangov.finance.choices import FindingStatusChoices
from cleangov.orgs.models import Unit

from . import charts
from .queries import (
    DASHBOARD_ROLES,
    Dashboard,
    access_dashboard_unit_by_id,
    build_dashboard,
    dashboard_units,
    scoped_findings,
)
from .summaries import ensure_fresh

PAGE_SIZE = 50
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_year(value) -> int | None:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 1990 <= year <= 2100 else None


def ensure_summaries() -> None:
    """Bring the summaries up to date before drawing (see summaries.ensure_fresh)."""
    ensure_fresh()


@login_required
def dash_home(request):
    """The dashboards the user may open: the units of their assignments and the units just below."""
    require_role(request.user, DASHBOARD_ROLES)
    allowed = dashboard_units(request.user)
    tops = list(allowed.filter(scope_q(request.user, roles=DASHBOARD_ROLES, path_field="path"))
                .order_by("depth", "path"))
    top_depth = tops[0].depth if tops else 0
    roots = [u for u in tops if u.depth == top_depth]
    children = list(allowed.filter(parent__in=roots).order_by("level", "path")) if roots else []
    return render(request, "finance/dashboard/home.html", {"roots": roots, "children": children})


def dashboard_charts(dash: Dashboard) -> dict:
    name = dash.unit.display_name(get_language())
    rule_bars = [charts.Bar(label=r["name"], value=r["findings"]) for r in dash.by_rule[:15]]
    unit_bars = [charts.Bar(label=c.unit.display_name(get_language()), value=c.findings,
                            tooltip=_("amount at stake %(stake)s yuan") % {"stake": f"{c.stake:,.2f}"})
                 for c in dash.children[:15]]
    risk_bars = [charts.Bar(label=r.unit.display_name(get_language()), value=r.risk, shown=f"{r.risk:.1f}")
                 for r in dash.ranking[:10]]
    public_bars = []
    for y in dash.three_public_years:
        for key, label in (("travel", _("Travel")), ("vehicle", _("Vehicles")), ("reception", _("Reception"))):
            public_bars.append(charts.Bar(label=f"{y['year']} {label}", value=float(y[key]),
                                          shown=f"{y[key]:,.0f}"))
    out = {
        "rule_chart": charts.bar_chart(
            rule_bars, title=_("Findings by rule"), desc=_("Number of findings per audit rule in %(unit)s.")
            % {"unit": name}, empty=_("No findings.")),
        "unit_chart": charts.bar_chart(
            unit_bars, title=_("Findings by unit"), desc=_("Number of findings per unit under %(unit)s.")
            % {"unit": name}, color=charts.ACCENT, empty=_("No findings.")),
        "month_chart": charts.line_chart(
            dash.by_month, title=_("Findings over time"),
            desc=_("Findings per month of their earliest voucher line."), empty=_("No findings.")),
        "risk_chart": charts.bar_chart(
            risk_bars, title=_("Units ranked by risk"), desc=_("Risk score of the ten riskiest units."),
            empty=_("No findings.")),
        "public_chart": charts.bar_chart(
            public_bars, title=_("The three public expenses per year"),
            desc=_("Travel, official vehicles and official reception spending per year, in yuan."),
            color=charts.ACCENT, empty=_("No voucher lines.")),
        "benford_chart": None,
    }
    b = dash.benford
    if not b.refused:
        out["benford_chart"] = charts.benford_chart(
            b.actual, b.expected, title=_("First digits of amounts (Benford)"),
            desc=_("Observed share of each first digit 1–9 against Benford's law; MAD %(mad)s, %(label)s.")
            % {"mad": f"{b.mad:.4f}", "label": b.conformity_label},
            actual_label=_("Observed"), expected_label=_("Benford expected"))
    return out


@login_required
def dash_unit(request, unit_id):
    unit = access_dashboard_unit_by_id(request.user, unit_id)
    ensure_summaries()
    year = parse_year(request.GET.get("year"))
    dash = build_dashboard(request.user, unit, year=year)
    context = {"dash": dash, "unit": unit, "year": year, "lang": get_language(), **dashboard_charts(dash),
               "ancestors": list(dashboard_units(request.user).filter(pk__in=unit.ancestors().values("pk"))
                                 .order_by("depth"))}
    return render(request, "finance/dashboard/unit.html", context)


def drill_filters(request, unit: Unit) -> dict:
    """The drill-down's filters, validated: rule, child unit code, month (YYYY-MM), year, status."""
    data: dict = {}
    rule = (request.GET.get("rule") or "").strip()[:60]
    if rule:
        data["rule"] = rule
    code = (request.GET.get("unit") or "").strip()[:40]
    if code:
        child = Unit.objects.filter(code=code, path__startswith=unit.path).first()
        data["child"] = child if child is not None else False
    match = MONTH_RE.match(request.GET.get("month") or "")
    if match and 1 <= int(match.group(2)) <= 12:
        data["month"] = dt.date(int(match.group(1)), int(match.group(2)), 1)
    year = parse_year(request.GET.get("year"))
    if year:
        data["year"] = year
    status = request.GET.get("status") or ""
    if status in FindingStatusChoices.values:
        data["status"] = status
    return data


def drill_queryset(user, unit: Unit, data: dict) -> QuerySet:
    """Findings behind a chart: the findings queue's conflict-free queryset, narrowed by the filters.
    Without a status filter, dismissed findings are left out as they are on the charts."""
    qs = scoped_findings(user, unit, year=data.get("year"))
    if data.get("child") is False:
        return qs.none()
    if data.get("child"):
        qs = qs.filter(unit__path__startswith=data["child"].path)
    if data.get("rule"):
        qs = qs.filter(rule=data["rule"])
    if data.get("month"):
        qs = qs.filter(dash_month__month=data["month"])
    qs = qs.filter(status=data["status"]) if data.get("status") else qs.exclude(
        status=FindingStatusChoices.DISMISSED)
    return qs.select_related("unit").order_by("-pk")


@login_required
def dash_findings(request, unit_id):
    unit = access_dashboard_unit_by_id(request.user, unit_id)
    data = drill_filters(request, unit)
    qs = drill_queryset(request.user, unit, data)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "finance/dashboard/findings.html", {
        "unit": unit, "page": page, "filters": data, "lang": get_language(), "query": query.urlencode(),
        "statuses": FindingStatusChoices.choices})
