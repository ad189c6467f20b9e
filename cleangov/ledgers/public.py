"""The record books' panel on a unit's public page: the signed monthly checkpoints, listed.

A checkpoint carries no entry content, only the chain's head, the number of entries it covers and
the township's signature, so publishing it lets anyone who later receives an export of the book
check, offline, that no entry was added, changed or removed behind the month's close."""

from __future__ import annotations

from .models import LedgerCheckpoint

SHOWN_MONTHS = 12


def checkpoint_panel(unit) -> dict | None:
    """The latest checkpoints of ``unit`` (two queries); ``None`` when the unit has none."""
    rows = list(LedgerCheckpoint.objects.filter(unit=unit).select_related("key")
                .order_by("-month")[:SHOWN_MONTHS])
    if not rows:
        return None
    return {"unit": unit, "rows": rows, "total": LedgerCheckpoint.objects.filter(unit=unit).count()}
