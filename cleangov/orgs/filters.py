"""Query filters of the organisation pages."""

from django.db.models import Count, Q, QuerySet

from cleangov.core.access import scope_q

from .access import ORGS_VIEW_ROLES
from .models import Unit

SEARCH_LIMIT = 50


def search_units(qs: QuerySet, text: str) -> QuerySet:
    """Units whose Chinese name, English name or code contains the text."""
    text = text.strip()
    if not text:
        return qs.none()
    return qs.filter(Q(name__icontains=text) | Q(name_en__icontains=text) | Q(code__icontains=text))


def with_child_counts(qs: QuerySet, user) -> QuerySet:
    """Annotate ``child_count``: the children the user may see, counted in the same query (no N+1).

    Children are counted through the scope too, so a unit assigned without its subtree shows none.
    """
    visible_child = scope_q(user, roles=ORGS_VIEW_ROLES["unit"], path_field="children__path")
    return qs.annotate(child_count=Count("children", filter=visible_child, distinct=True))


PICKER_LIMIT = 20
PLACE_SEPARATOR = " › "


def unit_places(rows: list[dict], language: str) -> dict[str, str]:
    """Code → the unit's place as a reader names it (镇 › 村 › 组), in ``language``, for ``rows`` of
    ``values("code", "path", ...)``: one query for the names of every ancestor. The county itself is
    left out (every unit is in it): a township has dozens of 第一村民小组 and only the village in front
    tells them apart."""
    codes = {c for r in rows for c in r["path"].strip("/").split("/")}
    english = language.startswith("en")
    names = {u["code"]: (u["name_en"] if english and u["name_en"] else u["name"])
             for u in Unit.objects.filter(code__in=codes).values("code", "name", "name_en")}
    places = {}
    for r in rows:
        chain = [names.get(c, c) for c in r["path"].strip("/").split("/")[1:]] or [names.get(r["code"], r["code"])]
        places[r["code"]] = PLACE_SEPARATOR.join(chain)
    return places


def picker_units(qs: QuerySet, text: str, language: str) -> tuple[list[dict], bool]:
    """The first PICKER_LIMIT units of ``qs`` (already scoped to the reader) whose name, English name or
    code contains ``text`` — or, for a place typed as 镇 › 村, whose last name matches and whose place
    starts so — in the order of the tree, each with its place; and whether there are more. Two queries
    whatever the size of the county."""
    text = text.strip()
    if not text:
        return [], False
    parts = [p.strip() for p in text.replace(">", "›").split("›") if p.strip()]
    last = parts[-1] if parts else text
    rows = list(search_units(qs, last).order_by("path").values("pk", "code", "path", "name", "name_en", "level")
                [:PICKER_LIMIT * 5 if len(parts) > 1 else PICKER_LIMIT + 1])
    places = unit_places(rows, language)
    found = []
    for r in rows:
        place = places[r["code"]]
        if len(parts) > 1 and not _place_matches(place, parts):
            continue
        found.append({"id": r["pk"], "code": r["code"], "name": r["name"], "level": r["level"], "place": place})
    return found[:PICKER_LIMIT], len(found) > PICKER_LIMIT


def _place_matches(place: str, parts: list[str]) -> bool:
    """Whether every typed part is found, in order, among the place's names (each contained in one)."""
    names = place.split(PLACE_SEPARATOR)
    i = 0
    for name in names:
        if i < len(parts) and parts[i] in name:
            i += 1
    return i == len(parts)


def resolve_unit(qs: QuerySet, text: str, language: str) -> list[dict]:
    """The units of ``qs`` a typed value names: its code, its place exactly as the picker offers it, or a
    name (Chinese or English) — several when the name is shared. Empty when none."""
    text = text.strip()
    if not text:
        return []
    exact = list(qs.filter(code=text).values("pk", "code", "path", "name", "name_en", "level")[:1])
    if not exact:
        parts = [p.strip() for p in text.replace(">", "›").split("›") if p.strip()]
        last = parts[-1] if parts else text
        exact = list(qs.filter(Q(name=last) | Q(name_en=last)).order_by("path")
                     .values("pk", "code", "path", "name", "name_en", "level")[:200])
    places = unit_places(exact, language)
    rows = [{"id": r["pk"], "code": r["code"], "name": r["name"], "place": places[r["code"]]} for r in exact]
    if PLACE_SEPARATOR.strip() in text or ">" in text:
        wanted = PLACE_SEPARATOR.join(p.strip() for p in text.replace(">", "›").split("›"))
        rows = [r for r in rows if r["place"] == wanted]
    return rows
