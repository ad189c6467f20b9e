"""What the staff and public pages show of a village's schedule: rows with their catalog names and
their state on a given day, the overdue wall, and charts as plain SVG numbers (no script)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache

from cleangov.core import public_cache

from .catalog import get_catalog
from .choices import DisclosureStatusChoices as S
from .models import Disclosure

DONE = (S.PUBLISHED, S.EXEMPT)


@dataclass
class Row:
    d: Disclosure
    name: str
    state: str  # published | late | overdue | due | exempt | pending
    days_late: int = 0

    @property
    def period(self) -> str:
        d = self.d
        if d.event_title:
            return f"{d.period_start:%Y-%m-%d} {d.event_title}"
        if d.period_start.month == 1 and d.period_end.month == 12:
            return f"{d.period_start:%Y}"
        if d.period_start.month == d.period_end.month:
            return f"{d.period_start:%Y-%m}"
        return f"{d.period_start:%Y-%m}–{d.period_end:%m}"


def row_for(d: Disclosure, today: date) -> Row:
    entry = get_catalog().get(d.catalog_code)
    name = entry.display_name() if entry else d.catalog_code
    if d.status == S.EXEMPT:
        return Row(d, name, "exempt")
    if d.status == S.PUBLISHED or d.latest_version:
        if d.on_time is False and d.first_published_on:
            return Row(d, name, "late", (d.first_published_on - d.due_date).days)
        return Row(d, name, "published")
    if d.due_date < today:
        return Row(d, name, "overdue", (today - d.due_date).days)
    return Row(d, name, "due")


def item_rows(items, today: date) -> list[Row]:
    return [row_for(d, today) for d in items]


def overdue_rows(unit, today: date, *, since: date | None = None) -> list[Row]:
    """The overdue wall: items past their due date and not published, then items published late."""
    missing = (Disclosure.objects.filter(unit=unit, due_date__lt=today).exclude(status__in=DONE)
               .exclude(latest_version__gt=0).order_by("due_date"))
    late = Disclosure.objects.filter(unit=unit, on_time=False).order_by("-due_date")
    if since:
        late = late.filter(due_date__gte=since)
    return [row_for(d, today) for d in missing] + [row_for(d, today) for d in late[:50]]


def bars(rows: list[dict], *, width: int = 300, bar: int = 22) -> dict:
    """An SVG bar chart's geometry for [{"label", "amount"}] (largest first), fitting ``width`` px."""
    rows = sorted(rows, key=lambda r: Decimal(r["amount"]), reverse=True)
    top = max((Decimal(r["amount"]) for r in rows), default=Decimal(0))
    out = []
    for i, r in enumerate(rows):
        amount = Decimal(r["amount"])
        w = int(width * amount / top) if top > 0 and amount > 0 else 0
        step = bar + 26
        out.append({"label": r["label"], "amount": r["amount"], "w": max(w, 1),
                    "label_y": i * step + 15, "rect_y": i * step + 20})
    return {"rows": out, "height": len(out) * (bar + 26), "width": width, "bar": bar}


def page_cache_key(code: str, language: str) -> str:
    """The cache key of a village page's rendered body (per language)."""
    return f"cleangov:disclosure:village:{code}:{language}"


def forget_page(code: str) -> None:
    """Drop the village's cached page (the common addresses; a page under another query string
    expires within the minute)."""
    for language, _name in settings.LANGUAGES:
        base = page_cache_key(code, language)
        cache.delete_many([base, f"{base}:/public/{code}/"])
    public_cache.forget(f"/public/{code}/")


def diff_rows(disclosure: Disclosure, diff: list[dict]) -> list[dict]:
    """A version's differences with readable line names: a form field by its label, a category row
    by the category's name."""
    entry = get_catalog().get(disclosure.catalog_code)
    labels = {f"fields.{f.name}": f.display_label() for f in entry.fields} if entry else {}
    return [{**c, "label": labels.get(c["path"], c["path"])} for c in diff]
