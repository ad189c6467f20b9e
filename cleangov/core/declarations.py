"""How an app plugs into CleanGov: one declaration per app, which core iterates without naming any app.

An app's ``AppConfig`` subclasses :class:`CleanGovAppConfig` and overrides :meth:`~CleanGovAppConfig.declare`
to return an :class:`AppDeclaration`: its home-page card and navigation entry (with the roles of its
own access table), its audit-event labels, its periodic jobs, metrics, setup and demo steps, home
panels and masked fields. Core finds the declarations with :func:`declarations` (the one discovery
loop, in ``INSTALLED_APPS`` order) and builds the home page, the navigation, the audit-trail labels,
the worker's schedule, the metrics registry, ``cleangov setup`` and ``cleangov demo`` from them.

``declare`` runs once per process, the first time core asks (after the app registry is ready), so
it may import the app's own modules (access tables, tasks, metrics) inside the method.
docs/development/app-declaration.md explains every field with a worked example.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from django.apps import AppConfig, apps

EVERYONE = None  # a Link or HomeCard for every signed-in user, whatever their roles


@dataclass(frozen=True)
class Link:
    """A navigation entry or home-page shortcut to the page ``url_name``.

    ``roles`` lists the roles that see it: take them from the app's access table, so a link is shown
    exactly to those whom the page will not answer 404. ``EVERYONE`` (None) shows it to every
    signed-in user. ``position`` orders the navigation (core's home is 0, apps default to 50 and
    follow ``INSTALLED_APPS``, personal pages come last).
    """

    key: str
    label: object  # gettext_lazy
    url_name: str
    roles: frozenset[str] | None = EVERYONE
    position: int = 50

    def shown_to(self, roles: set[str]) -> bool:
        return self.roles is EVERYONE or bool(roles & self.roles)


@dataclass(frozen=True)
class HomeCard:
    """The app's card under "Your work in CleanGov": title, one sentence of what it does for the
    user, its landing page, and the roles (from the app's access table) that may open that page."""

    title: object
    offer: object
    url_name: str
    roles: frozenset[str]


@dataclass(frozen=True)
class HomePanel:
    """A panel of the home page owned by the app: ``template`` is included with ``panel`` set to
    ``context(user)``. A fixed number of queries per panel (the home page is everyone's first page)."""

    template: str
    context: Callable[[object], dict]


@dataclass(frozen=True)
class PublicLink:
    """An entry on the public portal's front page (``/public/``, no login): a title, one sentence for
    a villager, and the public page ``url_name``."""

    title: object
    offer: object
    url_name: str
    position: int = 50


@dataclass(frozen=True)
class PublicPanel:
    """A panel of the public portal's front page: ``template`` is included with ``panel`` set to
    ``context(request)``. It must not read anything that identifies the visitor (there is nothing to
    read: see core.public.PublicPrivacyMiddleware)."""

    template: str
    context: Callable[[object], dict]


@dataclass(frozen=True)
class PublicUnitPanel:
    """A panel of a unit's public page (``/public/<unit code>/``, owned by the disclosure app), from
    another app: ``template`` is included with ``panel`` set to ``context(unit)``; ``None`` shows
    nothing. The page is cached whole and shared by every visitor, so the context depends on the
    unit alone, with a fixed number of queries."""

    template: str
    context: Callable[[object], dict | None]


@dataclass(frozen=True)
class PersonPanel:
    """A panel of a person's page in the organisation tree, owned by another app: ``template`` is
    included with ``panel`` set to ``context(user, person_id)``; ``None`` shows nothing (the user may
    not see it, or there is nothing to show)."""

    template: str
    context: Callable[[object, int], dict | None]


@dataclass(frozen=True)
class PeriodicJob:
    """A background task the worker enqueues once per period (``--tick-seconds``), whatever the number
    of workers (see :mod:`cleangov.core.periodic`). ``task`` is a django_tasks task called without
    arguments; it must be idempotent (a late worker catches up, it does not repeat effects).
    ``name`` is the schedule row's key: keep it stable, a renamed job starts a new schedule."""

    name: str
    task: object


@dataclass(frozen=True)
class PeopleDirectory:
    """What the audit trail asks of the people layer (one app declares it): who the user is related
    to, which units they may open, and the names and pages of an event's subject people."""

    conflicted_person_ids: Callable[[object], set[int]]
    visible_units: Callable[[object], object]  # user -> QuerySet of units (fields: code, path)
    unit_url: Callable[[object, int], str]  # (user, unit id) -> the unit's page, "" when not theirs to open
    subject_people: Callable[[object, Iterable[int]], list[dict]]  # (user, ids) -> [{"name", "url"}]


@dataclass(frozen=True)
class Todo:
    """One line of the home page's "To do today": what the user has to do (translated, with the count
    in the words when it groups several records), the page where they do it, and its due date if any.
    A provider returns only what the user's own gates let them open and act on."""

    label: object
    url: str = ""
    due: object = None  # datetime.date or None
    detail: object = ""  # the unit, or who asked: a short second line


@dataclass(frozen=True)
class Change:
    """One line of "Since your last visit": how many records of a kind appeared or changed in the user's
    scope (``label`` is translated and says the count), and the page that lists them."""

    label: object
    count: int
    url: str = ""


@dataclass(frozen=True)
class LinkGate:
    """Who may follow a link to one of the app's pages when another app shows it (a score's evidence,
    a rectification item's source): ``url_name`` is the page ("duties:letter_detail"), ``kwarg`` its
    id argument, and ``visible(user, ids)`` returns the subset of ``ids`` the user's gate for that page
    would answer, in a fixed number of queries whatever the number of ids. See :mod:`cleangov.core.links`."""

    url_name: str
    kwarg: str
    visible: Callable[[object, set[int]], set[int]]


@dataclass(frozen=True)
class AppDeclaration:
    """Everything an app contributes to the platform; every field is optional."""

    home_cards: tuple[HomeCard, ...] = ()
    nav: tuple[Link, ...] = ()
    shortcuts: tuple[Link, ...] = ()  # buttons under "Shortcuts" on the home page
    home_panels: tuple[HomePanel, ...] = ()
    # Every event code the app records (``app.what_happened``) → a gettext_lazy label. A test fails
    # when a recorded code has none (tests/core/test_event_labels.py).
    event_labels: Mapping[str, object] = field(default_factory=dict)
    periodic_jobs: tuple[PeriodicJob, ...] = ()
    metrics: Mapping[str, object] = field(default_factory=dict)  # metric id → core.metrics.MetricSpec
    setup: Callable[[object], None] | None = None  # run(stdout), idempotent: ``cleangov setup``
    demo: Callable[[object], None] | None = None  # build(core.demo.DemoContext): ``cleangov demo``
    # user → snapshot fields the audit trail shows masked to that reader (need to know)
    masked_fields: Callable[[object], frozenset[str]] | None = None
    people: PeopleDirectory | None = None
    # The public portal (core.public): entries and panels of its front page.
    public_links: tuple[PublicLink, ...] = ()
    public_panels: tuple[PublicPanel, ...] = ()
    public_unit_panels: tuple[PublicUnitPanel, ...] = ()
    # The chain of a matter (core.matters): MatterRef -> the MatterRefs the app's objects link it to
    # (in either direction), and (user, MatterRef) -> the TimelineSteps the app knows and the user may see.
    linked_matters: Callable[[object], Iterable[object]] | None = None
    timeline_steps: Callable[[object, object], Iterable[object]] | None = None
    # Checks other apps run without importing this one:
    # (unit_id, catalog_code, period_start, period_end) -> reasons (translated) that hold a disclosure's
    # publication, e.g. the month's vouchers not yet reviewed by the financial management group.
    publication_holds: Callable[[int, str, object, object], list[str]] | None = None
    # (person_id, on_date) -> warnings (translated) against appointing, promoting or awarding a person,
    # e.g. a period of effect after an accountability decision. The post-assignment action shows them
    # and asks for a reason to proceed.
    appointment_checks: Callable[[int, object], list[str]] | None = None
    # Deadline rule -> {unit level: roles on the level above that hear of it when it is overdue}, for clocks
    # whose matter only some supervisors may read (a report is need-to-know: its clocks go up the
    # discipline line only). Rules not listed follow the deadline engine's own table.
    escalation_roles: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    # Panels of a person's page (the people layer includes them without importing the app).
    person_panels: tuple[PersonPanel, ...] = ()
    # Reference rows another app reads without importing this one: table name -> (unit ids) -> rows
    # (plain dicts; the consuming app documents their keys), e.g. the villages' decision records that
    # the voucher audit checks major-matter payments against.
    reference_rows: Mapping[str, Callable[[Iterable[int]], list[dict]]] = field(default_factory=dict)
    # Gates of the app's pages that other apps link to (core.links.followable): a link is shown only
    # to a user the page will not answer 404.
    link_gates: tuple[LinkGate, ...] = ()
    # The home page's "what do I have to do today" (core.todo): user -> the user's open items (Todo), and
    # (user, since) -> what changed in the user's scope since their previous visit (Change; core drops zero counts).
    # Each makes a fixed number of queries whatever the user's scope (the home page is everyone's first page).
    todos: Callable[[object], Iterable[Todo]] | None = None
    changes: Callable[[object, object], Iterable[Change]] | None = None


class CleanGovAppConfig(AppConfig):
    """Base of every CleanGov app's config. Override :meth:`declare`; leave the rest to core."""

    # Django picks the one AppConfig subclass an app's apps.py defines; this base, imported there,
    # must not count as a second one (Django would then fall back to a plain AppConfig). Subclasses
    # are the default again unless they say otherwise.
    default = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.default = cls.__dict__.get("default", True)

    def declare(self) -> AppDeclaration:
        return AppDeclaration()

    @cached_property
    def declaration(self) -> AppDeclaration:
        return self.declare()


def declarations() -> list[tuple[str, AppDeclaration]]:
    """(app label, declaration) of every installed CleanGov app, in ``INSTALLED_APPS`` order.

    The one discovery loop: home page, navigation, audit labels, worker, metrics, setup and demo
    all iterate over this list.
    """
    return [(config.label, config.declaration) for config in apps.get_app_configs()
            if isinstance(config, CleanGovAppConfig)]


def event_labels() -> dict[str, object]:
    """Every declared event code → its label."""
    labels: dict[str, object] = {}
    for _label, declaration in declarations():
        labels.update(declaration.event_labels)
    return labels


def people_directory() -> PeopleDirectory | None:
    """The people layer's directory (the last app that declares one wins, as settings do)."""
    found = None
    for _label, declaration in declarations():
        found = declaration.people or found
    return found


def publication_holds(unit_id: int, catalog_code: str, period_start, period_end) -> list[str]:
    """Every declared reason to hold a disclosure's publication (empty: nothing holds it)."""
    return [reason for _label, d in declarations() if d.publication_holds
            for reason in d.publication_holds(unit_id, catalog_code, period_start, period_end)]


def appointment_warnings(person_id: int, on_date) -> list[str]:
    """Every declared warning against appointing, promoting or awarding ``person_id`` on ``on_date``."""
    return [warning for _label, d in declarations() if d.appointment_checks
            for warning in d.appointment_checks(person_id, on_date)]



def person_panels(user, person_id: int) -> list[tuple[str, dict]]:
    """(template, panel) of every declared person-page panel that has something for ``user``."""
    out = []
    for _label, d in declarations():
        for panel in d.person_panels:
            context = panel.context(user, person_id)
            if context is not None:
                out.append((panel.template, context))
    return out


def reference_providers(table: str) -> list[Callable[[Iterable[int]], list[dict]]]:
    """The declared providers of reference table ``table`` (empty: no installed app keeps it)."""
    return [d.reference_rows[table] for _label, d in declarations() if table in d.reference_rows]


def reference_rows(table: str, unit_ids: Iterable[int]) -> list[dict]:
    """Every declared row of reference table ``table`` for the units ``unit_ids``."""
    ids = list(unit_ids)
    return [row for provider in reference_providers(table) for row in provider(ids)]


def link_gates() -> dict[str, LinkGate]:
    """Every declared link gate, by URL name."""
    return {gate.url_name: gate for _label, d in declarations() for gate in d.link_gates}


def escalation_roles(rule: str) -> Mapping[str, tuple[str, ...]] | None:
    """The declared escalation table of a deadline rule, None when no app declares one."""
    for _label, d in declarations():
        if rule in d.escalation_roles:
            return d.escalation_roles[rule]
    return None

