"""Background tasks of the democracy app (run by ``cleangov worker``)."""

from __future__ import annotations

from django_tasks import task

from cleangov.core.periodic import continue_later
from cleangov.core.recovery import register_task_recovery

from .holds import open_due_reviews

OPEN_REVIEWS_JOB = "democracy.open_financial_reviews"
# About three seconds of work on a 2-core server (a review, its clock and two audit events each): the
# first pass after a year of imports opens thousands, and a preview queued meanwhile should not wait.
REVIEWS_PER_TASK = 100


@task()
def open_financial_reviews_task() -> dict:
    """Open the financial management group's review (and its clock) for every ended month with vouchers,
    a hundred at a time: when more are due, the rest is left to a new task queued behind people's work."""
    opened = open_due_reviews(acting_user=None, limit=REVIEWS_PER_TASK)
    continued = opened == REVIEWS_PER_TASK and continue_later(open_financial_reviews_task)
    return {"opened": opened, "continued_in": continued or None}


register_task_recovery(open_financial_reviews_task, idempotent=True)
