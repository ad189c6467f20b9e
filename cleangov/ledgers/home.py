"""Record books' line of the home page's "Since your last visit" (core.todo; declared in apps.py): how many
entries were written in the user's units since, by the server's entry time. One query."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import ngettext

from cleangov.core.declarations import Change

from .access import visible_entries


def changes(user, since) -> list[Change]:
    n = visible_entries(user).filter(entered_at__gt=since).count()
    return [Change(ngettext("%(n)s new record-book entry in your units", "%(n)s new record-book entries in your units",
                            n) % {"n": n}, n, reverse("ledgers:index"))]
