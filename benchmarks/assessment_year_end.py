"""Year-end assessment of the whole demo county: median computation time and queries per metric.

    CLEANGOV_DATA_DIR=<a data dir with the demo built> .venv/bin/python -m benchmarks.assessment_year_end [--runs 3]

Runs against an existing demo database (``cleangov setup && cleangov demo``). Each run is the full
action ``do_compute_assessment`` (every metric for every township, department and village, the
formulas, the snapshots and their audit events) inside a transaction that is rolled back, so the
database is left as it was. Prints the median and every run, the units and record-book entries, and
the number of queries each metric makes for ALL units and for 10 units: equal numbers show the query
count is fixed per metric, not per unit. Target: under 30 s for ≥ 150 villages, ≥ 25 township
and department units and ≥ 100,000 record-book entries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--framework", default="year_end")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleangov.settings")
    import django

    django.setup()
    from cleangov.assessment.actions import do_compute_assessment
    from cleangov.assessment.compute import period_for, select_units
    from cleangov.assessment.models import Framework
    from cleangov.core.metrics import registry
    from cleangov.ledgers.models import LedgerEntry
    from cleangov.orgs.models import Unit
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    county = Unit.objects.filter(parent__isnull=True, level="county").first()
    framework = Framework.objects.select_related("current_version").filter(code=args.framework).first()
    if county is None or framework is None:
        raise SystemExit("no demo county or framework: run 'cleangov setup && cleangov demo' first")
    version = framework.current_version
    units = select_units(county, "all")
    levels = {level: sum(1 for u in units if u.level == level) for level in ("township", "department", "village")}
    entries = LedgerEntry.objects.count()
    year = timezone.localdate().year
    print(f"{framework.code} v{version.number}, {year}: {len(units)} units {levels}, {entries:,} record-book entries")

    timings = []
    for i in range(args.runs):
        with transaction.atomic():
            started = time.perf_counter()
            run = do_compute_assessment(framework_version=version, year=year, scope_unit=county, selection="all",
                                        acting_user=None)
            timings.append(time.perf_counter() - started)
            scored = run.snapshots.filter(computed_score__isnull=False).count()
            transaction.set_rollback(True)
        print(f"  run {i + 1}: {timings[-1]:.2f} s ({scored} units scored)")
    print(f"median: {statistics.median(timings):.2f} s over {len(timings)} runs (target < 30 s)")

    start, end = period_for(framework.kind, year)
    end = min(end, timezone.localdate())
    published = registry()
    ids = [u.pk for u in units]
    few = ids[:10]
    print("queries per metric (all units / 10 units):")
    for metric_id in version.parsed.metric_ids():
        spec = published.get(metric_id)
        if spec is None:
            print(f"  {metric_id:36} not available (no module publishes it)")
            continue
        counts = []
        for unit_ids in (ids, few):
            with CaptureQueriesContext(connection) as ctx:
                spec.compute(unit_ids, start, end)
            counts.append(len(ctx.captured_queries))
        print(f"  {metric_id:36} {counts[0]:3} / {counts[1]:3}")


if __name__ == "__main__":
    main()
