"""Helpers of the audit-trail viewer: human labels for event codes, the before → after diff, the
subject types offered in the filter, and starting a background verification of the chain.

Every app declares the labels of the event codes it records (``AppDeclaration.event_labels``, see
cleangov.core.declarations); a test fails when a recorded code has no label.
"""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import PermissionDenied

from .declarations import declarations, event_labels

logger = logging.getLogger(__name__)


def event_label(code: str):
    """The label an app declares for ``code`` (its ``AppDeclaration.event_labels``), else the raw code."""
    return event_labels().get(code, code)


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


@functools.cache
def _choice_labels(subject_type: str) -> dict[str, dict]:
    """For the subject's model (``app.model``), the label of every stored choice value per field, so the
    trail reads 县委领导 / "County leader" where the database holds ``county_leader``."""
    try:
        model = apps.get_model(subject_type)
    except (LookupError, ValueError):
        return {}
    return {f.name: {str(k): v for k, v in f.flatchoices} for f in model._meta.get_fields()
            if getattr(f, "choices", None)}


def diff_rows(before: dict | None, after: dict | None, *, changed_only: bool = False,
              masked: frozenset[str] = frozenset(), subject_type: str = "") -> list[DiffRow]:
    """One row per field named in either snapshot; ``changed`` marks fields whose value differs.
    Values of the ``masked`` fields keep only their last four characters (phone numbers for
    readers whose role has no need for them, as on the person page). A value of a field with choices
    on the subject's model is shown by its label."""
    labels = _choice_labels(subject_type) if subject_type else {}
    before = before if isinstance(before, dict) else ({} if before is None else {"value": before})
    after = after if isinstance(after, dict) else ({} if after is None else {"value": after})
    rows = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        changed = old != new or (name in before) != (name in after)
        if changed_only and not changed:
            continue
        shown_old, shown_new = _show(old), _show(new)
        if name in labels:
            shown_old = str(labels[name].get(shown_old, shown_old))
            shown_new = str(labels[name].get(shown_new, shown_new))
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
    """Fields the trail shows masked to this reader: the union of what the apps declare (the people
    layer masks phone numbers by the same need-to-know rule as its person page)."""
    masked: set[str] = set()
    for _label, declaration in declarations():
        if declaration.masked_fields is not None:
            masked |= declaration.masked_fields(user)
    return frozenset(masked)
