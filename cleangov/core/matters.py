"""One traceable chain from a report or a finding to its public outcome, across apps that do not
import each other.

A *matter* is any object a problem passes through: a voucher finding, an inspection finding, a
report, a rectification item, an accountability case. It is named by a :class:`MatterRef`
(``"finance.finding:276"``). Each app declares two functions (``AppDeclaration.linked_matters`` and
``AppDeclaration.timeline_steps``): which matters its own objects are linked to, and the dated steps
it knows about a matter. :func:`chain` follows the links from any matter to all the others, and
:func:`timeline` collects every app's steps over the chain, in date order, for one viewer. Each app
returns only the steps that viewer may see (its own access rules, the conflict-of-interest rule
included); core adds nothing of its own.

Hand-offs between apps go through the signals in :mod:`cleangov.core.signals`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .declarations import declarations

MAX_CHAIN = 500  # a chain longer than this is a data error; stop rather than walk the whole database


@dataclass(frozen=True, order=True)
class MatterRef:
    kind: str  # "<app_label>.<model_name>", Django's ``_meta.label_lower``
    pk: int

    def __str__(self) -> str:
        return f"{self.kind}:{self.pk}"

    @classmethod
    def of(cls, obj) -> MatterRef:
        return cls(obj._meta.label_lower, obj.pk)

    @classmethod
    def parse(cls, text: str) -> MatterRef:
        """``"finance.finding:276"`` → MatterRef; ValueError on anything else."""
        kind, sep, pk = (text or "").rpartition(":")
        if not sep or "." not in kind or not pk.isdigit():
            raise ValueError(f"not a matter reference: {text!r}")
        return cls(kind, int(pk))


@dataclass(frozen=True)
class TimelineStep:
    """One dated step of a matter's history, as one app tells it to one viewer."""

    when: datetime.datetime | datetime.date  # a date where the step has no time of day (a case's steps)
    label: str  # translated: what happened ("Rectification verified")
    matter: MatterRef
    actor: str = ""  # who did it (display name), "" when unknown or not for this viewer
    url: str = ""  # the step's page, "" when the viewer may not open it
    detail: str = ""


def _as_datetime(value) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.combine(value, datetime.time.min, tzinfo=datetime.UTC)


def chain(ref: MatterRef) -> list[MatterRef]:
    """Every matter reachable from ``ref`` through the declared links (both directions), ``ref`` first."""
    linkers = [d.linked_matters for _label, d in declarations() if d.linked_matters]
    seen = {ref}
    order = [ref]
    frontier = [ref]
    while frontier and len(order) < MAX_CHAIN:
        current = frontier.pop()
        for linked in linkers:
            for other in linked(current):
                if other not in seen:
                    seen.add(other)
                    order.append(other)
                    frontier.append(other)
    return order


def timeline(user, ref: MatterRef) -> list[TimelineStep]:
    """The whole chain's steps that ``user`` may see, oldest first."""
    tellers = [d.timeline_steps for _label, d in declarations() if d.timeline_steps]
    steps: list[TimelineStep] = []
    for matter in chain(ref):
        for tell in tellers:
            steps.extend(tell(user, matter))
    return sorted(steps, key=lambda step: (_as_datetime(step.when), str(step.matter)))
