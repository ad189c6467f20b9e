"""Roll-down of township items to the villages, with the village party secretary as second responsible."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from cleangov.deadlines.api import deadlines_for
from cleangov.duties.access import access_duty_item_by_id
from cleangov.duties.actions import do_roll_down_duty_item
from cleangov.duties.models import DutyItem
from cleangov.orgs.actions import do_create_unit

pytestmark = pytest.mark.django_db


def test_roll_down_creates_one_assigned_item_per_village(county, make_item):
    extra = do_create_unit(acting_user=None, code="T1V2", name="第1镇二村", level="village",
                           parent=county.townships["a"], city="测试市")
    item = make_item()
    result = do_roll_down_duty_item(item, acting_user=county.persona("township_secretary"))
    assert [c.unit for c in result.created] == [county.villages["a"]]
    assert result.no_secretary == [extra]  # nobody holds the post there: reported, not invented
    child = result.created[0]
    assert child.parent == item and child.status == "assigned" and child.responsibility == "second_responsible"
    assert child.lead_person == county.persona("village_secretary").person
    assert child.key_point == item.key_point and child.due_date == item.due_date
    assert deadlines_for(child).get().assignee == county.persona("village_secretary")
    # Idempotent: a second roll-down adds nothing.
    again = do_roll_down_duty_item(item, acting_user=None)
    assert not again.created and again.already == [county.villages["a"]]
    assert DutyItem.objects.filter(parent=item).count() == 1


def test_only_assigned_township_items_roll_down(county, make_item):
    with pytest.raises(ValidationError):
        do_roll_down_duty_item(make_item(assign=False), acting_user=None)
    village_item = make_item(level="village", lead_role="village_secretary", actor_role="village_secretary")
    with pytest.raises(ValidationError):
        do_roll_down_duty_item(village_item, acting_user=None)


def test_who_sees_rolled_down_items(county, make_item):
    item = make_item(lead_role="township_leader")
    child = do_roll_down_duty_item(item, acting_user=None).created[0]
    # The township leader follows the roll-down of their own item; the village secretary leads it.
    assert access_duty_item_by_id(county.persona("township_leader"), child.pk)
    assert access_duty_item_by_id(county.persona("village_secretary"), child.pk)
    # The committee director (a member) does not lead it; the other side's village never sees it.
    for user in (county.persona("committee_director"), county.persona("village_secretary", "b")):
        with pytest.raises(Http404):
            access_duty_item_by_id(user, child.pk)


def test_roll_down_through_the_page(county, make_item, login):
    item = make_item()
    client = login(county.persona("township_secretary"))
    response = client.post(reverse("duties:item_rolldown", args=[item.pk]))
    assert response.status_code == 302
    assert item.children.count() == 1
    # A township leader cannot roll down (manage only): 404.
    client = login(county.persona("township_leader"))
    assert client.post(reverse("duties:item_rolldown", args=[item.pk])).status_code == 404
