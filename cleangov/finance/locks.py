"""Locks that make concurrent imports and audit runs safe on PostgreSQL.

Transaction-scoped advisory locks (``pg_advisory_xact_lock``) are released by the database at commit
or rollback, so no path can leave one behind. SQLite needs none: its transactions begin IMMEDIATE
(settings.DATABASES), so there is one writer at a time already.

* Imports lock each unit whose books they write (:func:`lock_units_for_import`), in ascending unit id
  so two imports never wait on each other in a cycle; the checks that need the database (line ids,
  periods) are then repeated under the lock.
* Audit runs lock their scope for the write of findings (:func:`lock_scope_for_findings`) as in a
  hierarchy of intention locks: shared on every ancestor, exclusive on the scope itself, taken from
  the root down. Two runs whose scopes overlap (one contains the other) therefore serialise; runs of
  two different townships proceed side by side.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, connection

from cleangov.orgs.models import Unit

# The first key of the two-key advisory lock: one namespace per kind of lock, so an import's lock on
# unit 7 and an audit's lock on unit 7 are different locks.
IMPORT_UNIT_LOCK = 0x6601
AUDIT_SCOPE_LOCK = 0x6602

# SQLSTATE of the errors that mean "another transaction got in the way; the same work may succeed
# if done again": serialization_failure and deadlock_detected.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})

T = TypeVar("T")


def _pg() -> bool:
    return connection.vendor == "postgresql"


def lock_units_for_import(unit_ids) -> None:
    """Inside the import's transaction: one exclusive lock per unit, in ascending order."""
    if not _pg():
        return
    with connection.cursor() as cursor:
        for unit_id in sorted(set(unit_ids)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [IMPORT_UNIT_LOCK, int(unit_id)])


def lock_scope_for_findings(scope: Unit) -> None:
    """Inside the transaction that writes a run's findings: shared on the scope's ancestors (root
    first), exclusive on the scope."""
    if not _pg():
        return
    ancestors = list(scope.ancestors().order_by("path").values_list("pk", flat=True))
    with connection.cursor() as cursor:
        for unit_id in ancestors:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [AUDIT_SCOPE_LOCK, int(unit_id)])
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [AUDIT_SCOPE_LOCK, int(scope.pk)])


def is_retryable(exc: BaseException) -> bool:
    """A deadlock or serialization failure (PostgreSQL), or SQLite's busy write lock."""
    cause = exc
    while cause is not None:
        sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
        if sqlstate in RETRYABLE_SQLSTATES:
            return True
        if isinstance(cause, OperationalError) and "database is locked" in str(cause):
            return True
        cause = cause.__cause__
    return False


def with_retries(work: Callable[[], T], *, attempts: int = 3, pause: float = 0.5,
                 on_retry: Callable[[int, BaseException], None] | None = None) -> T:
    """Run ``work`` (one whole transaction) again when it failed with a retryable database error."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except Exception as exc:
            if attempt == attempts or not is_retryable(exc):
                raise
            if on_retry:
                on_retry(attempt, exc)
            time.sleep(pause * attempt)
    raise AssertionError("unreachable")
