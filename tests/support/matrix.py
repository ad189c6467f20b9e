"""What the permission matrix and the page checks share: the URLs walked, the personas, the markers.

See tests/test_permission_matrix.py for what is checked with them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.support.county import (
    ROLE_SCOPE_LEVEL,
    SIBLING,
    add_sibling_village,
    add_unscoped_personas,
    build_fixture_county,
)
from tests.support.urlregistry import (
    PUBLIC_PATH_PREFIX,
    PUBLIC_URL_NAMES,
    SKIPPED_NAMESPACES,
    SKIPPED_PATH_PREFIXES,
    URLS,
    UrlEntry,
    default_entry,
)


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
        if name in PUBLIC_URL_NAMES or route.startswith(PUBLIC_PATH_PREFIX):
            continue
        has_kwargs = bool(converters) or "(?P<" in route
        out[name] = out.get(name, False) or has_kwargs
    return sorted(out.items(), key=lambda kv: str(kv[0]))


URL_LIST = project_urls()


def url_entry(name: str) -> UrlEntry:
    return URLS.get(name) or default_entry()



# --- the fixture county, its personas and its markers ---------------------------------------------


@dataclass(frozen=True)
class Persona:
    label: str
    role: str
    user: object


def personas(fc) -> list[Persona]:
    out = [Persona(f"{role}", str(role), fc.persona(role, "a")) for role in ROLE_SCOPE_LEVEL]
    out += [Persona(f"{role} (township only)", role, user) for role, user in fc.unscoped.items()]
    return out


def name_marker(unit) -> str:
    return f"NMK{unit.code}Z"


def object_marker(unit) -> str:
    return f"OMK{unit.code}Z"


def _seed_markers(fc) -> None:
    """Give every unit a marked name, and findings, batches and record-book entries marked summaries."""
    from cleangov.finance.models import Finding, ImportBatch
    from cleangov.orgs.models import Unit
    from tests.support.finance import make_sample_finding
    from tests.support.urlregistry.ledgers import _entry as ledger_entry

    for unit in Unit.objects.all():
        mark = name_marker(unit)
        Unit.objects.filter(pk=unit.pk).update(name=f"{unit.name}{mark}", name_en=f"{unit.name_en} {mark}")
    for side in ("a", SIBLING, "b"):
        for level in ("township", "village"):
            unit = fc.unit(level, side)
            mark = object_marker(unit)
            finding = make_sample_finding(unit)
            Finding.objects.filter(pk=finding.pk).update(message_zh=f"白条{mark}", message_en=f"IOU {mark}")
            ImportBatch.objects.filter(pk=finding.lines.get().batch_id).update(file_name=f"{mark}.csv")
        ledger_entry(fc, side, title=f"值班{object_marker(fc.unit('village', side))}")


def build_matrix_county():
    """The fixture county with the sibling village, the township-only personas and the markers."""
    from cleangov.orgs.models import Unit

    _ASSIGNMENTS.clear()  # user ids repeat after a rolled-back build
    county = add_unscoped_personas(add_sibling_village(build_fixture_county()))
    _seed_markers(county)
    county.all_units = list(Unit.objects.all())
    return county


_ASSIGNMENTS: dict[int, list] = {}


def _assignments(user) -> list:
    if user.pk not in _ASSIGNMENTS:
        _ASSIGNMENTS[user.pk] = list(user.role_assignments.select_related("unit"))
    return _ASSIGNMENTS[user.pk]


def in_scope(user, unit) -> bool:
    """Independent of the code under test: the assignment unit's path is a prefix of the object's."""
    return any(unit.path.startswith(a.unit.path) if a.include_subtree else unit.pk == a.unit_id
               for a in _assignments(user))


def _is_ancestor(user, unit) -> bool:
    return any(a.unit.path.startswith(unit.path) for a in _assignments(user))


def forbidden_markers(user, units, *, names_shown=()) -> list[str]:
    """The markers that must never reach ``user``: units it may not see, and their objects."""
    out = []
    for unit in units:
        if in_scope(user, unit):
            continue
        out.append(object_marker(unit))
        if not _is_ancestor(user, unit) and unit.level not in names_shown:
            out.append(name_marker(unit))
    return out



def logged_in_client(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


