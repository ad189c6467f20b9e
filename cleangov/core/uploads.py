"""The platform's read limits for uploaded files, from settings (``CLEANGOV_UPLOAD_LIMITS``, a dict
of :class:`voucher_audit.limits.ReadLimits` fields), with the engine's defaults for the rest."""

from __future__ import annotations

import dataclasses

from django.conf import settings

from voucher_audit.limits import ReadLimits


def read_limits() -> ReadLimits:
    configured = getattr(settings, "CLEANGOV_UPLOAD_LIMITS", None) or {}
    names = {f.name for f in dataclasses.fields(ReadLimits)}
    return ReadLimits(**{k: v for k, v in configured.items() if k in names})
