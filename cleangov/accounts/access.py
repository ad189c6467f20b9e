"""Access gates for account objects: a user reaches only their own devices and notifications."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from cleangov.core.access import get_or_404
from cleangov.core.models import Notification, TaskProgress


def access_totp_device_by_id(user, device_id, *, action: str = "view") -> TOTPDevice:
    """The user's own confirmed device; anyone else's gives the same 404 as a missing one."""
    return get_or_404(TOTPDevice.objects.filter(user=user, confirmed=True), pk=device_id)


def access_notification_by_id(user, notification_id, *, action: str = "view") -> Notification:
    return get_or_404(Notification.objects.filter(recipient=user), pk=notification_id)


def access_task_progress_by_id(user, task_id, *, action: str = "view") -> TaskProgress:
    """Progress is shown only to the user who started the task (it may name what they imported)."""
    if not getattr(user, "is_authenticated", False):
        return get_or_404(TaskProgress.objects.none(), task_id=task_id)
    return get_or_404(TaskProgress.objects.filter(started_by=user), task_id=task_id)
