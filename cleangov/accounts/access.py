"""Access gates for account objects: a user reaches only their own devices.

(Notifications and task progress are core's models; their gates live in ``cleangov.core.access``.)
"""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from cleangov.core.access import get_or_404


def access_totp_device_by_id(user, device_id, *, action: str = "view") -> TOTPDevice:
    """The user's own confirmed device; anyone else's gives the same 404 as a missing one."""
    return get_or_404(TOTPDevice.objects.filter(user=user, confirmed=True), pk=device_id)

