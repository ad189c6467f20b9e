"""The pages, through HTTP: who sees what, forms that create and move things."""

from datetime import date

import pytest
from django.urls import reverse

from cleangov.duties.models import AnnualKeyPoints, DutyItem

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def test_county_drafts_and_publishes_key_points(county, login):
    client = login(county.persona("county_commission"))
    response = client.post(reverse("duties:keypoints_list"), {"year": 2030, "title": "2030年工作要点"})
    doc = AnnualKeyPoints.objects.get(year=2030)
    assert response.status_code == 302 and doc.status == "draft"
    url = reverse("duties:keypoints_detail", args=[doc.pk])
    client.post(url, {"title": "压实“两个责任”", "text": "..."})
    client.post(reverse("duties:keypoints_publish", args=[doc.pk]))
    doc.refresh_from_db()
    assert doc.status == "published" and doc.points.count() == 1
    # A township cannot draft key points; it reads the published ones on the list.
    township = login(county.persona("township_secretary"))
    assert township.post(reverse("duties:keypoints_list"), {"year": 2029, "title": "x"}).status_code == 404
    page = township.get(reverse("duties:keypoints_list")).content.decode()
    assert "压实“两个责任”" in page


def test_drafts_are_hidden_from_townships(county, login):
    client = login(county.persona("county_commission"))
    client.post(reverse("duties:keypoints_list"), {"year": 2030, "title": "草稿要点"})
    assert "草稿要点" not in login(county.persona("township_secretary")).get(
        reverse("duties:keypoints_list")).content.decode()


def test_township_decomposes_a_key_point_for_a_leader(county, key_point, login):
    client = login(county.persona("township_secretary"))
    url = reverse("duties:unit_plan", args=[county.townships["a"].pk, YEAR])
    page = client.get(url)
    assert page.status_code == 200 and key_point.title in page.content.decode()
    response = client.post(url, {
        "key_point": key_point.pk, "title": "督促分管领域落实谈心谈话制度",
        "lead_person": county.persona("township_leader").person_id, "lead_unit": county.townships["a"].pk,
        "due_date": f"{YEAR}-10-31", "expected_evidence": "谈话记录", "assign": "on"})
    item = DutyItem.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("duties:item_detail", args=[item.pk])
    assert (item.status, item.lead_person, item.due_date) == (
        "assigned", county.persona("township_leader").person, date(YEAR, 10, 31))
    # A leader of another unit cannot be chosen.
    response = client.post(url, {"title": "x", "lead_person": county.persona("township_leader", "b").person_id,
                                 "due_date": f"{YEAR}-10-31", "expected_evidence": "y"})
    assert response.status_code == 200 and DutyItem.objects.count() == 1
    # A team member cannot add items.
    member = login(county.persona("township_leader"))
    assert member.post(url, {"title": "x"}).status_code == 404


def test_member_sees_own_items_in_the_unit_list(county, make_item, login):
    make_item(lead_role="township_leader")
    DutyItem.objects.filter(pk=make_item(lead_role="township_secretary").pk).update(title="书记本人的责任")
    url = reverse("duties:unit_plan", args=[county.townships["a"].pk, YEAR])
    member_page = login(county.persona("township_leader")).get(url).content.decode()
    assert "每季度听取分管领域党风廉政建设情况汇报" in member_page and "书记本人的责任" not in member_page
    secretary_page = login(county.persona("township_secretary")).get(url).content.decode()
    assert "书记本人的责任" in secretary_page


def test_my_duties_lists_own_items_and_letters_to_sign(county, make_item, login):
    from cleangov.duties.actions import do_generate_letters

    make_item(lead_role="township_leader")
    (letter,), _ = do_generate_letters(county.townships["a"], YEAR, acting_user=None)
    page = login(county.persona("township_leader")).get(reverse("duties:my_duties")).content.decode()
    assert "每季度听取分管领域党风廉政建设情况汇报" in page
    assert reverse("duties:letter_detail", args=[letter.pk]) in page
    other = login(county.persona("township_leader", "b")).get(reverse("duties:my_duties")).content.decode()
    assert "每季度听取分管领域党风廉政建设情况汇报" not in other


def test_transitions_over_http(county, make_item, login):
    item = make_item(lead_role="township_leader")
    lead = login(county.persona("township_leader"))
    step = reverse("duties:item_transition", args=[item.pk, "complete"])
    lead.post(step)  # refused: no progress yet (message, no change)
    item.refresh_from_db()
    assert item.status == "assigned"
    lead.post(reverse("duties:item_progress", args=[item.pk]), {"text": "已完成"})
    lead.post(step)
    item.refresh_from_db()
    assert item.status == "done"
    # The lead cannot verify their own item: 404.
    assert lead.post(reverse("duties:item_transition", args=[item.pk, "verify"])).status_code == 404
    verifier = login(county.persona("township_discipline"))
    assert verifier.post(reverse("duties:item_transition", args=[item.pk, "verify"])).status_code == 302
    item.refresh_from_db()
    assert item.status == "verified"
    assert verifier.post(reverse("duties:item_transition", args=[item.pk, "nonsense"])).status_code == 404


def test_pages_render(county, make_item, login):
    item = make_item()
    client = login(county.persona("county_commission"))
    for url in (reverse("duties:my_duties"), reverse("duties:letter_list"), reverse("duties:keypoints_list"),
                reverse("duties:item_detail", args=[item.pk]),
                reverse("duties:unit_plan", args=[county.county.pk, YEAR])):
        assert client.get(url).status_code == 200, url
