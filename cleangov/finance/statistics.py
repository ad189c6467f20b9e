"""Statistics over the review of findings (the rule quality page)."""

from __future__ import annotations

from django.db.models import Q

from .choices import FindingStatusChoices
from .models import Finding


def false_positive_rates():
    """Per rule: findings decided, dismissed as false positives, and the rate (dismissed / decided)."""
    from django.db.models import Count

    rows = (Finding.objects.filter(status__in=[FindingStatusChoices.CONFIRMED, FindingStatusChoices.DISMISSED])
            .values("rule").annotate(decided=Count("pk"),
                                     dismissed=Count("pk", filter=Q(status=FindingStatusChoices.DISMISSED))))
    totals = dict(Finding.objects.values("rule").annotate(n=Count("pk")).values_list("rule", "n"))
    out = {r: {"rule": r, "total": n, "decided": 0, "dismissed": 0, "rate": None} for r, n in totals.items()}
    for r in rows:
        item = out[r["rule"]]
        item["decided"], item["dismissed"] = r["decided"], r["dismissed"]
        item["rate"] = r["dismissed"] / r["decided"] if r["decided"] else None
    return sorted(out.values(), key=lambda x: (-(x["rate"] or 0), x["rule"]))

