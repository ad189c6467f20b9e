"""Modules on the roadmap that no installed app provides yet, shown on the home page as honest
empty states ("Nothing here yet — the module is not installed") instead of invented figures.

Plain data: role codes as strings, no app import. An entry is hidden as soon as an installed app
has its label; when the app lands, delete its entry here (the app declares its own card, with the
roles of its own access table).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlannedModule:
    label: str  # the app label it will have
    title: object
    offer: object  # what the module will do for this user, one sentence
    roles: frozenset[str]


# Every module of the roadmap has landed; the list stays for the next one.
PLANNED_MODULES: tuple[PlannedModule, ...] = ()
