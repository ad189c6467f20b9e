"""Links into another app's pages, shown only to a user who may follow them.

A page of one app sometimes links to a record of another: a score's evidence to a letter of
responsibility or a finding, a rectification item to the finding it came from. Those links are
built without the reader in mind (a score's evidence is frozen when the run is computed), and a
link the reader may not follow ends on a 404. Before such a page shows them it asks
:func:`followable`, which resolves each link to its page and asks the owning app's declared gate
(``AppDeclaration.link_gates``) which of the ids the reader may open: one call per page name, so
a few hundred evidence links cost a few queries. A link to a page no app declares a gate for is
not followable (the page shows the label as text): a link is shown only when we know it answers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

from .declarations import link_gates


def followable(user, urls: Iterable[str]) -> set[str]:
    """The subset of ``urls`` (paths, with or without a query or fragment) that ``user`` may open."""
    gates = link_gates()
    wanted: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for url in set(urls):
        if not url:
            continue
        try:
            match = resolve(urlsplit(url).path)
        except Resolver404:
            continue
        gate = gates.get(match.view_name)
        if gate is None:
            continue
        try:
            pk = int(match.kwargs[gate.kwarg])
        except (KeyError, TypeError, ValueError):
            continue
        wanted[match.view_name][pk].append(url)
    out: set[str] = set()
    if not getattr(user, "is_authenticated", False):
        return out
    for view_name, by_id in wanted.items():
        for pk in gates[view_name].visible(user, set(by_id)):
            out.update(by_id.get(pk, ()))
    return out


def link_if_followable(user, url: str) -> str:
    """``url`` when the user may open it, else the empty string (the caller shows text, no link)."""
    return url if url and url in followable(user, [url]) else ""


def visible_ids(queryset):
    """A ``LinkGate.visible`` from an app's scoped queryset function (``user -> QuerySet``): the ids
    among those asked that the queryset holds, in one query."""
    def visible(user, ids: set[int]) -> set[int]:
        return set(queryset(user).filter(pk__in=ids).values_list("pk", flat=True))
    return visible
