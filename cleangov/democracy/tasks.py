"""Background tasks of the democracy app (run by ``cleangov worker``)."""

from __future__ import annotations

from django_tasks import task

from cleangov.core.recovery import register_task_recovery

from .holds import open_due_reviews

OPEN_REVIEWS_JOB = "democracy.open_financial_reviews"


@task()
def open_financial_reviews_task() -> dict:
    """Open the financial management group's review (and its clock) for every ended month with vouchers."""
    return {"opened": open_due_reviews(acting_user=None)}


register_task_recovery(open_financial_reviews_task, idempotent=True)
