"""The demo registry: ``cleangov demo`` builds the county, then lets every app add its own data.

An app contributes by shipping a ``demo_data`` module with ``build(context: DemoContext) -> None``.
Later modules (finance, disclosure, ...) plug in the same way without touching the demo command.
"""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps


@dataclass
class DemoContext:
    county: object  # the root Unit
    system_user: object  # the User recorded as actor of demo events
    rng: random.Random  # seeded: the demo is deterministic
    today: date
    users: dict = field(default_factory=dict)  # role code → demo User
    size: str = "normal"
    log: object = print


def contributors():
    """(app label, build function) for every installed CleanGov app with a ``demo_data`` module."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("cleangov.") or config.label == "orgs":
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo_data")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo_data":
                raise
            continue
        found.append((config.label, module.build))
    return found
