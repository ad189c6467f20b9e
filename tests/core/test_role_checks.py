"""The shared role checks of cleangov.core.access, which every app's gates and pages use."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from cleangov.accounts.choices import RoleChoices as R
from cleangov.core.access import assignments_with, has_role, require_role, roles_over

pytestmark = pytest.mark.django_db


def test_has_role_and_require_role(county):
    secretary = county.persona("township_secretary", "a")
    assert has_role(secretary, {R.TOWNSHIP_SECRETARY, R.AUDITOR})
    assert not has_role(secretary, {R.AUDITOR})
    require_role(secretary, [R.TOWNSHIP_SECRETARY])
    with pytest.raises(Http404):
        require_role(secretary, [R.AUDITOR])
    with pytest.raises(Http404):
        require_role(AnonymousUser(), [R.TOWNSHIP_SECRETARY])
    assert not has_role(AnonymousUser(), set(R.values))


def test_roles_over_a_unit_follow_the_subtree(county):
    secretary = county.persona("township_secretary", "a")
    assert roles_over(secretary, county.villages["a"]) == {R.TOWNSHIP_SECRETARY}  # below the township
    assert roles_over(secretary, county.townships["a"]) == {R.TOWNSHIP_SECRETARY}  # the township itself
    assert roles_over(secretary, county.villages["b"]) == set()  # the other township
    assert roles_over(secretary, county.county) == set()  # above the assignment
    assert roles_over(AnonymousUser(), county.villages["a"]) == set()


def test_assignments_with(county):
    secretary = county.persona("township_secretary", "a")
    assert [a.unit for a in assignments_with(secretary, {R.TOWNSHIP_SECRETARY})] == [county.townships["a"]]
    assert assignments_with(secretary, {R.AUDITOR}) == []
    assert assignments_with(AnonymousUser(), {R.AUDITOR}) == []
