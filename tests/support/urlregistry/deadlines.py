"""The deadlines app's entries in the permission matrix (see tests/support/urlregistry/__init__.py)."""

from __future__ import annotations

from . import register, view

# The clocks nobody receives: a list scoped to the reader's units, read by the overseers of clocks.
register("deadlines:unreached", get=view("unreached_clocks"))
