"""Filters of the audit-trail viewer: a plain Django form (no extra dependency) applied to a queryset
that the access layer has already restricted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .declarations import event_labels


class AuditEventFilterForm(forms.Form):
    event = forms.CharField(label=_("Event"), max_length=80, required=False,
                            help_text=_("An event code, or its beginning (e.g. orgs.)"))
    subject_type = forms.CharField(label=_("Subject type"), max_length=80, required=False)
    actor = forms.CharField(label=_("Actor (username)"), max_length=150, required=False)
    unit = forms.CharField(label=_("Unit code"), max_length=40, required=False,
                           help_text=_("Events of this unit and the units below it"))
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("Subject contains"), max_length=100, required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError(_("The end date is before the start date."))
        return data

    @staticmethod
    def known_event_codes() -> list[str]:
        return sorted(event_labels())


def _start_of(day) -> datetime:
    """Local midnight as an aware datetime: the business day of the county, not of UTC."""
    return timezone.make_aware(datetime.combine(day, time.min))


def apply_audit_filters(qs: QuerySet, data: dict, *, units: Callable[[], QuerySet]) -> QuerySet:
    """Narrow an already-restricted queryset by the cleaned filter data.

    ``units()`` gives the units the user may see (called only when a unit code is given): a code
    outside them matches nothing rather than widening anything (the scope filter has been applied
    before, so this only narrows).
    """
    if code := data.get("event"):
        qs = qs.filter(event_code__istartswith=code.strip())
    if subject_type := data.get("subject_type"):
        qs = qs.filter(subject_type__iexact=subject_type.strip())
    if actor := data.get("actor"):
        actor = actor.strip()
        qs = qs.filter(Q(actor__username__iexact=actor) | Q(actor_repr__icontains=actor))
    if code := data.get("unit"):
        unit = units().filter(code__iexact=code.strip()).only("path").first()
        qs = qs.filter(unit__path__startswith=unit.path) if unit else qs.none()
    if start := data.get("date_from"):
        qs = qs.filter(created_at__gte=_start_of(start))
    if end := data.get("date_to"):
        qs = qs.filter(created_at__lt=_start_of(end + timedelta(days=1)))
    if text := data.get("text"):
        text = text.strip()
        qs = qs.filter(Q(subject_repr__icontains=text) | Q(subject_id=text))
    return qs


AUDIT_PAGE_SIZE = 50


def paginate(request, qs: QuerySet, *, per_page: int = AUDIT_PAGE_SIZE):
    """The requested page (out-of-range pages fall back to the last) and the query string without
    ``page``, for the pagination links. Two queries whatever the page: a count and the rows."""
    page = Paginator(qs, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    querystring = params.urlencode()
    return page, (querystring + "&") if querystring else ""
