"""Record-book pages: a unit's book, its completeness, recording and revising entries, the
inspector's township overview, the kinds catalog, exports and the public checkpoints. Thin views:
parse → access gate → action → render."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cleangov.core.access import has_role, require_role, scope_q
from cleangov.core.forms import add_action_errors
from cleangov.orgs.access import breadcrumbs
from cleangov.orgs.models import Person, Unit

from .access import (
    INSPECTOR_ROLES,
    VIEW_ROLES,
    access_attachment_by_id,
    access_book_by_id,
    access_entry_by_id,
    access_record_kind,
    access_township_overview_by_id,
    recordable_kinds,
    visible_entries,
    visible_units,
)
from .actions import do_record_ledger_entry, do_revise_ledger_entry
from .analysis import active_kinds, book_years, burst_params, bursts_for_units
from .exporting import export_lines, published_checkpoints
from .forms import BookFilterForm, EntryForm, register_people
from .models import LedgerEntrySubject, LedgerKind

PAGE_SIZE = 50


def _year(request) -> int:
    form = BookFilterForm(request.GET or None)
    if form.is_valid() and form.cleaned_data.get("year"):
        return form.cleaned_data["year"]
    return timezone.localdate().year


def _as_of(year: int) -> date:
    return min(timezone.localdate(), date(year, 12, 31))


@login_required
def index(request):
    """The units whose books the user may read, by level, with the township overviews for inspectors."""
    require_role(request.user, VIEW_ROLES)
    units = list(visible_units(request.user).exclude(level="group").order_by("path")[:400])
    inspector = has_role(request.user, INSPECTOR_ROLES)
    return render(request, "ledgers/index.html", {"units": units, "inspector": inspector})


@login_required
def unit_book(request, unit_id):
    unit = access_book_by_id(request.user, unit_id)
    year = _year(request)
    filters = BookFilterForm(request.GET or None)
    kinds = active_kinds()
    kinds_by_id = {k.pk: k for k in kinds}
    entries = visible_entries(request.user).filter(unit=unit, event_date__year=year)
    summary = {row["kind_id"]: row for row in entries.order_by().values("kind_id").annotate(
        n=Count("id"), late=Count("id", filter=Q(late_days__gt=0)))}
    kind_code = filters.cleaned_data.get("kind") if filters.is_valid() else ""
    if kind_code:
        entries = entries.filter(kind__code=kind_code)
    if filters.is_valid() and filters.cleaned_data.get("late"):
        entries = entries.filter(late_days__gt=0)
    page = Paginator(entries.select_related("kind_version").order_by("-event_date", "-number"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    params = burst_params()
    bursts = bursts_for_units([unit.pk], since=date(year, 1, 1), until=_as_of(year), params=params).get(unit.pk, [])
    burst_entries = {}
    if bursts:
        ids = [i for b in bursts for i in b.entry_ids]
        burst_entries = visible_entries(request.user).filter(pk__in=ids).select_related("kind_version").in_bulk()
    language = get_language()
    rows = []
    for kind in kinds:
        spec = kind.current_version.parsed
        s = summary.get(kind.pk)
        if unit.level in spec.unit_levels or s:
            rows.append({"kind": kind, "name": spec.name_for(language), "count": s["n"] if s else 0,
                         "late": s["late"] if s else 0})
    return render(request, "ledgers/unit_book.html", {
        "unit": unit, "crumbs": breadcrumbs(request.user, unit), "year": year, "years": _years(),
        "kind_rows": rows, "page": page, "kinds_by_id": kinds_by_id, "kind_code": kind_code,
        "late_only": filters.is_valid() and filters.cleaned_data.get("late"),
        "recordable": [{"kind": k, "name": k.current_version.parsed.name_for(language)}
                       for k in recordable_kinds(request.user, unit, kinds)],
        "bursts": [{"burst": b, "entries": [burst_entries[i] for i in b.entry_ids if i in burst_entries]}
                   for b in bursts],
        "params": params,
    })


def _years() -> list[int]:
    this = timezone.localdate().year
    return [this - 2, this - 1, this]


@login_required
def unit_completeness(request, unit_id):
    unit = access_book_by_id(request.user, unit_id)
    year = _year(request)
    as_of = _as_of(year)
    book = book_years([unit], year, as_of=as_of)[unit.pk]
    language = get_language()
    rows = [{"k": k, "spec": k.kind.current_version.parsed, "name": k.kind.current_version.parsed.name_for(language)}
            for k in book.kinds]
    return render(request, "ledgers/unit_completeness.html", {
        "unit": unit, "crumbs": breadcrumbs(request.user, unit), "year": year, "years": _years(), "as_of": as_of,
        "book": book, "rows": rows,
    })


@login_required
def township_overview(request, unit_id):
    """The inspector's view of a township: its units ranked by completeness (worst first) and bursts."""
    township = access_township_overview_by_id(request.user, unit_id)
    year = _year(request)
    as_of = _as_of(year)
    # Only units inside the inspector's scope: a township held without its subtree ranks itself alone.
    units = list(Unit.objects.filter(path__startswith=township.path).exclude(level="group")
                 .filter(scope_q(request.user, roles=INSPECTOR_ROLES, path_field="path")).order_by("path"))
    books = book_years(units, year, as_of=as_of)
    bursts = bursts_for_units([u.pk for u in units], since=date(year, 1, 1), until=as_of)
    rows = []
    for unit in units:
        book = books[unit.pk]
        rows.append({"unit": unit, "book": book, "bursts": bursts.get(unit.pk, []),
                     "burst_entries": sum(b.count for b in bursts.get(unit.pk, []))})
    rows.sort(key=lambda r: (r["book"].completeness if r["book"].completeness is not None else 2, r["unit"].path))
    return render(request, "ledgers/township_overview.html", {
        "township": township, "crumbs": breadcrumbs(request.user, township), "year": year, "years": _years(),
        "as_of": as_of, "rows": rows, "params": burst_params(),
        "burst_units": [r for r in rows if r["bursts"]],
        # A year nobody recorded anything in is "no records", not 0 % for every unit.
        "year_has_records": any(r["bursts"] or any(k.total for k in r["book"].kinds) for r in rows),
    })


def _people_names(ids) -> dict[int, Person]:
    return Person.objects.in_bulk(list(ids))


@login_required
def entry_detail(request, entry_id):
    entry = access_entry_by_id(request.user, entry_id)
    revisions = list(entry.revisions.select_related("recorded_by__person").order_by("-revision"))
    current = revisions[0]
    spec = entry.kind_version.parsed
    person_ids = set(current.attendees) | {r["person"] for r in current.absentees}
    for f in spec.fields:
        value = current.values.get(f.name)
        if f.type == "person" and value:
            person_ids.add(value)
        elif f.type == "people" and value:
            person_ids.update(value)
    people = _people_names(person_ids)
    language = get_language()
    values = []
    for f in spec.fields:
        value = current.values.get(f.name)
        if f.type == "person":
            value = people[value].name if value in people else ""
        elif f.type == "people":
            value = "、".join(people[p].name for p in value or [] if p in people)
        elif f.type == "choice":
            labels = {v: (le if language.startswith("en") and le else lz) for v, lz, le in f.choices}
            value = labels.get(value, value)
        elif f.type == "boolean":
            value = _("Yes") if value else _("No")
        values.append((f.label_for(language), value, f.type))
    can_revise = True
    try:
        access_entry_by_id(request.user, entry.pk, action="revise")
    except Http404:
        can_revise = False
    return render(request, "ledgers/entry_detail.html", {
        "entry": entry, "unit": entry.unit, "crumbs": breadcrumbs(request.user, entry.unit), "current": current,
        "revisions": revisions, "values": values, "spec": spec, "kind_name": spec.name_for(language),
        "attendees": [people[p] for p in current.attendees if p in people],
        "absentees": [(people.get(r["person"]), r["reason"]) for r in current.absentees],
        "attachments": list(entry.attachment_files.all()), "can_revise": can_revise,
    })


@login_required
def entry_record(request, unit_id, kind_code):
    unit, kind = access_record_kind(request.user, unit_id, kind_code)
    spec = kind.current_version.parsed
    people = register_people(unit)
    form = EntryForm(request.POST or None, request.FILES or None, spec=spec, people=people)
    if request.method == "POST" and form.is_valid():
        attendees, absentees = form.attendance()
        try:
            entry = do_record_ledger_entry(
                unit=unit, kind=kind, event_date=form.cleaned_data["event_date"], title=form.cleaned_data["title"],
                values=form.values(), attendees=attendees, absentees=absentees, files=form.uploads(),
                allowed_people={p.pk for p in form.people}, acting_user=request.user)
        except ValidationError as exc:
            add_action_errors(form, exc, field_prefix="f_")
        else:
            if entry.is_late:
                messages.warning(request, _("Recorded, %(days)s days after the time limit: the entry is marked late.")
                                 % {"days": entry.late_days})
            else:
                messages.success(request, _("Recorded."))
            return redirect("ledgers:entry_detail", entry_id=entry.pk)
    return render(request, "ledgers/entry_form.html", {
        "unit": unit, "crumbs": breadcrumbs(request.user, unit), "form": form, "spec": spec,
        "kind_name": spec.name_for(get_language()), "revising": False,
    })


@login_required
def entry_revise(request, entry_id):
    entry = access_entry_by_id(request.user, entry_id, action="revise")
    spec = entry.kind_version.parsed
    people = register_people(entry.unit)
    current = entry.revisions.order_by("-revision").first()
    extra = set(current.attendees) | {r["person"] for r in current.absentees}
    people = list(people) + [p for p in Person.objects.filter(pk__in=extra).exclude(pk__in=[p.pk for p in people])]
    form = EntryForm(request.POST or None, request.FILES or None, spec=spec, people=people, revising=True)
    if request.method != "POST":
        form.initial_from(current)
    if request.method == "POST" and form.is_valid():
        attendees, absentees = form.attendance()
        try:
            do_revise_ledger_entry(
                entry, title=form.cleaned_data["title"], event_date=form.cleaned_data["event_date"],
                values=form.values(), attendees=attendees, absentees=absentees, files=form.uploads(),
                reason=form.cleaned_data["reason"], allowed_people={p.pk for p in people}, acting_user=request.user)
        except ValidationError as exc:
            add_action_errors(form, exc, field_prefix="f_")
        else:
            messages.success(request, _("The change is recorded as a new revision; the earlier one is kept."))
            return redirect("ledgers:entry_detail", entry_id=entry.pk)
    return render(request, "ledgers/entry_form.html", {
        "unit": entry.unit, "crumbs": breadcrumbs(request.user, entry.unit), "form": form, "spec": spec,
        "kind_name": spec.name_for(get_language()), "revising": True, "entry": entry,
    })


@login_required
def attachment_download(request, attachment_id):
    attachment = access_attachment_by_id(request.user, attachment_id)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@login_required
def kind_catalog(request):
    """Every kind with its current definition: what each book asks for and how often."""
    language = get_language()
    kinds = LedgerKind.objects.filter(current_version__isnull=False).select_related("current_version").annotate(
        versions_count=Count("versions"))
    rows = [{"kind": k, "spec": k.current_version.parsed, "name": k.current_version.parsed.name_for(language)}
            for k in kinds]
    return render(request, "ledgers/kind_catalog.html", {"rows": rows})


@login_required
def unit_export(request, unit_id):
    """The unit's whole book as JSON lines, for offline verification with ``cleangov verify-ledger``.

    Inspectors only; and since the export is the whole book, a user named (or whose relative is
    named) in any of its entries gets the same 404 (conflict of interest).
    """
    unit = get_object_or_404(visible_units(request.user, roles=INSPECTOR_ROLES), pk=unit_id)
    from cleangov.core.access import conflicted_person_ids

    conflicted = conflicted_person_ids(request.user)
    if conflicted and LedgerEntrySubject.objects.filter(entry__unit=unit, person_id__in=conflicted).exists():
        raise Http404
    response = StreamingHttpResponse(export_lines(unit), content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ledger-{unit.code}.jsonl"'
    return response


@require_GET
def checkpoints_json(request, unit_code):
    """Public, no login: the unit's signed monthly checkpoints and the public keys. No entry content."""
    unit = get_object_or_404(Unit, code=unit_code)
    response = JsonResponse(published_checkpoints(unit), json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Access-Control-Allow-Origin"] = "*"
    return response

