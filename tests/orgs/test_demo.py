"""The deterministic demo county: same seed, same county; logins per role; re-run is a no-op."""

from __future__ import annotations

import stat

import pytest
from django.core.management import call_command

from cleangov.accounts.choices import RoleChoices
from cleangov.accounts.models import RoleAssignment, User
from cleangov.core.audit import verify_chain
from cleangov.core.models import AuditEvent
from cleangov.orgs.demo.build import build_demo, read_password
from cleangov.orgs.demo.generate import generate_demo
from cleangov.orgs.models import Person, Post, Relation, Unit, related_person_ids
from tests.support.county import ROLE_SCOPE_LEVEL

# The post a demo login's person must hold in the unit of the role's scope (or, for county-wide roles
# held by department people, in their department).
POST_FOR_ROLE = {
    RoleChoices.COUNTY_COMMISSION: "commission_staff",
    RoleChoices.COUNTY_LEADER: "county_party_secretary",
    RoleChoices.AUDITOR: "department_staff",
    RoleChoices.SYSADMIN: "department_staff",
    RoleChoices.TOWNSHIP_SECRETARY: "party_secretary",
    RoleChoices.TOWNSHIP_LEADER: "township_head",
    RoleChoices.TOWNSHIP_DISCIPLINE: "discipline_secretary",
    RoleChoices.ACCOUNTANT: "accountant",
    RoleChoices.DEPARTMENT_HEAD: "department_head",
    RoleChoices.DEPARTMENT_STAFF: "department_staff",
    RoleChoices.LIAISON_CADRE: "liaison_cadre",
    RoleChoices.VILLAGE_SECRETARY: "village_party_secretary",
    RoleChoices.COMMITTEE_DIRECTOR: "committee_director",
    RoleChoices.SUPERVISION_MEMBER: "supervision_member",
    RoleChoices.VILLAGER_REPRESENTATIVE: "villager_representative",
}


def fingerprint(data):
    plan = data.plan
    return ([(u.code, u.name, u.name_en, u.parent_code) for u in plan.units],
            [(p.code, p.name, p.id_last4, p.gender, p.party, p.local_grade, p.phone, p.home_unit_code)
             for p in plan.people],
            [(p.person_code, p.unit_code, p.post_type, p.start_date, p.end_date) for p in plan.posts],
            [(r.person_code, r.relative_code, r.kind) for r in plan.relations],
            [(x.role, x.username, x.person_code, x.unit_code) for x in data.logins])


def test_same_seed_gives_the_same_county_and_another_seed_another():
    first, second = generate_demo(seed=7, size="tiny"), generate_demo(seed=7, size="tiny")
    assert fingerprint(first) == fingerprint(second)
    assert fingerprint(generate_demo(seed=8, size="tiny")) != fingerprint(first)


def test_generated_plan_is_valid_and_village_names_unique_within_township():
    data = generate_demo(size="tiny")
    villages = [u for u in data.plan.units if u.level == "village"]
    by_township = {}
    for village in villages:
        by_township.setdefault(village.parent_code, []).append(village.name)
    assert all(len(names) == len(set(names)) for names in by_township.values())
    assert {x.role for x in data.logins} == {str(r) for r in RoleChoices}


@pytest.mark.django_db
def test_demo_build_logins_trail_and_rerun(fast_demo, capsys):
    call_command("demo", "--size", "tiny", "--quiet")
    out = capsys.readouterr().out
    password, note = read_password(Unit.objects.get(code="QH"))
    assert password and not note
    for role in RoleChoices:
        user = User.objects.get(username="commission" if role == RoleChoices.COUNTY_COMMISSION else role.value)
        assert f"\n  {user.username} " in out
        [assignment] = RoleAssignment.objects.filter(user=user)
        assert assignment.role == role and assignment.include_subtree
        assert assignment.unit.level == ROLE_SCOPE_LEVEL[role]
        # Linked to a real person holding the matching post, in the scope unit or (county roles) below it.
        post = Post.objects.get(person=user.person, post_type=POST_FOR_ROLE[role], end_date=None)
        assert post.unit.path.startswith(assignment.unit.path)
        assert user.check_password(password)
    assert out.count(password) == len(RoleChoices)
    assert User.objects.get(username="sysadmin").is_superuser
    assert not User.objects.get(username="commission").is_superuser
    assert stat.S_IMODE((fast_demo / "demo_logins.txt").stat().st_mode) == 0o600
    assert verify_chain()[1] is None

    events = AuditEvent.objects.count()
    call_command("demo", "--size", "tiny", "--quiet")
    again = capsys.readouterr().out
    assert "nothing changed" in again
    assert again.count(password) == len(RoleChoices)
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_planted_conflicts_link_demo_logins(fast_demo):
    build_demo(size="tiny", log=lambda line: None)
    person = {u.username: u.person_id for u in User.objects.all()}
    # The accountant keeps the demo village's books and is an in-law of its secretary.
    assert person["village_secretary"] in related_person_ids([person["accountant"]])
    # The liaison cadre does business with the village committee director.
    assert Relation.objects.filter(person_id=person["liaison_cadre"], relative_id=person["committee_director"],
                                   kind="business_partner").exists()


@pytest.mark.slow
@pytest.mark.django_db
def test_normal_size_meets_the_minimum_counts(fast_demo):
    # Its build time is measured by `cleangov demo` itself (it prints it), not asserted here.
    outcome = build_demo(log=lambda line: None)
    assert outcome.created
    assert Unit.objects.filter(level="county").count() == 1
    assert Unit.objects.filter(level="township").count() >= 12
    assert Unit.objects.filter(level="department").count() >= 15
    assert Unit.objects.filter(level="village").count() >= 150
    for village in Unit.objects.filter(level="village"):
        assert 3 <= village.children.count() <= 8
    assert Person.objects.count() >= 2000
    assert not Person.objects.filter(id_last4="").exists()
    assert set(Unit.objects.values_list("city", flat=True)) == {"南宁市"}
    # Term changes: village heads replaced at the 2021 election, township leaders rotated in 2024/2025.
    assert Post.objects.filter(post_type="village_party_secretary", end_date__year=2021).count() > 10
    assert Post.objects.filter(post_type__in=["party_secretary", "township_head"], end_date__year__in=[2024, 2025])
    assert Relation.objects.count() > 500
    assert Relation.objects.filter(kind="business_partner").exists()
    assert verify_chain()[1] is None
