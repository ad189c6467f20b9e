"""The numbers behind a dashboard, in a fixed number of queries whatever the data volume.

Scope: a dashboard is drawn for one unit (the county, a township, a department or a village) inside
the user's scope for the finance roles that see findings, and covers that unit's subtree. Lists of
findings (drill-downs, exports) come from :func:`cleangov.finance.access.findings_for`, the same
scoped, conflict-free queryset as the findings queue: a finding naming the user or a registered
relative (docs/design.md §3) is left out of every count, chart, drill-down and export, so an aggregate
never differs from its drill-down and cannot hint at a hidden finding. Dismissed findings (false
positives) are left out of the charts, amounts and risk scores and shown as a separate count.

Counts come from per-unit statistics (:class:`.models.FindingStat`) restricted with the same roles
and scope helper as the queue, minus the viewer's hidden findings counted live (:func:`hidden_findings`).
Queries per dashboard: units of the subtree (1), statistics per unit, rule and month (3), hidden
findings (2), line summaries per unit and year (1) and their first-digit counts (1); see
docs/finance-dashboards.md for the risk score and the Benford test.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleangov.core.access import conflicted_person_ids, get_or_404, restrict
from cleangov.core.scores import round_score
from cleangov.finance.access import FINDING_VIEW_ROLES, findings_for
from cleangov.finance.choices import (
    FindingRuleChoices,
    FindingSeverityChoices,
    FindingStatusChoices,
    ImportBatchStatusChoices,
    code_label,
)
from cleangov.finance.models import Finding, FindingPerson
from cleangov.orgs.models import Unit

from .models import BatchLineSummary, ExpenseGroupChoices, FindingMonthStat, FindingStat
from .summaries import DIGITS

DASHBOARD_ROLES = FINDING_VIEW_ROLES
DASHBOARD_LEVELS = ("county", "township", "department", "village")
THREE_PUBLIC = (ExpenseGroupChoices.TRAVEL, ExpenseGroupChoices.VEHICLE, ExpenseGroupChoices.RECEPTION)
SEVERITY_WEIGHT = {FindingSeverityChoices.BLOCK: 3, FindingSeverityChoices.WARN: 2, FindingSeverityChoices.INFO: 1}
RISK_TOP = 20

# Benford (docs/regulations.md §8, Nigrini 2012). The values are read from the standards pack so a county
# changes them as data; these are the fallbacks when no pack defines them.
BENFORD_MIN_N = 300
MAD_THRESHOLDS = (0.006, 0.012, 0.015)
EXPECTED = tuple(math.log10(1 + 1 / d) for d in DIGITS)
CONFORMITY_LABELS = {
    "close": _("Close conformity"),
    "acceptable": _("Acceptable conformity"),
    "marginal": _("Marginally acceptable conformity"),
    "nonconformity": _("Nonconformity"),
}


# ---------------------------------------------------------------- access

def dashboard_units(user) -> QuerySet[Unit]:
    """Units whose dashboard the user may open: inside a finding-viewing role's subtree."""
    return restrict(Unit.objects.filter(level__in=DASHBOARD_LEVELS), user, roles=DASHBOARD_ROLES, path_field="path")


def access_dashboard_unit_by_id(user, unit_id, *, action: str = "view") -> Unit:
    return get_or_404(dashboard_units(user), pk=unit_id)


def scoped_findings(user, unit: Unit, *, year: int | None = None) -> QuerySet[Finding]:
    """The findings queue's own queryset (scope + conflict of interest), narrowed to a subtree."""
    qs = findings_for(user).filter(unit__path__startswith=unit.path)
    return qs.filter(year=year) if year else qs


# ---------------------------------------------------------------- Benford

@dataclass
class Benford:
    counts: list[int]
    n: int
    min_n: int
    thresholds: tuple[float, float, float]
    actual: list[float] = field(default_factory=list)
    mad: float | None = None
    conformity: str = ""

    @property
    def refused(self) -> bool:
        return self.n < self.min_n

    @property
    def expected(self) -> tuple[float, ...]:
        return EXPECTED

    @property
    def conformity_label(self):
        return CONFORMITY_LABELS.get(self.conformity, "")

    def rows(self):
        return [{"digit": d, "count": c, "actual": a, "expected": e, "actual_pct": f"{a * 100:.1f}",
                 "expected_pct": f"{e * 100:.1f}"}
                for d, c, a, e in zip(DIGITS, self.counts, self.actual or [0.0] * 9, EXPECTED, strict=True)]


def mean_absolute_deviation(counts: list[int]) -> float:
    """MAD = (1/9) Σ_d |observed share(d) − log10(1 + 1/d)| over the first digits d = 1…9."""
    n = sum(counts)
    if not n:
        raise ValueError("no amounts")
    return sum(abs(c / n - e) for c, e in zip(counts, EXPECTED, strict=True)) / 9


def conformity(mad: float, thresholds=MAD_THRESHOLDS) -> str:
    """Nigrini's first-digit bands: ≤ 0.006 close, ≤ 0.012 acceptable, ≤ 0.015 marginal, above: none."""
    close, acceptable, marginal = (float(t) for t in thresholds)
    if mad <= close:
        return "close"
    if mad <= acceptable:
        return "acceptable"
    if mad <= marginal:
        return "marginal"
    return "nonconformity"


@functools.lru_cache(maxsize=8)
def _benford_standards(day) -> tuple[int, tuple[float, float, float]]:
    from django.conf import settings

    from cleangov.finance import engine as E

    try:
        std = E.load_standards(getattr(settings, "CLEANGOV_STANDARDS_PACK", "central"), day)
        return int(std.get("benford.min_n")), tuple(float(t) for t in std.get("benford.mad_thresholds"))
    except Exception:
        return BENFORD_MIN_N, MAD_THRESHOLDS


def benford(counts: list[int]) -> Benford:
    min_n, thresholds = _benford_standards(timezone.localdate())
    result = Benford(counts=list(counts), n=sum(counts), min_n=min_n, thresholds=thresholds)
    if result.n and not result.refused:
        result.actual = [c / result.n for c in counts]
        result.mad = mean_absolute_deviation(result.counts)
        result.conformity = conformity(result.mad, thresholds)
    elif result.n:
        result.actual = [c / result.n for c in counts]
    return result


# ---------------------------------------------------------------- the dashboard


@dataclass
class UnitRow:
    unit: Unit
    findings: int = 0
    open: int = 0
    confirmed: int = 0
    weighted: int = 0
    stake: Decimal = Decimal(0)
    lines: int = 0
    amount: Decimal = Decimal(0)

    @property
    def risk(self) -> float:
        return risk_score(self.weighted, self.stake, self.lines, self.amount)


def risk_score(weighted: int, stake: Decimal, lines: int, amount: Decimal) -> float:
    """Risk = weighted findings per 1,000 voucher lines + percent of spending at stake.

    Weighted findings count block 3, warning 2, information 1 (dismissed findings count nothing);
    both terms are rates, so a small village and a large township compare fairly. A unit with
    findings but no summarised lines (lines kept elsewhere) scores its weighted count."""
    if lines <= 0:
        return float(weighted)
    score = 1000 * weighted / lines
    if amount > 0:
        score += float(100 * stake / amount)
    return float(round_score(score))


@dataclass
class Dashboard:
    unit: Unit
    year: int | None
    years: list[int]
    children: list[UnitRow]
    ranking: list[UnitRow]
    by_rule: list[dict]
    by_month: list[tuple[str, int]]
    totals: dict
    three_public: list[dict]
    three_public_years: list[dict]
    benford: Benford


def hidden_findings(user, unit: Unit, *, year: int | None = None) -> list[dict]:
    """The findings in the dashboard's scope that the findings queue hides from this viewer: in scope
    for the viewer's roles but naming the viewer or a registered relative (the complement of
    ``exclude_conflicts`` in :func:`cleangov.finance.access.findings_for`). Driven from the subject
    people's index, so it costs what the viewer's own conflicts cost, not what the county's do."""
    ids = conflicted_person_ids(user)
    if not ids:
        return []
    qs = restrict(Finding.objects.filter(unit__path__startswith=unit.path), user, roles=DASHBOARD_ROLES,
                  path_field="unit__path").filter(
        pk__in=FindingPerson.objects.filter(person_id__in=ids).values("finding_id"))
    if year:
        qs = qs.filter(year=year)
    return list(qs.values("unit_id", "rule", "severity", "status", "amount_at_stake", "dash_month__month"))


def _subtract(f: dict, per_unit: dict, per_rule: dict, per_month: dict) -> None:
    dismissed = f["status"] == FindingStatusChoices.DISMISSED
    stake = f["amount_at_stake"] or Decimal(0)
    g = per_unit.get(f["unit_id"])
    if g is not None:
        if dismissed:
            g["dismissed"] = (g["dismissed"] or 0) - 1
        else:
            g["n"] = (g["n"] or 0) - 1
            g["weighted"] = (g["weighted"] or 0) - SEVERITY_WEIGHT.get(f["severity"], 1)
            g["stake"] = (g["stake"] or Decimal(0)) - stake
            if f["status"] in (FindingStatusChoices.OPEN, FindingStatusChoices.ESCALATED):
                g["waiting"] = (g["waiting"] or 0) - 1
            if f["status"] == FindingStatusChoices.ESCALATED:
                g["escalated"] = (g["escalated"] or 0) - 1
            if f["status"] == FindingStatusChoices.CONFIRMED:
                g["confirmed"] = (g["confirmed"] or 0) - 1
    if dismissed:
        return
    r = per_rule.get(f["rule"])
    if r is not None:
        r["n"] = (r["n"] or 0) - 1
        r["stake"] = (r["stake"] or Decimal(0)) - stake
        if f["status"] in (FindingStatusChoices.OPEN, FindingStatusChoices.ESCALATED):
            r["waiting"] = (r["waiting"] or 0) - 1
    month = f["dash_month__month"]
    if month in per_month:
        per_month[month] -= 1


def _child_key(unit_path: str, path: str) -> str | None:
    """The direct child of the dashboard unit that ``path`` lies under (None: the unit itself)."""
    rest = path[len(unit_path):].strip("/")
    return rest.split("/")[0] if rest else None


def build_dashboard(user, unit: Unit, *, year: int | None = None) -> Dashboard:

    # Only the units the user may open: a township held without its subtree shows its own row, not its villages'.
    in_scope = dashboard_units(user).filter(path__startswith=unit.path).values("pk")
    units = {u.pk: u for u in Unit.objects.filter(pk__in=in_scope).exclude(level="group").order_by("path")}
    by_code = {u.code: u for u in units.values()}
    rows = {pk: UnitRow(unit=u) for pk, u in units.items()}

    # 1. Findings, from the per-unit statistics restricted exactly like the findings queue (same roles,
    # same scope helper), minus the findings the viewer may not see: those naming the viewer or a
    # relative. Those are few and counted live, so every number equals the conflict-free queue's.
    stats = restrict(FindingStat.objects.filter(unit__path__startswith=unit.path), user, roles=DASHBOARD_ROLES,
                     path_field="unit__path")
    mstats = restrict(FindingMonthStat.objects.filter(unit__path__startswith=unit.path), user,
                      roles=DASHBOARD_ROLES, path_field="unit__path")
    if year:
        stats, mstats = stats.filter(year=year), mstats.filter(year=year)
    kept = ~Q(status=FindingStatusChoices.DISMISSED)
    waiting = Q(status__in=[FindingStatusChoices.OPEN, FindingStatusChoices.ESCALATED])
    weight = Case(*[When(severity=sv, then=Value(w)) for sv, w in SEVERITY_WEIGHT.items()], default=Value(1),
                  output_field=IntegerField())
    per_unit = {g["unit_id"]: g for g in stats.values("unit_id").annotate(
        n=Sum("findings", filter=kept), waiting=Sum("findings", filter=waiting),
        escalated=Sum("findings", filter=Q(status=FindingStatusChoices.ESCALATED)),
        confirmed=Sum("findings", filter=Q(status=FindingStatusChoices.CONFIRMED)),
        dismissed=Sum("findings", filter=~kept), weighted=Sum(weight * F("findings"), filter=kept),
        stake=Sum("stake", filter=kept)).order_by()}
    per_rule = {g["rule"]: g for g in stats.filter(kept).values("rule").annotate(
        n=Sum("findings"), waiting=Sum("findings", filter=waiting), stake=Sum("stake")).order_by()}
    per_month = dict(mstats.filter(kept).values("month").annotate(n=Sum("findings")).order_by()
                     .values_list("month", "n"))
    for f in hidden_findings(user, unit, year=year):
        _subtract(f, per_unit, per_rule, per_month)

    totals = {"findings": 0, "open": 0, "escalated": 0, "confirmed": 0, "dismissed": 0, "stake": Decimal(0)}
    for uid, g in per_unit.items():
        stake = g["stake"] or Decimal(0)
        totals["findings"] += g["n"] or 0
        totals["open"] += (g["waiting"] or 0) - (g["escalated"] or 0)
        totals["escalated"] += g["escalated"] or 0
        totals["confirmed"] += g["confirmed"] or 0
        totals["dismissed"] += g["dismissed"] or 0
        totals["stake"] += stake
        row = rows.get(uid)
        if row is None:  # a finding on a villager group: counted in the totals only
            continue
        row.findings, row.open, row.confirmed = g["n"] or 0, g["waiting"] or 0, g["confirmed"] or 0
        row.weighted, row.stake = g["weighted"] or 0, stake
    by_rule = []
    for code, g in per_rule.items():
        if not g["n"]:
            continue
        by_rule.append({"rule": code, "findings": g["n"], "open": g["waiting"] or 0, "stake": g["stake"] or Decimal(0),
                        "name": code_label(FindingRuleChoices, code)})
    by_rule.sort(key=lambda r: (-r["findings"], r["rule"]))

    # 2. Findings over time: month of the earliest voucher line.
    by_month = _fill_months({m: n for m, n in per_month.items() if m and n})

    # 3. Voucher lines, pre-aggregated per immutable batch; superseded batches left out. One row per
    # unit and year (the expense groups as conditional sums), and one row of first-digit counts.
    lines_qs = BatchLineSummary.objects.filter(batch__status=ImportBatchStatusChoices.ACTIVE,
                                               unit__path__startswith=unit.path)
    groups = {g.value: Sum("amount", filter=Q(group=g)) for g in THREE_PUBLIC}
    summary = list(lines_qs.values("unit_id", "year").annotate(n=Sum("lines"), spent=Sum("amount"), **groups)
                   .order_by())
    years = sorted({s["year"] for s in summary})
    dig = (lines_qs.filter(year=year) if year else lines_qs).aggregate(**{f"d{d}": Sum(f"d{d}") for d in DIGITS})
    digits = [dig[f"d{d}"] or 0 for d in DIGITS]
    public: dict[tuple[str | None, int], dict] = defaultdict(lambda: {g: Decimal(0) for g in THREE_PUBLIC})
    for s in summary:
        if year and s["year"] != year:
            continue
        row = rows.get(s["unit_id"])
        if row is None:
            continue
        row.lines += s["n"]
        row.amount += s["spent"] or Decimal(0)
        amounts = public[(_child_key(unit.path, row.unit.path), s["year"])]
        for g in THREE_PUBLIC:
            amounts[g] += s[g.value] or Decimal(0)

    # Roll the unit rows up to the dashboard unit's direct children.
    children: dict[str | None, UnitRow] = {}
    for row in rows.values():
        key = _child_key(unit.path, row.unit.path)
        head = unit if key is None else by_code.get(key)
        if head is None:
            continue
        agg = children.setdefault(key, UnitRow(unit=head))
        for f in ("findings", "open", "confirmed", "weighted", "stake", "lines", "amount"):
            setattr(agg, f, getattr(agg, f) + getattr(row, f))
    child_rows = sorted((c for c in children.values() if c.findings or c.lines),
                        key=lambda c: (-c.findings, c.unit.path))
    ranking = sorted((r for r in rows.values() if r.findings), key=lambda r: (-r.risk, -r.findings, r.unit.path))

    three_public = []
    for (key, yr), amounts in sorted(public.items(), key=lambda kv: ((kv[0][0] or ""), kv[0][1])):
        head = unit if key is None else by_code.get(key)
        three_public.append({"unit": head, "year": yr, **{g.value: amounts[g] for g in THREE_PUBLIC},
                             "total": sum(amounts.values(), Decimal(0))})
    per_year: dict[int, dict] = {}
    for item in three_public:
        agg = per_year.setdefault(item["year"], {"year": item["year"], **{g.value: Decimal(0) for g in THREE_PUBLIC},
                                                 "total": Decimal(0)})
        for g in (*[g.value for g in THREE_PUBLIC], "total"):
            agg[g] += item[g]

    return Dashboard(unit=unit, year=year, years=years, children=child_rows, ranking=ranking[:RISK_TOP],
                     by_rule=by_rule, by_month=by_month, totals=totals, three_public=three_public,
                     three_public_years=[per_year[y] for y in sorted(per_year)], benford=benford(digits))


def _fill_months(counts: dict) -> list[tuple[str, int]]:
    """Every month from the first to the last with a finding, zeros included, as ("2025-03", n)."""
    if not counts:
        return []
    first, last = min(counts), max(counts)
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append((f"{y:04d}-{m:02d}", sum(n for k, n in counts.items() if k.year == y and k.month == m)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out
