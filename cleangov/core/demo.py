"""The demo registry: ``cleangov demo`` builds the county, then lets every app add its own data.

An app contributes by declaring ``demo=build`` (``build(context: DemoContext) -> None``) in its
``AppDeclaration`` (cleangov.core.declarations); steps run in ``INSTALLED_APPS`` order. The app that
builds the county runs them and declares no step of its own.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from .declarations import declarations


@dataclass
class DemoContext:
    county: object  # the root Unit
    system_user: object  # the User recorded as actor of demo events
    rng: random.Random  # seeded: the demo is deterministic
    today: date
    users: dict = field(default_factory=dict)  # role code → demo User
    size: str = "normal"
    log: object = print
    # The demo logins' password: steps that seal data to a user's password (the report handlers' keys) need it.
    password: str = ""


def contributors():
    """(app label, build function) for every installed CleanGov app that declares a demo step."""
    return [(label, declaration.demo) for label, declaration in declarations() if declaration.demo is not None]
