"""The synthetic county as an import plan: pure Python, no database, the same plan for the same seed.

Everything is drawn from one seeded ``random.Random`` in a fixed order, and the dates are fixed
calendar dates (not "today"), so two runs with the same seed and size give identical names,
codes, identity numbers and posts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from cleangov.accounts.choices import RoleChoices
from cleangov.orgs.actions import hash_identity_number
from cleangov.orgs.choices import (
    PersonGenderChoices,
    PersonPartyChoices,
    PostTypeChoices,
    RelationKindChoices,
    UnitLevelChoices,
)
from cleangov.orgs.importing.plan import OrgImportPlan, PersonRow, PostRow, RelationRow, UnitRow
from cleangov.orgs.importing.values import identity_check_character

from . import names
from .names import AGRICULTURE_BUREAU, AUDIT_BUREAU, COMMISSION, GENERAL_OFFICE

DEFAULT_SEED = 20210115
COUNTY_CODE = "QH"
REFERENCE_YEAR = 2025  # ages are counted from here, not from today, so the data never drifts
MALE, FEMALE = PersonGenderChoices.MALE, PersonGenderChoices.FEMALE
MEMBER, NONE = PersonPartyChoices.MEMBER, PersonPartyChoices.NONE


@dataclass(frozen=True)
class DemoSize:
    townships: int
    villages: int
    departments: int
    groups: tuple[int, int]  # villager groups per village
    representatives: tuple[int, int]  # villager representatives per village


SIZES = {
    # "tiny" is for tests: every kind of unit, post, login and planted conflict, in a few hundred rows.
    "tiny": DemoSize(townships=3, villages=7, departments=5, groups=(1, 2), representatives=(2, 3)),
    "normal": DemoSize(townships=12, villages=156, departments=16, groups=(3, 8), representatives=(5, 9)),
    "large": DemoSize(townships=20, villages=480, departments=18, groups=(3, 8), representatives=(7, 12)),
}


@dataclass
class LoginSpec:
    role: str
    username: str
    person_code: str
    unit_code: str  # where the role is assigned (with its subtree)


@dataclass
class DemoData:
    plan: OrgImportPlan
    logins: list[LoginSpec] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # planted conflict-of-interest pairs, described


# Usernames of the demo logins: the role code, except the commission's shorter name.
USERNAMES = {role: role.value for role in RoleChoices} | {RoleChoices.COUNTY_COMMISSION: "commission"}

GRADE_COUNTY, GRADE_COUNTY_DEPUTY = "县处级正职", "县处级副职"
GRADE_SECTION, GRADE_SECTION_DEPUTY = "乡科级正职", "乡科级副职"
GRADE_CLERK, GRADE_OFFICER, GRADE_VILLAGE, GRADE_NONE = "科员", "办事员", "村干部", "无"


class _Generator:
    def __init__(self, seed: int, size: str):
        self.rng = random.Random(seed)  # noqa: S311 - seeded, reproducible demo data, not cryptography
        self.size = SIZES[size]
        self.plan = OrgImportPlan()
        self.data = DemoData(plan=self.plan)
        self.identity_numbers: set[str] = set()
        self.sequence = 0
        self.surnames = [s for s, _w in names.SURNAMES]
        self.weights = [w for _s, w in names.SURNAMES]
        self.people: dict[str, PersonRow] = {}
        self.related: set[frozenset] = set()
        self.spouses: dict[str, PersonRow] = {}

    # --- building blocks -----------------------------------------------------------------------
    def day(self, year: int, month: int, first: int = 1, last: int = 28) -> date:
        return date(year, month, self.rng.randint(first, last))

    def unit(self, code, name, name_en, level, parent_code="", city="") -> UnitRow:
        row = UnitRow(code=code, name=name, name_en=name_en, level=level, parent_code=parent_code, city=city)
        self.plan.units.append(row)
        return row

    def name(self, gender: str, surname: str | None = None) -> str:
        surname = surname or self.rng.choices(self.surnames, self.weights)[0]
        pool = names.GIVEN_MALE if gender == MALE else names.GIVEN_FEMALE
        length = 2 if self.rng.random() < 0.6 else 1
        return surname + "".join(self.rng.choice(pool) for _ in range(length))

    def identity_number(self, gender: str, age: int) -> str:
        while True:
            born = date(REFERENCE_YEAR - age, self.rng.randint(1, 12), self.rng.randint(1, 28))
            # The sequence code's last digit is odd for men, even for women (GB 11643-1999).
            sequence = self.rng.randrange(0, 500) * 2 + (1 if gender == MALE else 0)
            first17 = f"{names.AREA_CODE}{born:%Y%m%d}{sequence:03d}"
            number = first17 + identity_check_character(first17)
            if number not in self.identity_numbers:
                self.identity_numbers.add(number)
                return number

    def person(self, home: str, *, gender: str | None = None, age: tuple[int, int] = (25, 58),
               party: float = 0.3, grade: str = "", surname: str | None = None, male: float = 0.5) -> PersonRow:
        gender = gender or (MALE if self.rng.random() < male else FEMALE)
        years = self.rng.randint(*age)
        number = self.identity_number(gender, years)
        self.sequence += 1
        phone = self.rng.choice(names.PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
        row = PersonRow(code=f"{COUNTY_CODE}-P{self.sequence:05d}", name=self.name(gender, surname),
                        id_hash=hash_identity_number(number), id_last4=number[-4:], gender=gender,
                        party=MEMBER if self.rng.random() < party else NONE, local_grade=grade, phone=phone,
                        home_unit_code=home)
        self.plan.people.append(row)
        self.people[row.code] = row
        return row

    def post(self, person: PersonRow, unit_code: str, post_type: str, start: date, end: date | None = None) -> None:
        self.plan.posts.append(PostRow(person_code=person.code, unit_code=unit_code, post_type=post_type,
                                       start_date=start, end_date=end))

    def relate(self, person: PersonRow, relative: PersonRow, kind: str) -> bool:
        pair = frozenset((person.code, relative.code))
        if person.code == relative.code or pair in self.related:
            return False
        self.related.add(pair)
        self.plan.relations.append(RelationRow(person_code=person.code, relative_code=relative.code, kind=kind))
        return True

    def spouse_of(self, person: PersonRow, home: str) -> PersonRow:
        """The person's spouse, created on first use (one spouse each)."""
        if person.code not in self.spouses:
            gender = FEMALE if person.gender == MALE else MALE
            spouse = self.person(home, gender=gender, age=(30, 60), party=0.15, grade=GRADE_NONE)
            self.relate(person, spouse, RelationKindChoices.SPOUSE)
            self.spouses[person.code] = spouse
            self.spouses[spouse.code] = person
        return self.spouses[person.code]

    def sibling_of(self, person: PersonRow, home: str, **kwargs) -> PersonRow:
        kwargs.setdefault("grade", GRADE_NONE)
        sibling = self.person(home, surname=person.name[0], **kwargs)
        self.relate(person, sibling, RelationKindChoices.SIBLING)
        return sibling

    def login(self, role: str, person: PersonRow, unit_code: str) -> None:
        self.data.logins.append(LoginSpec(role=str(role), username=USERNAMES[role], person_code=person.code,
                                          unit_code=unit_code))

    # --- the county ----------------------------------------------------------------------------
    def build(self) -> DemoData:
        county = self.unit(COUNTY_CODE, names.COUNTY[0], names.COUNTY[1], UnitLevelChoices.COUNTY, city=names.CITY)
        secretary = self.person(county.code, age=(45, 55), party=1, grade=GRADE_COUNTY, male=0.8)
        self.post(secretary, county.code, PostTypeChoices.COUNTY_PARTY_SECRETARY, self.day(2021, 6))
        head = self.person(county.code, age=(42, 54), party=1, grade=GRADE_COUNTY, male=0.7)
        self.post(head, county.code, PostTypeChoices.COUNTY_HEAD, self.day(2022, 1))
        self.login(RoleChoices.COUNTY_LEADER, secretary, county.code)
        departments = self.build_departments(county.code)
        self.village_counts = self.villages_per_township()
        townships = [self.build_township(county.code, i) for i in range(self.size.townships)]
        self.plant_conflicts(departments, townships)
        self.business_partners(townships)
        return self.data

    def build_departments(self, county: str) -> list[dict]:
        out = []
        for i, (name, name_en) in enumerate(names.DEPARTMENTS[:self.size.departments]):
            code = f"{county}-D{i + 1:02d}"
            self.unit(code, name, name_en, UnitLevelChoices.DEPARTMENT, county)
            info = {"code": code, "staff": []}
            if i == COMMISSION:
                # The commission secretary sits on the county standing committee: a deputy county-level cadre.
                info["head"] = self.person(code, age=(45, 55), party=1, grade=GRADE_COUNTY_DEPUTY, male=0.7)
                self.post(info["head"], code, PostTypeChoices.COMMISSION_SECRETARY, self.day(2021, 9))
                for _ in range(4):
                    staff = self.person(code, age=(26, 50), party=1, grade=self.rng.choice(
                        [GRADE_SECTION_DEPUTY, GRADE_CLERK]))
                    self.post(staff, code, PostTypeChoices.COMMISSION_STAFF, self.day(self.rng.randint(2019, 2023), 3))
                    info["staff"].append(staff)
                self.login(RoleChoices.COUNTY_COMMISSION, info["staff"][0], county)
            else:
                info["head"] = self.person(code, age=(40, 56), party=1, grade=GRADE_SECTION, male=0.7)
                start = self.day(self.rng.randint(2020, 2023), 4)
                self.post(info["head"], code, PostTypeChoices.DEPARTMENT_HEAD, start)
                if self.rng.random() < 0.5:
                    deputy = self.person(code, age=(35, 52), party=0.9, grade=GRADE_SECTION_DEPUTY)
                    self.post(deputy, code, PostTypeChoices.DEPUTY, self.day(2022, 5))
                for _ in range(self.rng.randint(2, 4)):
                    staff = self.person(code, age=(24, 55), party=0.6, grade=self.rng.choice(
                        [GRADE_CLERK, GRADE_CLERK, GRADE_OFFICER]))
                    self.post(staff, code, PostTypeChoices.DEPARTMENT_STAFF, self.day(self.rng.randint(2015, 2024), 7))
                    info["staff"].append(staff)
            out.append(info)
        self.login(RoleChoices.SYSADMIN, out[GENERAL_OFFICE]["staff"][0], county)
        self.login(RoleChoices.AUDITOR, out[AUDIT_BUREAU]["staff"][0], county)
        self.login(RoleChoices.DEPARTMENT_HEAD, out[AGRICULTURE_BUREAU]["head"], out[AGRICULTURE_BUREAU]["code"])
        self.login(RoleChoices.DEPARTMENT_STAFF, out[AGRICULTURE_BUREAU]["staff"][0], out[AGRICULTURE_BUREAU]["code"])
        return out

    def villages_per_township(self) -> list[int]:
        base, extra = divmod(self.size.villages, self.size.townships)
        counts = [base + (1 if i < extra else 0) for i in range(self.size.townships)]
        # Uneven like real townships, same total: move a few villages between neighbours.
        for i in range(0, len(counts) - 1, 2):
            shift = self.rng.randint(0, max(0, min(2, counts[i + 1] - 2)))
            counts[i] += shift
            counts[i + 1] -= shift
        return counts

    def build_township(self, county: str, index: int) -> dict:
        name, name_en = names.TOWNSHIPS[index]
        code = f"{county}-T{index + 1:02d}"
        self.unit(code, name, name_en, UnitLevelChoices.TOWNSHIP, county)
        info = {"code": code, "index": index}
        # Township party committees were elected in autumn 2021; some leaders rotated in 2024 and 2025.
        term = self.day(2021, 9, 10, 28)
        info["secretary"] = self._leader(code, PostTypeChoices.PARTY_SECRETARY, term,
                                         {1: 2024, 2: 2025}.get(index % 4))
        info["head"] = self._leader(code, PostTypeChoices.TOWNSHIP_HEAD, term, 2024 if index % 3 == 0 else None)
        info["deputies"] = []
        for _ in range(self.rng.randint(3, 4)):
            deputy = self.person(code, age=(32, 52), party=0.95, grade=GRADE_SECTION_DEPUTY)
            self.post(deputy, code, PostTypeChoices.DEPUTY, term)
            info["deputies"].append(deputy)
        info["discipline_secretary"] = self.person(code, age=(35, 52), party=1, grade=GRADE_SECTION_DEPUTY)
        self.post(info["discipline_secretary"], code, PostTypeChoices.DISCIPLINE_SECRETARY, term)
        for _ in range(self.rng.randint(1, 2)):
            staff = self.person(code, age=(25, 45), party=0.9, grade=GRADE_CLERK)
            self.post(staff, code, PostTypeChoices.DISCIPLINE_STAFF, self.day(2022, 3))
        # The agency accounting centre (村账乡代管) keeps the books of every village of the township.
        info["accountants"] = []
        for _ in range(2):
            accountant = self.person(code, age=(28, 50), party=0.5, grade=self.rng.choice([GRADE_CLERK, GRADE_OFFICER]),
                                     male=0.3)
            self.post(accountant, code, PostTypeChoices.ACCOUNTANT, self.day(self.rng.randint(2016, 2022), 2))
            info["accountants"].append(accountant)
        dedicated = [self.person(code, age=(24, 40), party=0.8, grade=GRADE_CLERK) for _ in range(2)]
        liaison_pool = dedicated + info["deputies"]
        info["liaisons"] = {}
        election = self.day(2021, 1, 8, 28)  # the 2021 village two-committee elections (5-year terms)
        info["villages"] = []
        combos = [(p, s) for p in names.VILLAGE_PREFIXES for s in names.VILLAGE_SUFFIXES]
        chosen = self.rng.sample(combos, self.village_counts[index])
        for j, ((prefix, prefix_en), (suffix, suffix_en)) in enumerate(chosen):
            liaison = liaison_pool[j % len(liaison_pool)]
            village = self.build_village(code, j, prefix + suffix + "村", f"{prefix_en}{suffix_en} Village",
                                         election, demo=(index == 0 and j == 0))
            self.post(liaison, village["code"], PostTypeChoices.LIAISON_CADRE, self.day(2021, 10))
            info["liaisons"][village["code"]] = liaison
            info["villages"].append(village)
        if index == 0:
            first = info["villages"][0]
            self.login(RoleChoices.TOWNSHIP_SECRETARY, info["secretary"], code)
            self.login(RoleChoices.TOWNSHIP_LEADER, info["head"], code)
            self.login(RoleChoices.TOWNSHIP_DISCIPLINE, info["discipline_secretary"], code)
            self.login(RoleChoices.ACCOUNTANT, info["accountants"][0], code)
            self.login(RoleChoices.LIAISON_CADRE, info["liaisons"][first["code"]], first["code"])
            self.login(RoleChoices.VILLAGE_SECRETARY, first["secretary"], first["code"])
            self.login(RoleChoices.COMMITTEE_DIRECTOR, first["director"], first["code"])
            self.login(RoleChoices.SUPERVISION_MEMBER, first["supervisors"][1], first["code"])
            self.login(RoleChoices.VILLAGER_REPRESENTATIVE, first["representatives"][0], first["code"])
        return info

    def _leader(self, code: str, post_type: str, term: date, rotated_in: int | None) -> PersonRow:
        """The current holder of a township's top post; when it rotated, the predecessor's post ends the
        day before the successor's starts."""
        if rotated_in is None:
            leader = self.person(code, age=(38, 52), party=1, grade=GRADE_SECTION, male=0.8)
            self.post(leader, code, post_type, term)
            return leader
        predecessor = self.person(code, age=(45, 56), party=1, grade=GRADE_SECTION, male=0.8)
        change = self.day(rotated_in, self.rng.randint(2, 6))
        self.post(predecessor, code, post_type, term, change - timedelta(days=1))
        successor = self.person(code, age=(36, 48), party=1, grade=GRADE_SECTION, male=0.8)
        self.post(successor, code, post_type, change)
        return successor

    def build_village(self, township: str, j: int, name: str, name_en: str, election: date, demo: bool) -> dict:
        code = f"{township}-V{j + 1:02d}"
        self.unit(code, name, name_en, UnitLevelChoices.VILLAGE, township)
        groups = []
        for g in range(self.rng.randint(*self.size.groups)):
            group_code = f"{code}-G{g + 1}"
            group_name = f"第{names.GROUP_NUMERALS[g]}村民小组"
            self.unit(group_code, group_name, f"Group {g + 1}", UnitLevelChoices.GROUP, code)
            groups.append(group_code)
        info = {"code": code, "groups": groups}
        previous = self.day(2018, 1, 8, 28)  # the last term under the 3-year rule before the 2018 amendment
        # Some secretaries and directors were replaced at the 2021 election; the others were re-elected.
        info["secretary"] = self._village_head(code, PostTypeChoices.VILLAGE_PARTY_SECRETARY, previous, election,
                                               changed=not demo and self.rng.random() < 0.35, male=0.85)
        # Since 2021 many villages have one person as secretary and director (一肩挑); the demo village not.
        if not demo and self.rng.random() < 0.4:
            info["director"] = info["secretary"]
            self.post(info["director"], code, PostTypeChoices.COMMITTEE_DIRECTOR, election)
        else:
            info["director"] = self._village_head(code, PostTypeChoices.COMMITTEE_DIRECTOR, previous, election,
                                                  changed=self.rng.random() < 0.35, male=0.75)
        # Organic Law of Village Committees Art. 6: 3–7 members, at least one woman.
        members = self.rng.randint(2, 4)
        for m in range(members):
            member = self.person(self.rng.choice(groups), gender=FEMALE if m == 0 else None, age=(28, 58),
                                 party=0.5, grade=GRADE_VILLAGE)
            self.post(member, code, PostTypeChoices.COMMITTEE_MEMBER, election)
        # Supervision committee: 3–5 members with one chair, same term as the village committee (§6.2).
        chair = self.person(self.rng.choice(groups), age=(40, 65), party=0.8, grade=GRADE_VILLAGE, male=0.7)
        self.post(chair, code, PostTypeChoices.SUPERVISION_CHAIR, election)
        info["supervisors"] = [chair]
        for _ in range(self.rng.randint(2, 3)):
            supervisor = self.person(self.rng.choice(groups), age=(30, 65), party=0.4, grade=GRADE_VILLAGE)
            self.post(supervisor, code, PostTypeChoices.SUPERVISION_MEMBER, election)
            info["supervisors"].append(supervisor)
        info["representatives"] = []
        for _ in range(self.rng.randint(*self.size.representatives)):
            representative = self.person(self.rng.choice(groups), age=(30, 70), party=0.3, grade=GRADE_NONE)
            self.post(representative, code, PostTypeChoices.VILLAGER_REPRESENTATIVE, election)
            info["representatives"].append(representative)
        for group_code in groups:
            leader = self.person(group_code, age=(35, 68), party=0.3, grade=GRADE_NONE, male=0.8)
            self.post(leader, group_code, PostTypeChoices.GROUP_LEADER, election)
        self.families(code, groups, info)
        return info

    def _village_head(self, code, post_type, previous: date, election: date, *, changed: bool, male: float):
        if not changed:
            head = self.person(code, age=(40, 60), party=1 if post_type.endswith("secretary") else 0.7,
                               grade=GRADE_VILLAGE, male=male)
            self.post(head, code, post_type, previous)
            return head
        predecessor = self.person(code, age=(50, 66), party=0.9, grade=GRADE_VILLAGE, male=male)
        self.post(predecessor, code, post_type, previous, election - timedelta(days=1))
        successor = self.person(code, age=(32, 50), party=0.9, grade=GRADE_VILLAGE, male=male)
        self.post(successor, code, post_type, election)
        return successor

    def families(self, code: str, groups: list[str], info: dict) -> None:
        """Spouses, parents and siblings of village cadres: the relations conflict rules read."""
        cadres = [info["secretary"], info["director"], *info["supervisors"], *info["representatives"][:3]]
        seen = set()
        for cadre in cadres:
            if cadre.code in seen:
                continue
            seen.add(cadre.code)
            roll = self.rng.random()
            if roll < 0.6:
                self.spouse_of(cadre, cadre.home_unit_code)
            if roll < 0.2:
                self.sibling_of(cadre, self.rng.choice(groups), age=(30, 65))
            elif roll > 0.85:
                parent = self.person(self.rng.choice(groups), surname=cadre.name[0], age=(66, 85), grade=GRADE_NONE,
                                     male=1)
                self.relate(cadre, parent, RelationKindChoices.PARENT)

    # --- planted conflicts of interest ---------------------------------------------------------
    def plant_conflicts(self, departments: list[dict], townships: list[dict]) -> None:
        first = townships[0]
        village, second = first["villages"][0], first["villages"][1]
        accountant = first["accountants"][0]
        # 1. The demo village secretary's spouse is a sibling of the township accountant who keeps the
        #    village's books (村账乡代管); the in-law tie is registered too.
        spouse = self.spouse_of(village["secretary"], village["code"])
        self.relate(accountant, spouse, RelationKindChoices.SIBLING)
        self.relate(accountant, village["secretary"], RelationKindChoices.IN_LAW)
        self.data.conflicts.append(
            f"{village['secretary'].name} (village secretary, {village['code']}) is married to {spouse.name}, "
            f"a sibling of {accountant.name} (township accountant, {first['code']}); accountant and secretary are "
            "registered in-laws")
        # 2. The supervision committee chair is the committee director's brother, which the Organic Law of
        #    Village Committees Art. 32 forbids (close relatives of committee members may not supervise).
        chair, director = village["supervisors"][0], village["director"]
        self.relate(director, chair, RelationKindChoices.SIBLING)
        self.data.conflicts.append(f"{chair.name} (supervision chair, {village['code']}) is a sibling of "
                                   f"{director.name} (committee director)")
        # 3. The village's liaison cadre does business with the committee director.
        liaison = first["liaisons"][village["code"]]
        self.relate(liaison, director, RelationKindChoices.BUSINESS_PARTNER)
        self.data.conflicts.append(f"{liaison.name} (liaison cadre of {village['code']}) is a business partner of "
                                   f"{director.name} (committee director)")
        # 4. The township discipline secretary is the brother of a neighbouring village's secretary.
        discipline = first["discipline_secretary"]
        self.relate(discipline, second["secretary"], RelationKindChoices.SIBLING)
        self.data.conflicts.append(f"{discipline.name} (discipline secretary, {first['code']}) is a sibling of "
                                   f"{second['secretary'].name} (village secretary, {second['code']})")
        # 5. A commission staff member (the demo "commission" login) is a sibling of another township's head.
        staff, other = departments[COMMISSION]["staff"][0], townships[-1]
        self.relate(staff, other["head"], RelationKindChoices.SIBLING)
        self.data.conflicts.append(f"{staff.name} (commission staff) is a sibling of {other['head'].name} "
                                   f"(township head, {other['code']})")

    def business_partners(self, townships: list[dict]) -> None:
        """A few village directors in business with representatives of other villages (contractors)."""
        for info in townships:
            villages = info["villages"]
            if len(villages) < 2:
                continue
            for _ in range(max(1, len(villages) // 6)):
                a, b = self.rng.sample(villages, 2)
                self.relate(a["director"], self.rng.choice(b["representatives"]),
                            RelationKindChoices.BUSINESS_PARTNER)


def generate_demo(seed: int = DEFAULT_SEED, size: str = "normal") -> DemoData:
    """The demo county's plan, logins and planted conflicts. Raises KeyError for an unknown size."""
    return _Generator(seed, size).build()
