"""The deadline engine's part of the home page's "To do today" (declared in apps.py: ``todos``, ``changes``).

A clock is the user's when it is assigned to them, or when it names as responsible a post they hold today and
is assigned to nobody (a post whose holder had no account when the clock started). Escalations reach the
supervisors as notifications. Two queries: the clocks, and the count of new ones since the previous visit.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from cleangov.core.declarations import Change, Todo

from .api import ACTIVE_STATUSES
from .models import Deadline

LIMIT = 50


def mine_q(user) -> Q:
    q = Q(assignee=user)
    person_id = getattr(user, "person_id", None)
    if person_id:
        today = timezone.localdate()
        q |= Q(assignee__isnull=True, responsible_post__person_id=person_id,
               responsible_post__start_date__lte=today) & (
            Q(responsible_post__end_date__isnull=True) | Q(responsible_post__end_date__gte=today))
    return q


def todos(user) -> list[Todo]:
    rows = (Deadline.objects.filter(mine_q(user), status__in=ACTIVE_STATUSES).select_related("unit")
            .order_by("due_date", "pk")[:LIMIT])
    language = get_language() or ""
    out = []
    for d in rows:
        label = d.title or d.subject_repr or _("A deadline")
        out.append(Todo(label=label, url=d.link, due=d.due_date, detail=d.unit.display_name(language)))
    return out


def changes(user, since) -> list[Change]:
    n = Deadline.objects.filter(mine_q(user), created_at__gt=since).count()
    return [Change(ngettext("%(n)s new deadline for you", "%(n)s new deadlines for you", n) % {"n": n}, n,
                   "#todo")]
