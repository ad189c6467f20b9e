"""The home page's answer to "what do I have to do today": open items, deadlines, and what changed.

Every app may declare two providers (cleangov.core.declarations): ``todos(user)`` returns the user's
open items (Todo: what, where, due when) and ``changes(user, since)`` what appeared in the user's scope
since their previous visit (Change: a count and the page that lists them). Each provider scopes by the
app's own access gates and makes a fixed number of queries. Core merges them, overdue and the earliest
due first, and adds what it knows itself: the user's new notifications and, for the roles that read the
audit trail, the new events of the trail by kind, each linked to the trail filtered on that kind.

The previous visit is kept per user (core.HomeVisit): a visit starts when the home page is opened more
than VISIT_GAP after it was last opened, so reloading the page within a visit keeps the same baseline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from .access import can_view_audit_trail, restrict_audit_events
from .declarations import Change, Todo, declarations, event_labels
from .models import AuditEvent, HomeVisit

VISIT_GAP = timedelta(minutes=30)
TODO_LIMIT = 20
EVENT_KINDS_LIMIT = 8


@dataclass
class TodoRow:
    label: object
    url: str
    due: date | None
    detail: object
    overdue: bool
    today: bool


@dataclass
class HomeTodo:
    rows: list[TodoRow] = field(default_factory=list)
    total: int = 0
    overdue: int = 0
    since: object = None  # datetime of the previous visit, None on the first one
    first_visit: bool = False
    changes: list[Change] = field(default_factory=list)


def record_visit(user, now=None):
    """Remember this visit and return the time of the previous one (None on the first visit).

    Not an audit event: like Django's ``last_login`` it is a reading marker of the user's own, not a
    change to any matter, and one event per page view would drown the trail."""
    now = now or timezone.now()
    visit, created = HomeVisit.objects.get_or_create(user=user, defaults={"seen_at": now})
    if created:
        return None
    previous = visit.previous_at
    if now - visit.seen_at > VISIT_GAP:
        previous = visit.seen_at
    HomeVisit.objects.filter(pk=visit.pk).update(seen_at=now, previous_at=previous)
    return previous


def _sort_key(todo: Todo):
    return (todo.due is None, todo.due or date.max)


def collect_todos(user, today: date | None = None) -> tuple[list[TodoRow], int, int]:
    """(the first TODO_LIMIT rows, how many in all, how many overdue) over every declared provider."""
    today = today or timezone.localdate()
    items = [todo for _label, d in declarations() if d.todos for todo in d.todos(user)]
    items.sort(key=_sort_key)
    overdue = sum(1 for t in items if t.due and t.due < today)
    rows = [TodoRow(t.label, t.url, t.due, t.detail, bool(t.due and t.due < today), t.due == today)
            for t in items[:TODO_LIMIT]]
    return rows, len(items), overdue


def _notification_changes(user, since) -> list[Change]:
    n = user.notifications.filter(created_at__gt=since).count()
    if not n:
        return []
    label = ngettext("%(n)s new notification", "%(n)s new notifications", n) % {"n": n}
    return [Change(label, n, reverse("core:home") + "#notifications-heading")]


def _audit_changes(user, since) -> list[Change]:
    """New events of the trail in the user's scope, by kind (only for the roles that read the trail)."""
    if not can_view_audit_trail(user):
        return []
    rows = (restrict_audit_events(AuditEvent.objects.filter(created_at__gt=since), user)
            .values("event_code").annotate(n=Count("id")).order_by("-n", "event_code")[:EVENT_KINDS_LIMIT])
    labels = event_labels()
    out = []
    day = timezone.localtime(since).date().isoformat()
    for row in rows:
        label = labels.get(row["event_code"], row["event_code"])
        text = ngettext("%(label)s: %(n)s event in the audit trail", "%(label)s: %(n)s events in the audit trail",
                        row["n"]) % {"label": label, "n": row["n"]}
        url = reverse("core:audit_event_list") + "?" + urlencode({"event": row["event_code"], "date_from": day})
        out.append(Change(text, row["n"], url))
    return out


def collect_changes(user, since) -> list[Change]:
    changes = _notification_changes(user, since)
    for _label, d in declarations():
        if d.changes:
            changes.extend(c for c in d.changes(user, since) if c.count)
    changes.extend(_audit_changes(user, since))
    return changes


def home_todo(user, *, record: bool = True) -> HomeTodo:
    """Everything the two panels show; ``record`` remembers the visit (only a GET does: a page view writes
    nothing else, and a refused or stray POST must change nothing)."""
    rows, total, overdue = collect_todos(user)
    if record:
        since = record_visit(user)
    else:
        visit = HomeVisit.objects.filter(user=user).first()
        since = visit.previous_at if visit else None
    return HomeTodo(rows=rows, total=total, overdue=overdue, since=since, first_visit=since is None,
                    changes=collect_changes(user, since) if since else [])
