"""The hand-off from other apps: ``core.signals.case_requested`` registers a clue (apps.py connects it)."""

from __future__ import annotations

from cleangov.orgs.models import Unit

from .actions import do_register_case


def register_requested_case(sender=None, *, source, unit_id, subject_person_ids=(), summary="", acting_user=None,
                            **kwargs):
    """Register a case on the matter ``source`` (kept as the case's source MatterRef), in the sender's
    transaction. The title is the summary's first line."""
    text = (summary or "").strip()
    title = (text.splitlines()[0] if text else str(source))[:200]
    return do_register_case(acting_user=acting_user, unit=Unit.objects.get(pk=unit_id), title=title, summary=text,
                            source_ref=str(source), subject_people=list(subject_person_ids))
