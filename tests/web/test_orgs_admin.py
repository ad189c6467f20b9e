"""The orgs admin saves through actions (so every change is audited) and never shows the identity hash."""

from datetime import date

import pytest
from django.urls import reverse

from cleangov.accounts.actions import do_create_user
from cleangov.core.models import AuditEvent
from cleangov.orgs.actions import do_add_relation, do_create_person, do_start_post
from cleangov.orgs.models import Person, Post, Relation, Unit


@pytest.fixture
def admin_client(client, county):
    admin = do_create_user(acting_user=None, username="root", password=None, is_superuser=True)
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies["django_language"] = "en"
    client.admin_user = admin
    return client


def test_adding_a_unit_calls_the_action(admin_client, county):
    response = admin_client.post(reverse("admin:orgs_unit_add"), {
        "code": "T1V9", "name": "九村", "name_en": "Village 9", "level": "village",
        "parent": county.townships["a"].pk, "city": "测试市", "active_from": "", "active_to": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = Unit.objects.get(code="T1V9")
    assert unit.path == "/T/T1/T1V9/"
    event = AuditEvent.objects.get(event_code="orgs.unit_created", subject_id=str(unit.pk))
    assert event.actor_id == admin_client.admin_user.pk


def test_changing_a_person_calls_the_action_and_hides_the_hash(admin_client, county):
    person = do_create_person(acting_user=None, code="P-X", name="某人", home_unit=county.villages["a"],
                              identity_number="110101199001019876")
    url = reverse("admin:orgs_person_change", args=[person.pk])
    page = admin_client.get(url).content.decode()
    assert person.id_hash not in page and "**************9876" in page
    response = admin_client.post(url, {
        "code": "P-X", "name": "某人改", "identity_number": "", "gender": "", "party": "none",
        "local_grade": "", "rank": "other", "phone": "", "home_unit": county.villages["a"].pk,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.name == "某人改" and person.id_last4 == "9876"
    event = AuditEvent.objects.get(event_code="orgs.person_updated", subject_id=str(person.pk))
    assert event.before["name"] == "某人" and event.after["name"] == "某人改"
    assert event.actor_id == admin_client.admin_user.pk


def test_ending_a_post_and_removing_a_relation_go_through_actions(admin_client, county):
    a = do_create_person(acting_user=None, code="P-A", name="甲", home_unit=county.villages["a"])
    b = do_create_person(acting_user=None, code="P-B", name="乙", home_unit=county.villages["a"])
    post = do_start_post(acting_user=None, person=a, unit=county.villages["a"], post_type="committee_member",
                         start_date=date(2022, 1, 1))
    response = admin_client.post(reverse("admin:orgs_post_change", args=[post.pk]), {"end_date": "2024-06-30"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Post.objects.get(pk=post.pk).end_date == date(2024, 6, 30)
    assert AuditEvent.objects.filter(event_code="orgs.post_ended", subject_id=str(post.pk)).exists()

    relation = do_add_relation(acting_user=None, person=a, relative=b, kind="sibling")
    response = admin_client.post(reverse("admin:orgs_relation_delete", args=[relation.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Relation.objects.filter(pk=relation.pk).exists()
    assert AuditEvent.objects.filter(event_code="orgs.relation_removed").exists()


def test_units_and_people_cannot_be_deleted_in_the_admin(admin_client, county):
    person = Person.objects.first()
    assert admin_client.get(reverse("admin:orgs_person_delete", args=[person.pk])).status_code == 403
    assert admin_client.get(reverse("admin:orgs_unit_delete", args=[county.villages["a"].pk])).status_code == 403
