"""Background tasks of the disclosure (run by ``cleangov worker``)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django_tasks import task

from cleangov.core.recovery import register_task_recovery

SCHEDULE_JOB_NAME = "disclosure.schedule"


@task()
def schedule_disclosures_task(day: str | None = None) -> dict:
    """Give every village the catalog's items for every period that has ended (idempotent)."""
    from .actions import schedule_all

    through = date.fromisoformat(day) if day else timezone.localdate()
    return {"created": schedule_all(through=through, acting_user=None)}


register_task_recovery(schedule_disclosures_task, idempotent=True)
