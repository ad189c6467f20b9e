"""Village disclosure's lines of the home page's "To do today" and "Since your last visit" (core.todo; declared
in apps.py). A disclosure's clock belongs to the village, not to one person, so the items are listed here for
whoever holds the role of the next step: the village secretary and committee director prepare what falls due
within LOOKAHEAD days (or was returned), the supervision committee signs what was submitted, and the
preparers answer villagers' questions by their due date. Four queries at most.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cleangov.core.access import scope_q
from cleangov.core.declarations import Change, Todo

from .access import ANSWERERS, VIEW_ROLES
from .catalog import get_catalog
from .choices import DisclosureStatusChoices as S
from .choices import QuestionStatusChoices
from .models import Disclosure, Question
from .workflow import PREPARERS, SIGNERS

LOOKAHEAD = timedelta(days=14)
LIMIT = 10


def _name(disclosure) -> str:
    entry = get_catalog().get(disclosure.catalog_code)
    name = entry.display_name() if entry else disclosure.catalog_code
    return f"{name} {disclosure.event_title}".strip() if disclosure.event_title else name


def todos(user) -> list[Todo]:
    today = timezone.localdate()
    prepare = Disclosure.objects.filter(scope_q(user, roles=PREPARERS)).filter(
        status__in=[S.DUE, S.RETURNED], due_date__lte=today + LOOKAHEAD)
    sign = Disclosure.objects.filter(scope_q(user, roles=SIGNERS), status=S.SUBMITTED)
    out = []
    for d in (prepare | sign).select_related("unit").order_by("due_date", "pk")[:LIMIT]:
        if d.status == S.SUBMITTED:
            label = _("Sign off or return the disclosure: %(name)s") % {"name": _name(d)}
        elif d.status == S.RETURNED:
            label = _("Revise the returned disclosure: %(name)s") % {"name": _name(d)}
        else:
            label = _("Prepare the disclosure: %(name)s") % {"name": _name(d)}
        out.append(Todo(label, reverse("disclosure:detail", kwargs={"disclosure_id": d.pk}), due=d.due_date,
                        detail=d.unit.name))
    open_questions = Question.objects.filter(scope_q(user, roles=ANSWERERS, path_field="disclosure__unit__path"),
                                             status=QuestionStatusChoices.OPEN)
    questions = open_questions.aggregate(n=Count("id"), d=Min("due_date"))
    if n := questions["n"]:
        first = open_questions.order_by("due_date", "pk").values_list("disclosure_id", flat=True).first()
        out.append(Todo(ngettext("%(n)s villager's question on a disclosure to answer",
                                 "%(n)s villagers' questions on disclosures to answer", n) % {"n": n},
                        reverse("disclosure:detail", kwargs={"disclosure_id": first}), due=questions["d"]))
    return out


def changes(user, since) -> list[Change]:
    n = Question.objects.filter(scope_q(user, roles=VIEW_ROLES, path_field="disclosure__unit__path"),
                                asked_at__gt=since).count()
    return [Change(ngettext("%(n)s new question from villagers", "%(n)s new questions from villagers", n) % {"n": n},
                   n, reverse("disclosure:index"))]
