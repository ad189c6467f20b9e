"""The metric the assessment frameworks read: ``disclosure.on_time``.

Share of the unit's disclosure obligations that fell due in the period and were met on time: each
scheduled item (exempted items excluded) counts once, published on or before its due date or not;
each villager's question whose answer fell due counts once too, answered on time or not (村民委员会组织法
Art. 30: the committee must answer villagers' queries). A township's value covers its villages.
Obligations not yet due at the time of computing are left out.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleangov.core.metrics import MetricResult, MetricSpec
from cleangov.core.scores import ratio
from cleangov.orgs.models import Unit

from .choices import DisclosureStatusChoices, QuestionStatusChoices
from .models import Disclosure, Question


def compute_on_time(unit_ids: list[int], period_start: date, period_end: date) -> dict[int, MetricResult]:
    today = timezone.localdate()
    last = period_end
    units = list(Unit.objects.filter(pk__in=list(unit_ids)))
    items = (Disclosure.objects.filter(due_date__gte=period_start, due_date__lte=last, due_date__lt=today)
             .exclude(status=DisclosureStatusChoices.EXEMPT)
             .values("unit__path").annotate(n=Count("pk"), ok=Count("pk", filter=Q(on_time=True))))
    questions = (Question.objects.filter(due_date__gte=period_start, due_date__lte=last, due_date__lt=today)
                 .exclude(status=QuestionStatusChoices.HIDDEN)
                 .values("disclosure__unit__path")
                 .annotate(n=Count("pk"), ok=Count("pk", filter=Q(answered_on_time=True))))
    per_path: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in items:
        per_path[row["unit__path"]][0] += row["n"]
        per_path[row["unit__path"]][1] += row["ok"]
    for row in questions:
        per_path[row["disclosure__unit__path"]][2] += row["n"]
        per_path[row["disclosure__unit__path"]][3] += row["ok"]
    out = {}
    for unit in units:
        n = ok = qn = qok = 0
        for path, (a, b, c, d) in per_path.items():
            if path.startswith(unit.path):
                n, ok, qn, qok = n + a, ok + b, qn + c, qok + d
        if not n + qn:
            out[unit.pk] = MetricResult(value=None, note=str(_("No disclosure fell due in the period.")))
            continue
        evidence = [(str(_("Items published on time: %(ok)s of %(n)s")) % {"ok": ok, "n": n}, ""),
                    (str(_("Questions answered on time: %(ok)s of %(n)s")) % {"ok": qok, "n": qn}, "")]
        out[unit.pk] = MetricResult(value=ratio(ok + qok, n + qn), numerator=Decimal(ok + qok),
                                    denominator=Decimal(n + qn), evidence=evidence)
    return out


METRICS = {
    "disclosure.on_time": MetricSpec(
        label=_("Disclosure on time"),
        description=_("Share of the disclosures and villagers' questions due in the period that were published "
                      "or answered by their due date (exempted items left out)."),
        unit="ratio",
        compute=compute_on_time,
    ),
}
