"""What an import changed: the findings its audit run produced, those it no longer finds, and those that persist.

A batch's page answers "what did this file change": against the run before it over the same books (the run of
the batch it corrects, or else the latest earlier run of the same scope), a finding is *new* when this batch's
run found it first, *persisting* when this run found it again, and *gone* when the run before found it and this
one did not (a corrected batch fixed it). Everything is read through the viewer's own findings scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from .choices import AuditRunStatusChoices
from .filters import sort_findings
from .models import AuditRun, Finding, ImportBatch

SHOWN = 100


@dataclass
class BatchChanges:
    run: AuditRun | None = None
    previous: AuditRun | None = None
    new: list = field(default_factory=list)
    persisting: list = field(default_factory=list)
    gone: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)


def batch_changes(batch: ImportBatch, findings: QuerySet[Finding]) -> BatchChanges:
    """``findings`` is the viewer's scope (``findings_for(user)``)."""
    done = AuditRun.objects.filter(status=AuditRunStatusChoices.SUCCEEDED)
    run = done.filter(batch=batch).select_related("scope_unit").order_by("-pk").first()
    if run is None:
        # A batch imported without its own run (the demo, a bulk load) was first audited by the next run
        # over books that contain it.
        for candidate in done.filter(created_at__gte=batch.uploaded_at).select_related("scope_unit").order_by("pk"):
            if batch.scope_unit.path.startswith(candidate.scope_unit.path):
                run = candidate
                break
    if run is None:
        return BatchChanges()
    previous = None
    if batch.supersedes_id:
        previous = done.filter(batch_id=batch.supersedes_id).order_by("-pk").first()
    if previous is None:
        previous = done.filter(scope_unit_id=run.scope_unit_id, pk__lt=run.pk).order_by("-pk").first()
    # Only the books this file holds: a run over the whole county also found things in other batches.
    base = findings.select_related("unit").filter(unit_id__in=batch.units.values("unit_id"))
    audited = base.filter(unit_id__in=run.unit_ids) if run.unit_ids else base
    groups = {
        "new": base.filter(first_run=run),
        "persisting": base.filter(first_run_id__lt=run.pk, last_run_id__gte=run.pk),
        "gone": audited.filter(last_run=previous) if previous else base.none(),
    }
    result = BatchChanges(run=run, previous=previous)
    for name, qs in groups.items():
        result.counts[name] = qs.count()
        setattr(result, name, list(sort_findings(qs, "")[0][:SHOWN]))
    return result
