"""API tokens: made once and shown to their owner, stored only as SHA-256 (so a leaked database
holds no usable token)."""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "cgf_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def new_raw_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)
