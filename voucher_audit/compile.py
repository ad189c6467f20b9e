"""Builds every SQL statement the engine runs, in DuckDB's dialect (translated by :mod:`voucher_audit.sql`).

* ``l``: the enriched line view (units, lodging caps, class matrix, fleet, holiday calendar joined once).
* the fused pass: one status column per line rule, aggregated for coverage in one scan, and filtered to
  the flagged lines (with the rules' detail columns) in a second scan.
* each set rule's coverage and findings queries.
"""

from __future__ import annotations

import functools
import inspect
import re

from voucher_audit.rules import RULES
from voucher_audit.rules._base import VEHICLE, Ctx, LineRule, SetRule, in_list

FESTIVAL_CATS = ("allowance", "bonus", "welfare", "condolence", "other")
PLATE_KEY = "UPPER(REPLACE(REPLACE(REPLACE({c}, ' ', ''), '·', ''), '-', ''))"


def plate_key(column: str) -> str:
    return PLATE_KEY.format(c=column)


def enriched_view_sql(source: str = "lines") -> str:
    """The lines (``source``: the table, or a subquery of some of them) with their lookups joined."""
    veh = in_list("v.category", VEHICLE)
    fest = in_list("v.category", FESTIVAL_CATS)
    return f"""
SELECT v.*,
       u.org_code IS NOT NULL AS d_unit_known, u.level AS d_unit_level, u.city AS d_unit_city,
       lc.cap AS d_lodging_cap, lc.label AS d_lodging_area, ld.dest IS NOT NULL AS d_dest_known,
       cl.level AS d_class_level, cm.level AS d_class_max,
       fl.org_code IS NOT NULL AS d_in_fleet,
       COALESCE(v.event_date, v.invoice_date) AS d_veh_date, cal.is_rest AS d_veh_rest, cal.holiday AS d_veh_holiday,
       COALESCE(v.event_date, v.invoice_date, v.voucher_date) AS d_fest_date, fe.first_day AS d_fest_first,
       fe.name AS d_fest_name
FROM {source} AS v
LEFT JOIN units AS u ON u.org_code = v.org_code
LEFT JOIN lodging_lookup AS lc ON v.category = 'travel_lodging' AND lc.dest = v.destination
     AND lc.rank = v.person_rank AND lc.month = EXTRACT(MONTH FROM v.trip_start)
     AND v.trip_start >= lc.eff_from AND v.trip_start <= lc.eff_to
LEFT JOIN lodging_dest AS ld ON v.category = 'travel_lodging' AND ld.dest = v.destination
LEFT JOIN class_level AS cl ON v.category = 'travel_intercity' AND cl.mode = v.travel_mode AND cl.cls = v.travel_class
LEFT JOIN class_max AS cm ON v.category = 'travel_intercity' AND cm.mode = v.travel_mode AND cm.rank = v.person_rank
LEFT JOIN fleet AS fl ON {veh} AND fl.org_code = v.org_code AND fl.plate_key = {plate_key('v.vehicle_plate')}
LEFT JOIN calendar AS cal ON {veh} AND cal.d = COALESCE(v.event_date, v.invoice_date)
LEFT JOIN festival_window AS fe ON {fest} AND fe.d = COALESCE(v.event_date, v.invoice_date, v.voucher_date)
"""


def line_rules(selected: list[str] | None = None) -> list[LineRule]:
    return [r for r in RULES.values() if isinstance(r, LineRule) and (selected is None or r.id in selected)]


def set_rules(selected: list[str] | None = None) -> list[SetRule]:
    return [r for r in RULES.values() if isinstance(r, SetRule) and (selected is None or r.id in selected)]


def status_select(rules: list[LineRule], ctx: Ctx) -> str:
    # statuses are 0, 1, 2 or 10 + i: one byte each in the materialised status table
    return ", ".join(f"CAST({r.status_sql(ctx)} AS TINYINT) AS s_{r.id}" for r in rules)


def fused_status_sql(rules: list[LineRule], ctx: Ctx) -> str:
    """Every line's key and its status under each line rule: evaluated once, read for coverage and findings."""
    return f"SELECT line_id, {status_select(rules, ctx)} FROM l"


def fused_coverage_sql(rules: list[LineRule], ctx: Ctx, status_table: str | None = None) -> str:
    """Line counts by combination of statuses: a few hundred rows, added up per rule by :func:`coverage_counts`.

    Grouping by the status bytes is cheaper than four conditional sums per rule over every line.
    """
    cols = ", ".join(f"s_{r.id}" for r in rules)
    src = status_table or f"(SELECT {status_select(rules, ctx)} FROM l)"
    return f"SELECT {cols}, COUNT(*) AS n FROM {src} AS st GROUP BY {cols}"


def coverage_counts(rules: list[LineRule], ctx: Ctx, groups: list[dict]) -> dict[str, dict[str, int]]:
    """Per rule: applicable, evaluated, flagged and not-evaluable by reason index, from the status groups."""
    out = {}
    for r in rules:
        key = f"s_{r.id}"
        c = {"applicable": 0, "evaluated": 0, "flagged": 0}
        ne = [0] * len(r.reasons(ctx))
        for g in groups:
            s, n = g[key], int(g["n"])
            if s > 0:
                c["applicable"] += n
            if s in (1, 2):
                c["evaluated"] += n
            if s == 2:
                c["flagged"] += n
            if s >= 10:
                ne[s - 10] += n
        out[r.id] = {**c, "ne": ne}
    return out


_FIELD_REF = re.compile(r"""\br(?:\[|\.get\()\s*["']([a-z_][a-z0-9_]*)["']""")


@functools.cache
def message_fields(rule: LineRule) -> tuple[str, ...]:
    """Columns of ``l`` a line rule's message reads: those it names as r["…"] / r.get("…") plus ``fields``.

    Detail columns (``x_…``) are not columns of ``l``; they come from the rule's ``details``/``stake``.
    """
    names = set(_FIELD_REF.findall(inspect.getsource(rule.message))) | set(rule.fields)
    return tuple(sorted(n for n in names if not n.startswith("x_")))


def fused_findings_sql(rules: list[LineRule], ctx: Ctx, status_table: str | None = None) -> str:
    """The flagged lines of the given rules, narrow: keys, status, the message fields and the detail columns.

    Only the columns the messages need leave the engine, so the cost is proportional to the findings,
    not to the width of the table.
    """
    base = sorted({"line_id", "org_code"}.union(*(message_fields(r) for r in rules)))
    details = []
    for r in rules:
        cols = dict(r.details(ctx))
        if r.stake is not None:
            cols["stake"] = r.stake(ctx)
        details += [f"CASE WHEN s_{r.id} = 2 THEN {expr} END AS x_{r.id}__{name}" for name, expr in cols.items()]
    any_flag = " OR ".join(f"s_{r.id} = 2" for r in rules) or "FALSE"
    statuses = ", ".join(f"s_{r.id}" for r in rules)
    extra = (", " + ", ".join(details)) if details else ""
    if status_table:
        # the flagged keys are few: only their lines are enriched again, for the message columns
        flagged = f"(SELECT * FROM {status_table} WHERE {any_flag})"
        some = f"(SELECT v0.* FROM lines AS v0 WHERE v0.line_id IN (SELECT line_id FROM {flagged} AS f0))"
        src = (f"(SELECT lf.*, {', '.join(f'f.s_{r.id}' for r in rules)} FROM ({enriched_view_sql(some)}) AS lf "
               f"JOIN {flagged} AS f ON f.line_id = lf.line_id)")
    else:
        src = f"(SELECT l.*, {status_select(rules, ctx)} FROM l)"
    return f"SELECT {', '.join(base)}, {statuses}{extra} FROM {src} AS t WHERE {any_flag}"
