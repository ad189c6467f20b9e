"""Helpers of the audit-trail viewer: human labels for event codes, the before → after diff, the
subject types offered in the filter, and starting a background verification of the chain.

Apps add labels for their own codes with :func:`register_event_labels` (from their AppConfig.ready
or at import of their actions module); unknown codes are shown as the raw code.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

EVENT_LABELS: dict[str, object] = {
    "orgs.unit_created": _("Unit created"),
    "orgs.unit_updated": _("Unit changed"),
    "orgs.person_created": _("Person registered"),
    "orgs.person_updated": _("Person changed"),
    "orgs.post_started": _("Post taken up"),
    "orgs.post_ended": _("Post ended"),
    "orgs.relation_added": _("Relation registered"),
    "orgs.relation_removed": _("Relation removed"),
    "orgs.rank_mapping_set": _("Rank mapping set"),
    "accounts.user_created": _("User created"),
    "accounts.password_set": _("Password set"),
    "accounts.role_assigned": _("Role assigned"),
    "accounts.role_revoked": _("Role revoked"),
    "accounts.language_set": _("Language chosen"),
    "accounts.totp_device_enrolled": _("Two-factor device enrolled"),
    "accounts.totp_device_removed": _("Two-factor device removed"),
    "core.notification_read": _("Notification read"),
    "core.trail_verified": _("Audit trail verified"),
    "core.task_retried": _("Background task retried"),
}


def register_event_labels(labels: dict[str, object]) -> None:
    EVENT_LABELS.update(labels)


def event_label(code: str):
    return EVENT_LABELS.get(code, code)


@dataclass(frozen=True)
class DiffRow:
    field: str
    before: str
    after: str
    changed: bool


def _show(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _mask(value: str) -> str:
    return "*" * max(len(value) - 4, 0) + value[-4:] if value else value


def diff_rows(before: dict | None, after: dict | None, *, changed_only: bool = False,
              masked: frozenset[str] = frozenset()) -> list[DiffRow]:
    """One row per field named in either snapshot; ``changed`` marks fields whose value differs.
    Values of the ``masked`` fields keep only their last four characters (phone numbers for
    readers whose role has no need for them, as on the person page)."""
    before = before if isinstance(before, dict) else ({} if before is None else {"value": before})
    after = after if isinstance(after, dict) else ({} if after is None else {"value": after})
    rows = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        changed = old != new or (name in before) != (name in after)
        if changed_only and not changed:
            continue
        shown_old, shown_new = _show(old), _show(new)
        if name in masked:
            shown_old, shown_new = _mask(shown_old), _mask(shown_new)
        rows.append(DiffRow(name, shown_old, shown_new, changed))
    return rows


def audit_subject_types() -> list[str]:
    """Model labels events can name (``app.model``), from the app registry: no database query."""
    return sorted(m._meta.label_lower for m in apps.get_models() if m._meta.app_label not in {
        "admin", "contenttypes", "sessions", "axes", "django_tasks_database", "otp_totp"})


def start_trail_verification(user) -> str | None:
    """Queue ``cleangov.core.tasks.start_verify_trail`` and return its progress task id, or None
    when the web cannot start it for this user (then the page points to ``cleangov verify-trail``).

    The task module belongs to the deadlines engineer; the import stays guarded so this page keeps
    working on a checkout without it, and its own permission check is respected.
    """
    try:
        from cleangov.core.tasks import start_verify_trail
    except ImportError:
        logger.warning("cleangov.core.tasks.start_verify_trail is not available")
        return None
    try:
        progress = start_verify_trail(user)
    except PermissionDenied:
        return None
    task_id = getattr(progress, "task_id", progress)
    return str(task_id) if task_id else None


def masked_fields_for(user) -> frozenset[str]:
    """Fields the trail shows masked to this reader: the same need-to-know rule as the person page."""
    from cleangov.orgs.access import PHONE_ROLES

    from .access import user_roles

    return frozenset() if user_roles(user) & PHONE_ROLES else frozenset({"phone"})
