"""The deadlines app's entries in the permission matrix (cleangov/core/urlregistry.py)."""

from __future__ import annotations

from cleangov.core.urlregistry import register

from .access import UNREACHED_VIEW_ROLES

register("deadlines:unreached", noun="deadline", roles=frozenset(str(r) for r in UNREACHED_VIEW_ROLES))
