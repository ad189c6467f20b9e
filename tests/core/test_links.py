"""core.links: a link into another app's page is followable only when the owning app's declared gate
answers it for the reader; unknown pages and pages without a gate are not."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from cleangov.core.declarations import link_gates
from cleangov.core.links import followable, link_if_followable

pytestmark = pytest.mark.django_db


def test_every_declared_gate_names_a_page_with_its_argument():
    gates = link_gates()
    assert {"duties:letter_detail", "finance:finding_detail", "rectification:item_detail",
            "ledgers:unit_book", "democracy:appraisal_detail"} <= set(gates)
    for name, gate in gates.items():
        assert reverse(name, kwargs={gate.kwarg: 1})


def test_followable_asks_the_gate_once_per_page(county, django_assert_max_num_queries):
    village, other = county.villages["a"], county.villages["b"]
    mine = reverse("ledgers:unit_book", kwargs={"unit_id": village.pk}) + "?year=2026"
    theirs = reverse("ledgers:unit_book", kwargs={"unit_id": other.pk})
    unknown = "/no/such/page/"
    ungated = reverse("core:home")
    user = county.persona("village_secretary")
    urls = [mine, theirs, unknown, ungated, reverse("ledgers:unit_completeness", kwargs={"unit_id": village.pk})]
    with django_assert_max_num_queries(6):
        allowed = followable(user, urls)
    assert allowed == {mine, urls[-1]}
    assert link_if_followable(user, theirs) == "" and link_if_followable(user, mine) == mine
    assert followable(AnonymousUser(), [mine]) == set()
