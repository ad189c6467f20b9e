"""Village democracy's lines of the home page's "To do today" and "Since your last visit" (core.todo; declared
in apps.py). The clocks of a village's concerns and monthly reviews belong to the village, not to one person,
so they are listed here for whoever holds the role that acts on them:

- village leaders and the liaison cadre: the villagers' concerns still open, each by the date promised;
- supervision committee members: the month's voucher review of their village, by its due date;
- the accountant and village leaders: voucher lines the financial management group queried, to answer.

Four queries at most.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cleangov.core.access import scope_q
from cleangov.core.declarations import Change, Todo

from .access import ANSWER_ROLES, CONCERN_RECORD_ROLES, REVIEW_ROLES, visible_concerns
from .choices import ConcernStatusChoices, ReviewStatusChoices, ReviewVerdictChoices
from .models import Concern, MonthlyReview, ReviewLine

LIMIT = 10


def todos(user) -> list[Todo]:
    out = []
    concerns = (Concern.objects.filter(scope_q(user, roles=CONCERN_RECORD_ROLES), status=ConcernStatusChoices.OPEN)
                .select_related("unit").order_by("promised_by", "pk")[:LIMIT])
    for concern in concerns:
        out.append(Todo(_("Answer the villagers' concern %(code)s") % {"code": concern.code},
                        reverse("democracy:concern_detail", kwargs={"concern_id": concern.pk}),
                        due=concern.promised_by, detail=concern.unit.name))
    reviews = (MonthlyReview.objects.filter(scope_q(user, roles=REVIEW_ROLES), status=ReviewStatusChoices.OPEN)
               .select_related("unit").order_by("due_date", "pk")[:LIMIT])
    for review in reviews:
        out.append(Todo(_("Review the vouchers of %(month)s") % {"month": review.month.strftime("%Y-%m")},
                        reverse("democracy:review_detail", kwargs={"review_id": review.pk}),
                        due=review.due_date, detail=review.unit.name))
    queried = ReviewLine.objects.filter(scope_q(user, roles=ANSWER_ROLES, path_field="review__unit__path"),
                                        verdict=ReviewVerdictChoices.QUERIED)
    first = queried.order_by("review__due_date", "pk").values_list("review_id", flat=True).first()
    if first:
        n = queried.count()
        out.append(Todo(ngettext("%(n)s voucher line queried by the financial management group: answer it",
                                 "%(n)s voucher lines queried by the financial management group: answer them",
                                 n) % {"n": n},
                        reverse("democracy:review_detail", kwargs={"review_id": first})))
    return out


def changes(user, since) -> list[Change]:
    n = visible_concerns(user).filter(created_at__gt=since).count()
    return [Change(ngettext("%(n)s new villagers' concern", "%(n)s new villagers' concerns", n) % {"n": n}, n,
                   reverse("democracy:index"))]
