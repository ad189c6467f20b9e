"""State changes of core's own objects (notifications)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .audit import record_event


@transaction.atomic
def do_mark_notification_read(notification, *, acting_user) -> None:
    """Mark one of the user's notifications as read (idempotent: a second call changes nothing)."""
    if notification.read_at is not None:
        return
    notification.read_at = timezone.now()
    notification.save(update_fields=["read_at"])
    record_event(
        acting_user=acting_user,
        event_code="core.notification_read",
        subject=notification,
        after={"read_at": notification.read_at},
    )
