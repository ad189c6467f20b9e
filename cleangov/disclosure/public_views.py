"""The villagers' side of the disclosure, under /public/ (no login, nothing stored about readers).

Pages show published versions only; drafts, returned items and hidden questions' texts never leave
the staff side. The village page is rendered from a cached fragment (60 s, cleared on publication)
so a whole county's phones can read it from one small server.
"""

from __future__ import annotations

import functools
from datetime import timedelta

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from cleangov.core import public_cache
from cleangov.core.declarations import declarations
from cleangov.core.public import ProofOfWorkField, over_rate_limit
from cleangov.core.public_cache import CSRF_PLACEHOLDER
from cleangov.orgs.choices import UnitLevelChoices
from cleangov.orgs.models import Unit

from . import actions, financial, opendata, sheets
from .catalog import get_catalog
from .choices import DisclosureStatusChoices as S
from .choices import QuestionStatusChoices
from .models import Disclosure, DisclosureAttachment, DisclosureVersion, Question
from .presentation import bars, forget_page, item_rows, overdue_rows, page_cache_key, row_for

PAGE_CACHE_SECONDS = 60
ASK_LIMIT = (30, 60)  # at most 30 questions a minute across the county (a shared budget, no addresses)
PUBLIC_LEVELS = (UnitLevelChoices.VILLAGE, UnitLevelChoices.TOWNSHIP, UnitLevelChoices.COUNTY)


# --- search ---------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _index_stamp(stamp):  # the index is rebuilt when the number of units changes
    from pypinyin import Style, lazy_pinyin

    out = []
    for u in Unit.objects.filter(level__in=[UnitLevelChoices.VILLAGE, UnitLevelChoices.TOWNSHIP]).order_by("path"):
        initials = "".join(lazy_pinyin(u.name, style=Style.FIRST_LETTER)).lower()
        full = "".join(lazy_pinyin(u.name)).lower()
        out.append((u.pk, u.code, u.name, u.name_en.lower(), initials, full, u.level, u.parent_id))
    return out


def search_units(query: str, limit: int = 30) -> list[Unit]:
    """Townships and villages whose Chinese name contains ``query``, or whose pinyin (initials or
    full syllables) starts with it, or whose English name contains it."""
    q = (query or "").strip().lower().replace(" ", "")
    if not q:
        return []
    index = _index_stamp(Unit.objects.filter(level__in=[UnitLevelChoices.VILLAGE, UnitLevelChoices.TOWNSHIP]).count())
    hits = [row[0] for row in index
            if q in row[2] or q in row[3].replace(" ", "") or row[4].startswith(q) or row[5].startswith(q)
            or q == row[1].lower()][:limit]
    units = Unit.objects.in_bulk(hits)
    parents = Unit.objects.in_bulk({u.parent_id for u in units.values() if u.parent_id})
    out = []
    for pk in hits:
        u = units[pk]
        u.parent_name = parents[u.parent_id].display_name(get_language()) if u.parent_id in parents else ""
        out.append(u)
    return out


def front_panel(request) -> dict:
    return {"q": request.GET.get("q", "")}


@require_GET
@cache_control(public=True, max_age=60)
def search(request):
    query = request.GET.get("q", "")[:40]
    return render(request, "disclosure/public/search.html", {
        "q": query, "q_panel": {"q": query}, "results": search_units(query), "searched": bool(query.strip())})


# --- village --------------------------------------------------------------------------------------
def _public_unit(code: str) -> Unit:
    return get_object_or_404(Unit, code=code, level__in=PUBLIC_LEVELS)


def _village_fragment(unit: Unit) -> str:
    today = timezone.localdate()
    items = list(Disclosure.objects.filter(unit=unit, due_date__gte=today - timedelta(days=400))
                 .order_by("-due_date", "catalog_code"))
    rows = item_rows(items, today)
    published = [r for r in rows if r.d.latest_version][:40]
    due = sorted((r for r in rows if r.state == "due"), key=lambda r: r.d.due_date)
    wall = overdue_rows(unit, today, since=today - timedelta(days=730))
    corrected = list(Disclosure.objects.filter(unit=unit, latest_version__gt=1).order_by("-due_date")[:5]
                     .prefetch_related(Prefetch("versions", queryset=DisclosureVersion.objects.order_by("-number"))))
    exempt = [row_for(d, today)
              for d in Disclosure.objects.filter(unit=unit, status=S.EXEMPT).order_by("-due_date")[:10]]
    # The latest month with entries in the books (a month with no imported voucher shows zeros on its own page).
    published_fin = Disclosure.objects.filter(unit=unit, catalog_code="finance.monthly", latest_version__gt=0)
    latest_fin = (published_fin.filter(versions__content__totals__lines__gt=0).order_by("-period_start").first()
                  or published_fin.order_by("-period_start").first())
    fin = chart = None
    if latest_fin:
        fin = latest_fin.versions.order_by("-number").first()
        chart = bars(fin.content.get("expenses", []))
    open_questions = Question.objects.filter(disclosure__unit=unit, status=QuestionStatusChoices.OPEN).count()
    late_questions = Question.objects.filter(disclosure__unit=unit, status=QuestionStatusChoices.OPEN,
                                             due_date__lt=today).count()
    township = Unit.objects.filter(pk=unit.parent_id).first()
    links = sorted((link for _l, d in declarations() for link in d.public_links), key=lambda link: link.position)
    # Other apps' panels for this unit (the record books' signed checkpoints), without importing them.
    unit_panels = [(panel.template, ctx) for _l, d in declarations() for panel in d.public_unit_panels
                   if (ctx := panel.context(unit)) is not None]
    return render_to_string("disclosure/public/_village.html", {
        "unit_panels": unit_panels,
        "unit": unit, "township": township, "today": today, "published": published, "due": due, "wall": wall,
        "corrected": corrected, "exempt": exempt, "fin_disclosure": latest_fin, "fin": fin, "chart": chart,
        "open_questions": open_questions, "late_questions": late_questions, "links": links,
        "catalog": get_catalog()})


def _area_fragment(unit: Unit) -> str:
    children = Unit.objects.filter(parent=unit, level__in=PUBLIC_LEVELS).order_by("path")
    today = timezone.localdate()
    overdue = {}
    for uid in (Disclosure.objects.filter(unit__path__startswith=unit.path, due_date__lt=today)
                .exclude(status__in=[S.PUBLISHED, S.EXEMPT]).exclude(latest_version__gt=0)
                .values_list("unit__path", flat=True)):
        for child in children:
            if uid.startswith(child.path):
                overdue[child.pk] = overdue.get(child.pk, 0) + 1
    rows = [{"unit": c, "overdue": overdue.get(c.pk, 0)} for c in children]
    return render_to_string("disclosure/public/_area.html", {"unit": unit, "rows": rows})


@require_GET
def village(request, code: str):
    """A village's (or a township's, or the county's) page, cached whole for a minute per language and
    address (cleared when the village publishes). The only per-visitor part is the language
    switcher's CSRF token, rendered as a placeholder and put in per request, so a hit costs no query
    and no template rendering; a repeat read is answered before the middleware (core.public_cache)."""
    key = page_cache_key(code, get_language() or "") + ":" + request.get_full_path()
    page = cache.get(key)
    if page is None:
        unit = _public_unit(code)
        fragment = _village_fragment(unit) if unit.level == UnitLevelChoices.VILLAGE else _area_fragment(unit)
        page = render_to_string("disclosure/public/village.html",
                                {"title": unit.name, "fragment": fragment, "csrf_token": CSRF_PLACEHOLDER},
                                request=request)
        cache.set(key, page, PAGE_CACHE_SECONDS)
    response = HttpResponse(page.replace(CSRF_PLACEHOLDER, get_token(request)))
    return public_cache.cacheable(response, page, PAGE_CACHE_SECONDS)


# --- one item -------------------------------------------------------------------------------------
class AskForm(forms.Form):
    text = forms.CharField(label=_("Your question"), max_length=actions.MAX_TEXT,
                           widget=forms.Textarea(attrs={"rows": 4}))
    asker_name = forms.CharField(label=_("Your name (leave empty to ask anonymously)"), max_length=60, required=False)
    private = forms.BooleanField(label=_("Do not publish my question and its answer"), required=False)
    pow = ProofOfWorkField()


def _published_item(code: str, item_id: int) -> Disclosure:
    d = get_object_or_404(Disclosure.objects.select_related("unit"), pk=item_id, unit__code=code)
    return d


def _item_context(d: Disclosure, form=None) -> dict:
    versions = list(d.versions.order_by("-number"))
    current = versions[0] if versions else None
    stale = financial.stale_batches(current.source_batches) if current else []
    questions = list(d.questions.order_by("-asked_at")[:100])
    entry = get_catalog().get(d.catalog_code)
    return {"d": d, "unit": d.unit, "entry": entry, "versions": versions, "current": current, "stale": stale,
            "lines": sheets.content_lines(current) if current else [], "questions": questions,
            "form": form or (AskForm() if current else None), "row": row_for(d, timezone.localdate()),
            "chart": bars(current.content.get("expenses", [])) if current and current.content.get("kind") == "financial"
            else None}


@require_GET
def item(request, code: str, item_id: int):
    d = _published_item(code, item_id)
    return render(request, "disclosure/public/item.html", _item_context(d))


@require_http_methods(["POST"])
def ask(request, code: str, item_id: int):
    d = _published_item(code, item_id)
    form = AskForm(request.POST)
    if over_rate_limit("disclosure.ask", *ASK_LIMIT):
        form.add_error(None, _("Many questions are arriving right now. Wait a minute and send yours again."))
    if form.errors or not form.is_valid():
        return render(request, "disclosure/public/item.html", _item_context(d, form), status=400)
    try:
        q = actions.do_ask_question(d, text=form.cleaned_data["text"], asker_name=form.cleaned_data["asker_name"],
                                    is_public=not form.cleaned_data["private"], acting_user=None)
    except ValidationError as exc:
        for msg in exc.messages:
            form.add_error(None, msg)
        return render(request, "disclosure/public/item.html", _item_context(d, form), status=400)
    forget_page(d.unit.code)
    return redirect(reverse("disclosure_public:question") + f"?ref={q.reference}")


@require_GET
def question(request):
    ref = request.GET.get("ref", "").strip().upper()[:16]
    q = Question.objects.select_related("disclosure__unit").filter(reference=ref).first() if ref else None
    return render(request, "disclosure/public/question.html", {"q": q, "ref": ref, "today": timezone.localdate()})


def _version(code: str, item_id: int, number: int) -> DisclosureVersion:
    return get_object_or_404(DisclosureVersion.objects.select_related("disclosure__unit"),
                             disclosure_id=item_id, disclosure__unit__code=code, number=number)


def verify_url(request, version: DisclosureVersion) -> str:
    return request.build_absolute_uri(reverse("disclosure_public:verify", kwargs={
        "item_id": version.disclosure_id, "number": version.number, "digest": version.content_hash}))


@require_GET
@cache_control(public=True, max_age=3600)
def sheet(request, code: str, item_id: int, number: int):
    version = _version(code, item_id, number)
    pdf = sheets.render_sheet(version, verify_url(request, version))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{code}-{item_id}-v{number}.pdf"'
    return response


@require_GET
@cache_control(public=True, max_age=3600)
def table(request, code: str, item_id: int, number: int, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    version = _version(code, item_id, number)
    if fmt == "csv":
        response = HttpResponse(opendata.as_csv(version), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(opendata.as_xlsx(version),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{code}-{item_id}-v{number}.{fmt}"'
    return response


@require_GET
@cache_control(public=True, max_age=3600)
def attachment(request, code: str, item_id: int, sha256: str):
    """A published attachment (a draft's files are not public)."""
    found = get_object_or_404(DisclosureAttachment, disclosure_id=item_id, disclosure__unit__code=code,
                              sha256=sha256, version__gt=0)
    kind = "application/pdf" if found.name.lower().endswith(".pdf") else (
        "image/png" if found.name.lower().endswith(".png") else "image/jpeg")
    return FileResponse(found.file.open("rb"), content_type=kind, as_attachment=True, filename=found.name)


@require_GET
def verify(request, item_id: int, number: int, digest: str):
    """What a scanned sheet says against what was signed: the version's stored hash must equal the
    hash printed in the QR code; a newer version means the sheet is out of date."""
    version = DisclosureVersion.objects.select_related("disclosure__unit").filter(
        disclosure_id=item_id, number=number).first()
    latest = None
    if version is not None:
        latest = version.disclosure.versions.order_by("-number").first()
    matches = version is not None and version.content_hash == digest.lower()
    status = "genuine" if matches and latest.number == version.number else ("superseded" if matches else "forged")
    return render(request, "disclosure/public/verify.html", {
        "version": version, "latest": latest, "status": status, "digest": digest,
        "d": version.disclosure if version else None}, status=200 if matches else 404)


# --- open data feeds ------------------------------------------------------------------------------
def _feed_item(request, d: Disclosure, versions: list[DisclosureVersion]) -> dict:
    return {
        "id": d.pk, "unit": d.unit.code, "item": d.catalog_code, "catalog_version": d.catalog_version,
        "event": d.event_title, "period_start": d.period_start.isoformat(), "period_end": d.period_end.isoformat(),
        "due_date": d.due_date.isoformat(), "status": d.status, "on_time": d.on_time,
        "first_published_on": d.first_published_on.isoformat() if d.first_published_on else None,
        "versions": [{"number": v.number, "published_at": v.published_at.isoformat(), "content_hash": v.content_hash,
                      "changes": len(v.diff),
                      "csv": request.build_absolute_uri(reverse("disclosure_public:table", kwargs={
                          "code": d.unit.code, "item_id": d.pk, "number": v.number, "fmt": "csv"}))}
                     for v in versions],
        "exemption_reason": d.exemption_reason if d.status == S.EXEMPT else "",
    }


@require_GET
@cache_control(public=True, max_age=300)
def feed(request, code: str):
    """The catalog and every scheduled item with its published versions, for a village, a township
    or the county (the subtree's villages)."""
    unit = _public_unit(code)
    qs = (Disclosure.objects.filter(unit__path__startswith=unit.path).select_related("unit")
          .order_by("unit__path", "period_start", "catalog_code"))
    year = request.GET.get("year", "")
    if year.isdigit():
        qs = qs.filter(period_start__year=int(year))
    versions: dict[int, list] = {}
    for v in DisclosureVersion.objects.filter(disclosure__in=qs).only(
            "disclosure_id", "number", "published_at", "content_hash", "diff").order_by("number"):
        versions.setdefault(v.disclosure_id, []).append(v)
    catalog = get_catalog()
    data = {
        "unit": {"code": unit.code, "name": unit.name, "name_en": unit.name_en, "level": unit.level},
        "generated_at": timezone.now().isoformat(),
        "catalog": {"version": catalog.version, "entries": [
            {"code": e.code, "group": e.group, "name": e.name, "name_en": e.name_en, "frequency": e.frequency,
             "due": e.due, "min_display_days": e.min_display_days} for e in catalog.entries]},
        "items": [_feed_item(request, d, versions.get(d.pk, [])) for d in qs],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


