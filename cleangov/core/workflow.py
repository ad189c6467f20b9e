"""Workflows: one shape for every stateful object (see docs/development/workflows.md).

Each app that has a stateful model declares, in its ``workflow.py``, one :class:`Workflow` per model:
a table of :class:`Transition` rows. Actions find their step in the table, templates list the steps
a user may take from it, and access gates derive their role sets from it, so who may take a step is
stated once.

A transition is taken either by people holding one of its ``roles`` within the object's scope (the
object's unit lies inside one of their role assignments), or by whoever holds its ``capability``: a
name the app resolves itself, for steps that are not a matter of role alone (the lead person of a
duty item, the deadline tick, the subject action that meets a deadline's clock).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext_lazy as _

from .access import scope_q


@dataclass(frozen=True)
class Transition:
    """One step: from any of ``sources`` to ``target``, named ``name``, shown as ``label``.

    Exactly one of ``roles`` (who may take it, scoped to the object's unit) and ``capability`` (a
    name the app resolves: "lead", "tick", ...) is set. ``needs_reason`` makes a reason mandatory;
    ``needs_evidence`` tells the action to check the object's evidence before the step.
    """

    name: str
    sources: tuple[str, ...]
    target: str
    label: str
    roles: frozenset[str] = frozenset()
    capability: str = ""
    needs_reason: bool = False
    needs_evidence: bool = False

    def __post_init__(self):
        sources = (self.sources,) if isinstance(self.sources, str) else tuple(self.sources)
        object.__setattr__(self, "sources", sources)
        object.__setattr__(self, "roles", frozenset(self.roles))
        if not sources:
            raise ImproperlyConfigured(f"transition {self.name!r} has no source state")
        if self.target in sources:
            raise ImproperlyConfigured(f"transition {self.name!r} leads from {self.target!r} to itself")
        if bool(self.roles) == bool(self.capability):
            raise ImproperlyConfigured(f"transition {self.name!r} needs either roles or a capability, not both")


class Workflow:
    """The transition table of one model.

    ``states`` (a TextChoices class) is checked against every source and target; ``state_field``
    names the model's state field and ``path_field`` the materialised path of the object's unit,
    which scopes role-based transitions. A name may appear on several rows (a finding is confirmed
    from "open" by one set of roles and from "escalated" by another), but only once per source state.
    """

    def __init__(self, transitions: Iterable[Transition], *, states=None, state_field: str = "status",
                 path_field: str = "unit__path"):
        self.transitions: tuple[Transition, ...] = tuple(transitions)
        self.state_field = state_field
        self.path_field = path_field
        known = set(states.values) if states is not None else None
        seen: set[tuple[str, str]] = set()
        for t in self.transitions:
            if not isinstance(t, Transition):
                raise ImproperlyConfigured(f"{t!r} is not a cleangov.core.workflow.Transition")
            if known is not None and not {*t.sources, t.target} <= known:
                raise ImproperlyConfigured(f"transition {t.name!r} names a state outside {states.__name__}")
            for source in t.sources:
                if (source, t.name) in seen:
                    raise ImproperlyConfigured(f"transition {t.name!r} is declared twice from {source!r}")
                seen.add((source, t.name))

    def __iter__(self) -> Iterator[Transition]:
        return iter(self.transitions)

    def __len__(self) -> int:
        return len(self.transitions)

    @property
    def names(self) -> tuple[str, ...]:
        """Transition names in table order, each once."""
        return tuple(dict.fromkeys(t.name for t in self.transitions))

    def choices(self) -> list[tuple[str, str]]:
        """(name, label) of each transition name once, for a form's choice field."""
        first: dict[str, tuple[str, str]] = {}
        for t in self.transitions:
            first.setdefault(t.name, (t.name, t.label))
        return list(first.values())

    def roles(self, *names: str) -> frozenset[str]:
        """Every role that may take one of the named transitions (all transitions when none is named).

        Access gates use this for their coarse role set, so the table stays the only statement of it."""
        return frozenset().union(*(t.roles for t in self.transitions if not names or t.name in names))

    def between(self, source: str, target: str) -> Transition | None:
        """The transition from ``source`` to ``target``, for tables read by state pairs (deadlines)."""
        return next((t for t in self.transitions if source in t.sources and t.target == target), None)


def find_transition(workflow: Workflow, state: str, name: str) -> Transition | None:
    """The transition called ``name`` that leaves ``state``, or None when the step does not apply."""
    return next((t for t in workflow if t.name == name and state in t.sources), None)


def may_take(workflow: Workflow, transition: Transition, user, obj, *, capabilities: Iterable[str] = ()) -> bool:
    """Whether ``user`` may take ``transition`` on ``obj``: a role of the transition whose assignment
    covers the object's unit, or one of the transition's capability among ``capabilities`` (which the
    app computed for this user and object)."""
    if transition.capability:
        return transition.capability in set(capabilities)
    return type(obj)._default_manager.filter(pk=obj.pk).filter(
        scope_q(user, roles=transition.roles, path_field=workflow.path_field)).exists()


def available_transitions(workflow: Workflow, user, obj, *, capabilities: Iterable[str] = (),
                          names: Iterable[str] | None = None) -> list[Transition]:
    """The transitions ``user`` may take on ``obj`` in its current state, in table order.

    ``names`` limits the result (steps the page shows as buttons); one scope query per distinct role
    set, whatever the number of transitions."""
    state = getattr(obj, workflow.state_field)
    wanted = set(names) if names is not None else None
    caps = set(capabilities)
    in_scope: dict[frozenset[str], bool] = {}
    out = []
    for t in workflow:
        if state not in t.sources or (wanted is not None and t.name not in wanted):
            continue
        if t.roles and t.roles not in in_scope:
            in_scope[t.roles] = may_take(workflow, t, user, obj)
        if in_scope[t.roles] if t.roles else t.capability in caps:
            out.append(t)
    return out


def validate_reason(transition: Transition | None, reason: str | None, *, required: bool = False) -> str:
    """The stripped reason; a ValidationError on the ``reason`` field when the transition (or the
    caller, with ``required``) needs one and none was given."""
    reason = (reason or "").strip()
    if not reason and (required or (transition is not None and transition.needs_reason)):
        raise ValidationError({"reason": _("Give a reason for this step.")})
    return reason
