"""The permission matrix, generated: EVERY URL of the project × every persona × every side × each method.

URLs come from walking the resolver, so a new page is covered the moment it is routed; its kwargs,
the methods it accepts and the noun it shows come from tests/support/urlregistry/, and a URL with
kwargs that is not registered there fails ``test_every_url_with_kwargs_is_registered``. WHO may
see or change a noun comes from the literal table in tests/permission_spec.py, never from the
access modules under test.

Personas: one per role holding its unit WITH the subtree (side "a"), and one per township role
holding township A WITHOUT the subtree. Sides: "a" (village A of township A), "sibling" (the other
village of township A) and "b" (the village of township B). Expected answers:

* anonymous → redirect to the login page, for every method the URL accepts;
* a role outside the table's roles for the noun → 404 (forbidden looks like missing);
* an object outside the persona's scope → 404 (a village role gets 404 for its sibling village's
  objects; a township role without the subtree gets 404 for its villages' objects);
* otherwise the entry's status;
* a POST that is refused (404/403/405), or sent to a URL that does not act on POST, changes
  nothing: the number of rows of every CleanGov table is the same before and after (every
  action writes an audit event, so an update shows up as a new row of the trail);
* no answer (page, list, dashboard, export, JSON) contains the marker of a unit or object the
  persona may not see: units outside the scope carry ``NMK<code>Z`` in their names (unless they
  are ancestors, which are known by name), findings, batches and record-book entries carry
  ``OMK<code>Z``. PDF answers are not searched (their text is compressed).

The fixture county is built once per module inside a transaction rolled back at the end; each
request runs in a savepoint rolled back after it, so what one request changes never leaks.
"""

from __future__ import annotations

import io
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from tests.permission_spec import EVERY_ROLE, NOUNS, roles_for
from tests.support.county import SIBLING
from tests.support.matrix import (
    URL_LIST,
    build_matrix_county,
    forbidden_markers,
    in_scope,
    logged_in_client,
    object_marker,
    personas,
    url_entry,
)
from tests.support.urlregistry import URLS, UrlEntry

pytestmark = pytest.mark.django_db

REFUSED = {403, 404, 405}


def test_every_url_with_kwargs_is_registered():
    unnamed = [name for name, _ in URL_LIST if name is None]
    missing = [name for name, has_kwargs in URL_LIST if has_kwargs and name not in URLS]
    assert not unnamed, "every URL needs a name so the matrix can address it"
    assert not missing, f"register these URLs in tests/support/urlregistry/<app label>.py: {missing}"


def test_the_matrix_covers_the_pages_it_must():
    names = {name for name, _ in URL_LIST}
    assert {"orgs:tree", "orgs:unit_detail", "orgs:person_detail", "core:audit_event_list",
            "core:audit_event_detail"} <= names


def test_the_specification_names_real_roles_and_every_registered_noun():
    from cleangov.accounts.choices import RoleChoices

    assert {str(r) for r in RoleChoices} == EVERY_ROLE
    for noun, kinds in NOUNS.items():
        assert set(kinds) <= {"view", "act"}, noun
        assert all(roles <= EVERY_ROLE for roles in kinds.values()), noun
    for name, entry in URLS.items():
        for access in (entry.get, entry.post):
            if access is not None:
                assert access.noun in NOUNS and access.kind in NOUNS[access.noun], (name, access)


@pytest.fixture(scope="module")
def matrix_county(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_matrix_county()
        transaction.set_rollback(True)


def body_text(response) -> str:
    """What a person would read in the answer; PDFs are not searched (compressed text)."""
    content_type = response.get("Content-Type", "")
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if "pdf" in content_type:
        return ""
    if "spreadsheetml" in content_type:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
        return "\n".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                         for cell in row if cell is not None)
    return raw.decode("utf-8", errors="replace")


DESCRIBEDBY = re.compile(r'aria-describedby="([^"]*)"')
ELEMENT_ID = re.compile(r'\sid="([^"]+)"')


def dangling_describedby(html: str) -> list[str]:
    """The ids named by an ``aria-describedby`` that no element of the page carries: a screen reader reads
    nothing there (Django names a field's help text even where a template leaves the help text out)."""
    ids = set(ELEMENT_ID.findall(html))
    return sorted({ref for refs in DESCRIBEDBY.findall(html) for ref in refs.split() if ref not in ids})


# The dashboards' summary tables are a cache every dashboard request fills when it is stale (a GET
# does the same): rebuilding it is not a change a refused POST could make.
CACHE_APPS = {"finance_dashboards"}


def _table_names() -> list[str]:
    return sorted({m._meta.db_table for m in apps.get_models()
                   if m._meta.managed and not m._meta.proxy and m.__module__.startswith("cleangov.")
                   and m._meta.app_label not in CACHE_APPS})


def row_counts() -> tuple:
    """One query: the number of rows of every CleanGov table."""
    qn = connection.ops.quote_name
    # Table names come from the models, quoted by the backend: nothing from a request reaches this SQL.
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {qn(t)})" for t in _table_names())  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


# --- the matrix ------------------------------------------------------------------------------------


def expected_status(entry: UrlEntry, method: str, role: str, user, side: str, fc) -> int:
    access = getattr(entry, method)
    if role not in roles_for(access.noun, access.kind):
        return 404
    if entry.kwargs is None:
        return access.status
    levels = entry.level if isinstance(entry.level, tuple) else (entry.level,)
    inside = any(in_scope(user, fc.unit(level, side)) for level in levels)
    if entry.owner_only:
        if side == "a" and (inside or not entry.owner_in_scope):
            return access.status
        if (method == "get" and entry.readers_redirect and role in roles_for(entry.readers_redirect, "view")
                and inside):
            return 302
        return 404
    return access.status if inside else 404


def sides_for(entry: UrlEntry) -> tuple[str, ...]:
    if entry.kwargs is None:
        return ("-",)
    if entry.owner_only or isinstance(entry.level, tuple) or entry.level not in ("village", "group"):
        return ("a", "b")
    return ("a", SIBLING, "b")


def _send(client, method, url):
    return client.post(url) if method == "post" else client.get(url)


def _check_one(fc, entry, url_name, persona, client, side, method) -> list[str]:
    """Request one URL with one method as one persona; return what went wrong."""
    problems = []
    with transaction.atomic():
        kwargs = entry.kwargs(fc, "a" if side == "-" else side, persona.user) if entry.kwargs else {}
        url = reverse(url_name, kwargs=kwargs)
        where = f"{method.upper()} {url} as {persona.label} (side {side})"
        before = row_counts() if method == "post" else None
        response = _send(client, method, url)
        accepted = getattr(entry, method) is not None
        if accepted:
            want = expected_status(entry, method, persona.role, persona.user, side, fc)
            if response.status_code != want:
                problems.append(f"{where}: {response.status_code}, expected {want}")
        elif response.status_code not in REFUSED and not (
                method == "post" and entry.get is not None and response.status_code == 200):
            # A URL that does not act on the method refuses it, or (POST to a page) shows the page.
            problems.append(f"{where}: {response.status_code} for a method the URL does not accept")
        if before is not None and (response.status_code in REFUSED or not accepted) and row_counts() != before:
            problems.append(f"{where}: a refused POST changed the database")
        if response.status_code == 200:
            text = body_text(response)
            leaked = [m for m in forbidden_markers(persona.user, fc.all_units, names_shown=entry.names_shown)
                      if m in text]
            if leaked:
                problems.append(f"{where}: shows out-of-scope markers {leaked}")
            if "text/html" in response.get("Content-Type", "") and (dangling := dangling_describedby(text)):
                problems.append(f"{where}: aria-describedby points at ids the page does not render {dangling}")
        transaction.set_rollback(True)
    return problems


@pytest.mark.parametrize("url_name", [name for name, _ in URL_LIST])
def test_matrix(matrix_county, django_db_blocker, url_name):
    entry = url_entry(url_name)
    problems = []
    with django_db_blocker.unblock():
        other = entry.get or entry.post
        probed = False
        for persona in personas(matrix_county):
            client = logged_in_client(persona.user)
            for method in ("get", "post"):
                if getattr(entry, method) is not None:
                    sides = sides_for(entry)
                elif not probed and persona.role in roles_for(other.noun, other.kind):
                    # A method the URL does not accept is tried once, on the own side of the first
                    # persona the URL serves (others are refused before any method check).
                    sides, probed = sides_for(entry)[:1], True
                else:
                    sides = ()
                for side in sides:
                    problems += _check_one(matrix_county, entry, url_name, persona, client, side, method)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("url_name", [name for name, _ in URL_LIST])
def test_anonymous_is_sent_to_login(matrix_county, django_db_blocker, url_name):
    entry = url_entry(url_name)
    with django_db_blocker.unblock():
        user = matrix_county.persona("county_commission", "a")
        kwargs = entry.kwargs(matrix_county, "a", user) if entry.kwargs else {}
        url = reverse(url_name, kwargs=kwargs)
        for method in entry.methods:
            before = row_counts()
            response = _send(Client(), method, url)
            assert response.status_code == 302, (method, url)
            assert response["Location"].startswith(reverse(settings.LOGIN_URL)), (method, url)
            assert row_counts() == before, (method, url)


def test_the_api_lists_no_out_of_scope_batch(matrix_county, django_db_blocker):
    """The token-authenticated batch list (``finance:api_batches``): every persona holding a token sees
    the batches of its scope only; the batches carry their unit's object marker in the file name."""
    from cleangov.finance.actions import do_create_api_token

    problems = []
    with django_db_blocker.unblock():
        for persona in personas(matrix_county):
            with transaction.atomic():
                _, raw = do_create_api_token(acting_user=None, user=persona.user, name="matrix")
                response = Client().get(reverse("finance:api_batches"), HTTP_AUTHORIZATION=f"Bearer {raw}")
                text = response.content.decode()
                leaked = [m for m in forbidden_markers(persona.user, matrix_county.all_units) if m in text]
                # ... and the batches in scope are there, so an empty answer does not pass.
                missing = [object_marker(u) for u in matrix_county.all_units
                           if persona.role in roles_for("import_batch", "view") and in_scope(persona.user, u)
                           and u.level in ("township", "village") and object_marker(u) not in text]
                if response.status_code != 200 or leaked or missing:
                    problems.append(f"{persona.label}: {response.status_code}, out-of-scope markers {leaked}, "
                                    f"missing {missing}")
                transaction.set_rollback(True)
    assert not problems, "\n".join(problems)
