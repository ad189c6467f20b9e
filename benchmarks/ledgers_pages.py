"""Record-book pages: median time and query count of a unit's book and completeness view.

    CLEANGOV_DATA_DIR=<a data dir with the demo built> .venv/bin/python -m benchmarks.ledgers_pages [--runs 30]

Runs against an existing demo database (``cleangov setup && cleangov demo``): picks the village with
the most entries, logs in the township discipline secretary of its township through Django's test
client (in-process: no network, no server), requests each page ``--runs`` times after one warm-up,
and prints the median, the 90th percentile and the query count. Target: median < 300 ms with
a fixed query count.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import date


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleangov.settings")
    import django

    django.setup()
    from cleangov.accounts.models import RoleAssignment
    from cleangov.ledgers.analysis import bursts_for_units
    from cleangov.ledgers.models import LedgerEntry
    from cleangov.orgs.models import Unit
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    top = (LedgerEntry.objects.filter(unit__level="village").values("unit_id").annotate(n=Count("id"))
           .order_by("-n").first())
    if top is None:
        raise SystemExit("no record-book entries: build the demo first (cleangov setup && cleangov demo)")
    village = Unit.objects.get(pk=top["unit_id"])
    township = village.parent
    assignment = (RoleAssignment.objects.filter(role="township_discipline", unit__level="township")
                  .select_related("user", "unit").first())
    user = assignment.user
    if not village.path.startswith(assignment.unit.path):
        village = (Unit.objects.filter(path__startswith=assignment.unit.path, level="village")
                   .annotate(n=Count("ledger_entries")).order_by("-n").first())
        township = assignment.unit
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    entries = LedgerEntry.objects.filter(unit=village).count()
    print(f"unit {village.code} ({entries} entries), as {user.username}; {args.runs} runs each")
    pages = {
        "record book": reverse("ledgers:unit_book", kwargs={"unit_id": village.pk}),
        "record book, page 3": reverse("ledgers:unit_book", kwargs={"unit_id": village.pk}) + "?page=3",
        "completeness": reverse("ledgers:unit_completeness", kwargs={"unit_id": village.pk}),
        "township overview": reverse("ledgers:township_overview", kwargs={"unit_id": township.pk}),
    }
    for label, url in pages.items():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        times = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p90 = times[int(len(times) * 0.9) - 1]
        print(f"{label:22} median {statistics.median(times):7.1f} ms   p90 {p90:7.1f} ms   "
              f"{len(ctx.captured_queries)} queries")
    started = time.perf_counter()
    units = list(Unit.objects.exclude(level="group").values_list("pk", flat=True))
    today = timezone.localdate()
    found = bursts_for_units(units, since=date(today.year, 1, 1), until=today)
    print(f"burst scan of the county: {sum(len(b) for b in found.values())} bursts in {len(found)} units, "
          f"{(time.perf_counter() - started) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
