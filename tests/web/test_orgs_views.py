"""The organisation pages over HTTP: tree, search, children partial, unit page, person page."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cleangov.accounts.choices import RoleChoices as R
from cleangov.orgs.actions import do_add_relation, do_create_person, do_create_unit, do_end_post, do_start_post
from cleangov.orgs.choices import PostTypeChoices, RelationKindChoices, UnitLevelChoices
from cleangov.orgs.models import Unit


@pytest.fixture(autouse=True)
def english(client):
    """Assertions read the English UI; the county's default language is Chinese."""
    client.cookies["django_language"] = "en"


def _html(response) -> str:
    return response.content.decode()


def test_anonymous_is_sent_to_login(client, county):
    response = client.get(reverse("orgs:tree"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_village_user_sees_own_village_under_ancestor_names_only(county, persona, login):
    client = login(persona(R.VILLAGE_SECRETARY, "a"))
    html = _html(client.get(reverse("orgs:tree")))
    village, township = county.villages["a"], county.townships["a"]
    assert reverse("orgs:unit_detail", args=[village.pk]) in html
    # The township and county are named above the village, but never linked.
    assert township.name_en in html and county.county.name_en in html
    assert reverse("orgs:unit_detail", args=[township.pk]) not in html
    assert county.villages["b"].name_en not in html
    # Ancestor pages stay closed: only the name is shown.
    assert client.get(reverse("orgs:unit_detail", args=[township.pk])).status_code == 404
    assert client.get(reverse("orgs:unit_detail", args=[county.county.pk])).status_code == 404


def test_breadcrumbs_link_only_units_in_scope(county, persona, login):
    client = login(persona(R.VILLAGE_SECRETARY, "a"))
    group = county.groups["a"]
    html = _html(client.get(reverse("orgs:unit_detail", args=[group.pk])))
    assert county.townships["a"].name_en in html
    assert reverse("orgs:unit_detail", args=[county.villages["a"].pk]) in html
    assert reverse("orgs:unit_detail", args=[county.townships["a"].pk]) not in html

    township_client = login(persona(R.TOWNSHIP_DISCIPLINE, "a"))
    html = _html(township_client.get(reverse("orgs:unit_detail", args=[group.pk])))
    assert reverse("orgs:unit_detail", args=[county.townships["a"].pk]) in html
    assert reverse("orgs:unit_detail", args=[county.county.pk]) not in html


def test_children_partial_lists_visible_children_with_counts(county, persona, login):
    client = login(persona(R.TOWNSHIP_LEADER, "a"))
    response = client.get(reverse("orgs:unit_children", args=[county.townships["a"].pk]), HTTP_HX_REQUEST="true")
    html = _html(response)
    assert response.status_code == 200
    assert "<html" not in html
    assert county.villages["a"].name_en in html
    assert "1 unit below" in html  # the village has its villager group below it
    assert client.get(reverse("orgs:unit_children", args=[county.townships["b"].pk])).status_code == 404


def test_search_is_limited_to_scope_and_works_with_and_without_htmx(county, persona, login):
    client = login(persona(R.TOWNSHIP_DISCIPLINE, "a"))
    html = _html(client.get(reverse("orgs:tree"), {"q": "Village"}))
    assert county.villages["a"].name_en in html
    assert county.villages["b"].name_en not in html
    partial = client.get(reverse("orgs:tree"), {"q": "T1V1"}, HTTP_HX_REQUEST="true",
                         HTTP_HX_TARGET="unit-search-results")
    text = _html(partial)
    assert "<html" not in text
    assert county.villages["a"].name_en in text and county.groups["a"].name_en in text
    assert county.villages["b"].name_en not in _html(client.get(reverse("orgs:tree"), {"q": "T2"}))


def test_tree_queries_do_not_grow_with_the_number_of_units(county, persona, login):
    """No N+1: the children partial and search cost the same with 2 or 2,000 children, and the
    pages answer well under a second with 2,000 units below one township."""
    client = login(persona(R.COUNTY_COMMISSION))
    township = county.townships["a"]
    url = reverse("orgs:unit_children", args=[township.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    with CaptureQueriesContext(connection) as search_few:
        client.get(reverse("orgs:tree"), {"q": "测试村"})
    # Bulk rows for speed: this measures reading, not the create action (which has its own tests).
    Unit.objects.bulk_create([
        Unit(code=f"T1X{i:04d}", name=f"测试村{i}", level=UnitLevelChoices.VILLAGE, parent=township,
             path=f"{township.path}T1X{i:04d}/", depth=2, city="测试市")
        for i in range(2000)
    ])
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as search_many:
        response = client.get(reverse("orgs:tree"), {"q": "测试村"})
    assert "测试村1999" not in response.content.decode()  # capped at the search limit
    assert len(search_many) == len(search_few)
    # Speed is for benchmarks; here the pages must answer at this size with the fixed query counts above.
    for page in (reverse("orgs:tree"), url, reverse("orgs:unit_detail", args=[township.pk])):
        assert client.get(page).status_code == 200


def _make_history(county):
    village = county.villages["a"]
    old = do_create_person(acting_user=None, code="P-OLD", name="老书记", home_unit=village,
                           identity_number="110101196001011234", phone="13800001234")
    post = do_start_post(acting_user=None, person=old, unit=village,
                         post_type=PostTypeChoices.COMMITTEE_DIRECTOR, start_date=date(2018, 1, 1))
    do_end_post(post, acting_user=None, end_date=date(2020, 12, 31))
    new = do_create_person(acting_user=None, code="P-NEW", name="新主任", home_unit=village)
    do_start_post(acting_user=None, person=new, unit=village,
                  post_type=PostTypeChoices.COMMITTEE_DIRECTOR, start_date=date(2021, 1, 1))
    return old, new


def test_unit_page_shows_current_holders_history_and_held_on(county, persona, login):
    _make_history(county)
    client = login(persona(R.VILLAGE_SECRETARY, "a"))
    url = reverse("orgs:unit_detail", args=[county.villages["a"].pk])
    html = _html(client.get(url))
    current = html.split("Post history")[0]
    assert "新主任" in current and "老书记" not in current.split("Who held")[0]
    assert "老书记" in html and "2020-12-31" in html  # ended post in the history
    assert "**************1234" in html and "110101196001011234" not in html

    on_2019 = _html(client.get(url, {"on": "2019-06-01", "post_type": PostTypeChoices.COMMITTEE_DIRECTOR}))
    section = on_2019.split('id="held-on"')[1].split("Post history")[0]
    assert "老书记" in section and "新主任" not in section
    on_2022 = _html(client.get(url, {"on": "2022-06-01"}))
    section = on_2022.split('id="held-on"')[1].split("Post history")[0]
    assert "新主任" in section and "老书记" not in section


def test_person_page_masks_identity_and_phone_by_role(county, persona, login):
    old, _new = _make_history(county)
    url = reverse("orgs:person_detail", args=[old.pk])
    village_html = _html(login(persona(R.VILLAGE_SECRETARY, "a")).get(url))
    assert "**************1234" in village_html and "110101196001011234" not in village_html
    assert "13800001234" not in village_html and "*******1234" in village_html
    commission_html = _html(login(persona(R.COUNTY_COMMISSION)).get(url))
    assert "13800001234" in commission_html
    township_html = _html(login(persona(R.TOWNSHIP_DISCIPLINE, "a")).get(url))
    assert "13800001234" in township_html
    # The other township's discipline secretary cannot open the page at all.
    assert login(persona(R.TOWNSHIP_DISCIPLINE, "b")).get(url).status_code == 404


def test_person_page_shows_posts_across_units_and_relations_both_ways(county, persona, login):
    parent = do_create_person(acting_user=None, code="P-PARENT", name="父亲", home_unit=county.villages["a"])
    child = do_create_person(acting_user=None, code="P-CHILD", name="儿子", home_unit=county.villages["b"])
    # The child lives in village B but holds a post in village A: visible from village A.
    do_start_post(acting_user=None, person=child, unit=county.villages["a"],
                  post_type=PostTypeChoices.COMMITTEE_MEMBER, start_date=timezone.localdate() - timedelta(days=10))
    do_start_post(acting_user=None, person=child, unit=county.villages["b"],
                  post_type=PostTypeChoices.GROUP_LEADER, start_date=date(2020, 1, 1))
    do_add_relation(acting_user=None, person=parent, relative=child, kind=RelationKindChoices.PARENT)

    client = login(persona(R.VILLAGE_SECRETARY, "a"))
    child_html = _html(client.get(reverse("orgs:person_detail", args=[child.pk])))
    # "父亲 is 儿子's parent", read from the child's side.
    assert "父亲" in child_html and "儿子's parent" in child_html
    assert reverse("orgs:person_detail", args=[parent.pk]) in child_html
    # Both posts listed; only the unit in scope is linked.
    assert county.villages["b"].name_en in child_html
    assert reverse("orgs:unit_detail", args=[county.villages["a"].pk]) in child_html
    assert reverse("orgs:unit_detail", args=[county.villages["b"].pk]) not in child_html

    parent_html = _html(client.get(reverse("orgs:person_detail", args=[parent.pk])))
    assert "儿子" in parent_html and "父亲's child" in parent_html

    # From village B the parent is out of scope (home village A, no post in B): named, not linked.
    b_client = login(persona(R.VILLAGE_SECRETARY, "b"))
    b_html = _html(b_client.get(reverse("orgs:person_detail", args=[child.pk])))
    assert "父亲" in b_html and reverse("orgs:person_detail", args=[parent.pk]) not in b_html
    assert b_client.get(reverse("orgs:person_detail", args=[parent.pk])).status_code == 404


@pytest.mark.parametrize("role", [R.SYSADMIN, R.AUDITOR, R.COUNTY_LEADER])
def test_county_wide_roles_browse_the_whole_tree(county, persona, login, role):
    client = login(persona(role))
    for unit in (county.county, county.townships["b"], county.villages["b"], county.departments["a"]):
        assert client.get(reverse("orgs:unit_detail", args=[unit.pk])).status_code == 200


def test_department_user_sees_only_the_department(county, persona, login):
    client = login(persona(R.DEPARTMENT_STAFF, "a"))
    assert client.get(reverse("orgs:unit_detail", args=[county.departments["a"].pk])).status_code == 200
    assert client.get(reverse("orgs:unit_detail", args=[county.departments["b"].pk])).status_code == 404
    assert client.get(reverse("orgs:unit_detail", args=[county.villages["a"].pk])).status_code == 404


def test_assignment_without_subtree_shows_no_children(county, login):
    from cleangov.accounts.actions import do_assign_role, do_create_user

    user = do_create_user(acting_user=None, username="only_township", password=None)
    do_assign_role(acting_user=None, user=user, role=R.TOWNSHIP_LEADER, unit=county.townships["a"],
                   include_subtree=False)
    client = login(user)
    assert client.get(reverse("orgs:unit_detail", args=[county.townships["a"].pk])).status_code == 200
    assert client.get(reverse("orgs:unit_detail", args=[county.villages["a"].pk])).status_code == 404
    html = _html(client.get(reverse("orgs:tree")))
    assert "unit below" not in html


def test_unit_created_under_scope_appears(county, persona, login):
    new = do_create_unit(acting_user=None, code="T1V2", name="新村", name_en="New Village",
                         level=UnitLevelChoices.VILLAGE, parent=county.townships["a"], city="测试市")
    client = login(persona(R.TOWNSHIP_SECRETARY, "a"))
    html = _html(client.get(reverse("orgs:tree"), {"q": "new village"}))
    assert reverse("orgs:unit_detail", args=[new.pk]) in html


def test_user_without_roles_sees_an_empty_tree(county, login):
    from cleangov.accounts.actions import do_create_user

    client = login(do_create_user(acting_user=None, username="no_roles", password=None))
    response = client.get(reverse("orgs:tree"), {"q": "T1"})
    assert response.status_code == 200
    html = _html(response)
    assert "You have no role assignment" in html and "No unit in your scope matches." in html
    assert client.get(reverse("orgs:unit_detail", args=[county.villages["a"].pk])).status_code == 404
    assert client.get(reverse("core:audit_event_list")).status_code == 404
