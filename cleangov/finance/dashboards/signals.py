"""Refresh the dashboards' summaries when an audit run finishes (it follows every import)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from cleangov.finance.choices import AuditRunStatusChoices
from cleangov.finance.models import AuditRun


@receiver(post_save, sender=AuditRun, dispatch_uid="finance_dashboards_refresh_after_run")
def refresh_after_run(sender, instance: AuditRun, **kwargs) -> None:
    if instance.status != AuditRunStatusChoices.SUCCEEDED:
        return
    from .summaries import refresh_summaries

    transaction.on_commit(refresh_summaries)
