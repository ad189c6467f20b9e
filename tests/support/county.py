"""Test helpers shared by every app's tests: a small two-township county and named personas.

Personas follow Zulip's habit: tests ask for ``persona("village_secretary", "a")`` rather than
building users by hand. Side "a" lives in village A of township A, side "b" in village B of
township B, so every in-scope check has an out-of-scope twin.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.hashers import make_password

from cleangov.accounts.actions import do_assign_role, do_create_user
from cleangov.accounts.choices import RoleChoices
from cleangov.orgs.actions import do_create_person, do_create_unit, do_start_post
from cleangov.orgs.choices import PostTypeChoices, UnitLevelChoices

PASSWORD = "Persona-pass-2025"

# Where each role is assigned: the level of the unit it is scoped to.
ROLE_SCOPE_LEVEL = {
    RoleChoices.COUNTY_COMMISSION: "county",
    RoleChoices.COUNTY_LEADER: "county",
    RoleChoices.AUDITOR: "county",
    RoleChoices.SYSADMIN: "county",
    RoleChoices.TOWNSHIP_SECRETARY: "township",
    RoleChoices.TOWNSHIP_LEADER: "township",
    RoleChoices.TOWNSHIP_DISCIPLINE: "township",
    RoleChoices.ACCOUNTANT: "township",
    RoleChoices.DEPARTMENT_HEAD: "department",
    RoleChoices.DEPARTMENT_STAFF: "department",
    RoleChoices.LIAISON_CADRE: "village",
    RoleChoices.VILLAGE_SECRETARY: "village",
    RoleChoices.COMMITTEE_DIRECTOR: "village",
    RoleChoices.SUPERVISION_MEMBER: "village",
    RoleChoices.VILLAGER_REPRESENTATIVE: "village",
}
COUNTY_WIDE_ROLES = {r for r, level in ROLE_SCOPE_LEVEL.items() if level == "county"}
# The optional third side: a second village (with its group) in township A, next to village A.
SIBLING = "sibling"


@dataclass
class FixtureCounty:
    county: object
    townships: dict = field(default_factory=dict)  # side → unit
    villages: dict = field(default_factory=dict)
    groups: dict = field(default_factory=dict)
    departments: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)  # (role, side) → user
    unscoped: dict = field(default_factory=dict)  # role → user holding it WITHOUT the subtree
    system: object = None

    def persona(self, role: str, side: str = "a"):
        if role in COUNTY_WIDE_ROLES:
            side = "a"
        if side == SIBLING and (str(role), side) not in self.users:
            side = "a"  # the sibling village shares everything above the village with side "a"
        return self.users[(str(role), side)]

    def unit(self, level: str, side: str):
        if side == SIBLING and level not in ("village", "group"):
            side = "a"
        return {"township": self.townships, "village": self.villages, "group": self.groups,
                "department": self.departments, "county": {"a": self.county, "b": self.county}}[level][side]


def build_fixture_county() -> FixtureCounty:
    """Create the county, two townships with one village and one villager group each, two
    departments, and one user per role per side (county-wide roles once)."""
    sys = None
    county = do_create_unit(acting_user=sys, code="T", name="测试县", name_en="Test County",
                            level=UnitLevelChoices.COUNTY, city="测试市")
    fc = FixtureCounty(county=county)
    for side, n in (("a", 1), ("b", 2)):
        township = do_create_unit(acting_user=sys, code=f"T{n}", name=f"第{n}镇", name_en=f"Township {n}",
                                  level=UnitLevelChoices.TOWNSHIP, parent=county, city="测试市")
        village = do_create_unit(acting_user=sys, code=f"T{n}V1", name=f"第{n}村", name_en=f"Village {n}",
                                 level=UnitLevelChoices.VILLAGE, parent=township, city="测试市")
        group = do_create_unit(acting_user=sys, code=f"T{n}V1G1", name=f"第{n}村一组", name_en=f"Group {n}-1",
                               level=UnitLevelChoices.GROUP, parent=village, city="测试市")
        department = do_create_unit(acting_user=sys, code=f"D{n}", name=f"第{n}局", name_en=f"Bureau {n}",
                                    level=UnitLevelChoices.DEPARTMENT, parent=county, city="测试市")
        fc.townships[side], fc.villages[side], fc.groups[side], fc.departments[side] = (
            township, village, group, department)
    for role, level in ROLE_SCOPE_LEVEL.items():
        for side in ("a",) if level == "county" else ("a", "b"):
            fc.users[(str(role), side)] = _make_persona(fc, role, fc.unit(level, side), side)
    return fc


def _make_persona(fc: FixtureCounty, role: str, unit, side: str, *, include_subtree: bool = True,
                  key: str | None = None):
    key = key or side
    person = do_create_person(acting_user=None, code=f"P-{role}-{key}", name=f"{role}-{key}",
                              home_unit=unit if unit.level != "county" else fc.villages[side],
                              identity_number=f"11010119800101{len(fc.users) + len(fc.unscoped):04d}")
    do_start_post(acting_user=None, person=person, unit=unit, post_type=_POST_FOR_ROLE[role],
                  start_date=date(2024, 1, 1))
    user = do_create_user(acting_user=None, username=f"{role}_{key}", password=None, person=person)
    # One real Argon2 hash shared by every persona: hashing 27 times would cost seconds per test.
    user.password = _persona_password_hash()
    user.save(update_fields=["password"])
    do_assign_role(acting_user=None, user=user, role=role, unit=unit, include_subtree=include_subtree)
    return user


def add_sibling_village(fc: FixtureCounty) -> FixtureCounty:
    """A second village of township A (side ``SIBLING``) with its group and one persona per village role.

    A village role must not see its sibling's objects although both share a township; a township
    role with the subtree sees both villages.
    """
    township = fc.townships["a"]
    village = do_create_unit(acting_user=None, code="T1V2", name="第1镇二村", name_en="Village 1-2",
                             level=UnitLevelChoices.VILLAGE, parent=township, city="测试市")
    group = do_create_unit(acting_user=None, code="T1V2G1", name="第1镇二村一组", name_en="Group 1-2-1",
                           level=UnitLevelChoices.GROUP, parent=village, city="测试市")
    fc.villages[SIBLING], fc.groups[SIBLING] = village, group
    for role, level in ROLE_SCOPE_LEVEL.items():
        if level == "village":
            fc.users[(str(role), SIBLING)] = _make_persona(fc, role, village, SIBLING)
    return fc


def add_unscoped_personas(fc: FixtureCounty) -> FixtureCounty:
    """One persona per township role on township A WITHOUT the subtree (``fc.unscoped[role]``).

    Such a role sees the township's own objects only, not those of its villages.
    """
    for role, level in ROLE_SCOPE_LEVEL.items():
        if level == "township":
            fc.unscoped[str(role)] = _make_persona(fc, role, fc.townships["a"], "a", include_subtree=False,
                                                   key="a-own")
    return fc


@functools.cache
def _persona_password_hash() -> str:
    return make_password(PASSWORD)


_POST_FOR_ROLE = {
    RoleChoices.COUNTY_COMMISSION: PostTypeChoices.COMMISSION_STAFF,
    RoleChoices.COUNTY_LEADER: PostTypeChoices.COUNTY_PARTY_SECRETARY,
    RoleChoices.AUDITOR: PostTypeChoices.DEPARTMENT_STAFF,
    RoleChoices.SYSADMIN: PostTypeChoices.DEPARTMENT_STAFF,
    RoleChoices.TOWNSHIP_SECRETARY: PostTypeChoices.PARTY_SECRETARY,
    RoleChoices.TOWNSHIP_LEADER: PostTypeChoices.TOWNSHIP_HEAD,
    RoleChoices.TOWNSHIP_DISCIPLINE: PostTypeChoices.DISCIPLINE_SECRETARY,
    RoleChoices.ACCOUNTANT: PostTypeChoices.ACCOUNTANT,
    RoleChoices.DEPARTMENT_HEAD: PostTypeChoices.DEPARTMENT_HEAD,
    RoleChoices.DEPARTMENT_STAFF: PostTypeChoices.DEPARTMENT_STAFF,
    RoleChoices.LIAISON_CADRE: PostTypeChoices.LIAISON_CADRE,
    RoleChoices.VILLAGE_SECRETARY: PostTypeChoices.VILLAGE_PARTY_SECRETARY,
    RoleChoices.COMMITTEE_DIRECTOR: PostTypeChoices.COMMITTEE_DIRECTOR,
    RoleChoices.SUPERVISION_MEMBER: PostTypeChoices.SUPERVISION_MEMBER,
    RoleChoices.VILLAGER_REPRESENTATIVE: PostTypeChoices.VILLAGER_REPRESENTATIVE,
}
