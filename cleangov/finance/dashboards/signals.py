"""Refresh the dashboards' summaries when an audit run finishes (it follows every import)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cleangov.finance.choices import AuditRunStatusChoices
from cleangov.finance.models import AuditRun, Finding


@receiver(post_save, sender=AuditRun, dispatch_uid="finance_dashboards_refresh_after_run")
def refresh_after_run(sender, instance: AuditRun, **kwargs) -> None:
    if instance.status != AuditRunStatusChoices.SUCCEEDED:
        return
    from .summaries import refresh_summaries

    transaction.on_commit(refresh_summaries)


@receiver(post_save, sender=Finding, dispatch_uid="finance_dashboards_finding_saved")
@receiver(post_delete, sender=Finding, dispatch_uid="finance_dashboards_finding_deleted")
def mark_unit_stale(sender, instance: Finding, **kwargs) -> None:
    """A finding saved one by one (a review decision) makes its unit's statistics stale; in the same
    transaction, so the mark cannot be lost. Bulk writes of audit runs are covered by the run."""
    from .models import StaleUnit

    if instance.unit_id:
        StaleUnit.objects.get_or_create(unit_id=instance.unit_id)
