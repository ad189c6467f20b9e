"""Organisation pages: the tree browser, unit pages and person pages. Read-only; thin views that
parse the request, pass the access gate and render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from cleangov.core.declarations import person_panels

from .access import (
    access_person_by_id,
    access_unit_by_id,
    breadcrumbs,
    can_see_phone,
    masked_phone,
    scope_roots,
    visible_people,
    visible_units,
)
from .choices import RELATION_INVERSE, RelationKindChoices
from .filters import PICKER_LIMIT, SEARCH_LIMIT, picker_units, search_units, with_child_counts
from .forms import HeldOnForm, UnitSearchForm
from .models import Post, Relation, Unit

SEARCH_TARGET = "unit-search-results"
PICKER_FIELD = "unit"  # the usual name of a unit field a picker fills (e.g. the findings filter)


@login_required
@require_GET
def unit_search(request):
    """The unit picker's server-side search, scoped to the units the reader may see: the first
    PICKER_LIMIT matches in the order of the tree, each with its place (镇 › 村 › 组), so a county of
    thousands of units is never sent whole. Three answers from one search:

    - htmx: ``<option>`` elements for the ``<datalist>`` of the field that asked (its value is sent under
      the field's own name, ``q`` or ``unit``);
    - ``?format=json``: ``{"results": [{"code", "name", "place"}], "more": bool}``;
    - otherwise (no JavaScript) a page with a search box whose results link back to ``next`` (a page of
      this site) with ``<field>=<code>``, the way a picked option would have filled it.
    """
    text = (request.GET.get("q") or request.GET.get(PICKER_FIELD) or "")[:100]
    results, more = picker_units(visible_units(request.user), text, get_language() or "")
    if request.GET.get("format") == "json":
        return JsonResponse({"results": [{"code": r["code"], "name": r["name"], "place": r["place"]}
                                         for r in results], "more": more})
    if request.htmx:
        return render(request, "orgs/_unit_options.html", {"results": results})
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()) or not target.startswith("/"):
        target = ""
    field = request.GET.get("field", PICKER_FIELD)
    if not field.isidentifier():
        field = PICKER_FIELD
    return render(request, "orgs/unit_search.html", {
        "q": text, "results": results, "more": more, "limit": PICKER_LIMIT, "next": target, "field": field,
        "separator": "&" if "?" in target else "?"})


@login_required
def tree(request):
    """The user's part of the tree: their scope roots (under their ancestors' names), expandable
    level by level with htmx, and a search limited to the scope."""
    user = request.user
    form = UnitSearchForm(request.GET or None)
    text = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results = None
    if text:
        results = list(
            with_child_counts(search_units(visible_units(user), text), user)
            .select_related("parent")
            .order_by("path")[: SEARCH_LIMIT + 1]
        )
    context = {"form": form, "q": text, "results": results, "limit": SEARCH_LIMIT}
    if request.htmx and request.htmx.target == SEARCH_TARGET:
        return render(request, "orgs/_unit_search_results.html", context)

    roots = scope_roots(user)
    counted = {u.pk: u for u in with_child_counts(Unit.objects.filter(pk__in=[r.pk for r in roots]), user)}
    # Ancestor names of every root in one query: shown as context, never as links.
    codes = {c for r in roots for c in r.path.strip("/").split("/")[:-1]}
    ancestors = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    context["branches"] = [
        {
            "root": counted[r.pk],
            "ancestors": [ancestors[c] for c in r.path.strip("/").split("/")[:-1] if c in ancestors],
        }
        for r in roots
    ]
    return render(request, "orgs/tree.html", context)


@login_required
def unit_children(request, unit_id):
    """Partial: the visible children of a unit, loaded when its node is opened."""
    unit = access_unit_by_id(request.user, unit_id)
    children = with_child_counts(visible_units(request.user).filter(parent=unit), request.user).order_by("path")
    return render(request, "orgs/_tree_nodes.html", {"nodes": children, "parent": unit})


@login_required
def unit_detail(request, unit_id):
    user = request.user
    unit = access_unit_by_id(user, unit_id)
    today = timezone.localdate()
    posts = Post.objects.filter(unit=unit).select_related("person")
    current = posts.filter(Post.held_on(today)).order_by("post_type", "start_date")
    history = posts.order_by("post_type", "-start_date")

    held_form = HeldOnForm(request.GET if "on" in request.GET else None)
    held_on = None
    if held_form.is_valid():
        day = held_form.cleaned_data["on"]
        held_on = posts.filter(Post.held_on(day)).order_by("post_type", "start_date")
        if held_form.cleaned_data["post_type"]:
            held_on = held_on.filter(post_type=held_form.cleaned_data["post_type"])

    children = with_child_counts(visible_units(user).filter(parent=unit), user).order_by("path")
    return render(request, "orgs/unit_detail.html", {
        "unit": unit,
        "crumbs": breadcrumbs(user, unit),
        "children": children,
        "current": current,
        "history": history,
        "held_form": held_form,
        "held_on": held_on,
        "today": today,
        "display_name": unit.display_name(get_language()),
    })


@login_required
def person_detail(request, person_id):
    user = request.user
    person = access_person_by_id(user, person_id)
    posts = list(person.posts.select_related("unit").order_by("-start_date", "post_type"))

    unit_ids = {p.unit_id for p in posts} | ({person.home_unit_id} if person.home_unit_id else set())
    linked_units = set(visible_units(user).filter(pk__in=unit_ids).values_list("pk", flat=True))

    relations = []
    for rel in Relation.objects.filter(Q(person=person) | Q(relative=person)).select_related("person", "relative"):
        # Relation(person=A, relative=B, kind=K) reads "A is B's K"; seen from A's side, B is A's
        # inverse(K) (A is B's parent ⇔ B is A's child). Symmetric kinds read the same both ways.
        if rel.relative_id == person.pk:
            other, kind = rel.person, rel.kind
        else:
            other, kind = rel.relative, RELATION_INVERSE.get(rel.kind, rel.kind)
        relations.append({"other": other, "kind": RelationKindChoices(kind).label})
    linked_people = set(
        visible_people(user).filter(pk__in=[r["other"].pk for r in relations]).values_list("pk", flat=True)
    )
    for r in relations:
        r["linked"] = r["other"].pk in linked_people

    today = timezone.localdate()
    full_phone = can_see_phone(user, person)
    return render(request, "orgs/person_detail.html", {
        "person": person,
        "posts": [
            {"post": p, "linked": p.unit_id in linked_units,
             "current": p.start_date <= today and (p.end_date is None or p.end_date >= today)}
            for p in posts
        ],
        "home_linked": person.home_unit_id in linked_units,
        "relations": relations,
        "phone": person.phone if full_phone else masked_phone(person.phone),
        "phone_masked": not full_phone and bool(person.phone),
        # Panels other apps declare (periods of effect of accountability), without importing them.
        "person_panels": person_panels(user, person.pk),
    })
