"""Bulk creation of a validated plan, with one audit event per created object.

Only ``cleangov.orgs.actions.do_import_orgs`` calls this, inside its transaction. Units are
created level by level, parents first, so each child's ``path`` and ``depth`` can be computed
from its parent the same way ``orgs.actions._set_path`` does for a single unit.
"""

from __future__ import annotations

from collections import defaultdict

from cleangov.core.audit import PendingEvent, record_events, snapshot
from cleangov.orgs.actions import PERSON_FIELDS, POST_FIELDS, UNIT_FIELDS, _set_path
from cleangov.orgs.choices import PersonRankChoices
from cleangov.orgs.models import Person, Post, RankMapping, Relation, Unit

from .plan import OrgImportPlan
from .validate import _chunks

BATCH = 500


def _ensure_pks(objects: list, model, key: str | None) -> None:
    """PostgreSQL and SQLite ≥ 3.35 return ids from bulk_create; otherwise refetch by code."""
    missing = [o for o in objects if o.pk is None]
    if not missing:
        return
    if key is None:
        raise RuntimeError(f"the database did not return ids for bulk-created {model.__name__} rows")
    ids = {}
    for chunk in _chunks([getattr(o, key) for o in missing]):
        ids.update(model.objects.filter(**{f"{key}__in": chunk}).values_list(key, "pk"))
    for obj in missing:
        obj.pk = ids[getattr(obj, key)]


def _existing(model, codes) -> dict:
    out = {}
    for chunk in _chunks({c for c in codes if c}):
        out.update({obj.code: obj for obj in model.objects.filter(code__in=chunk)})
    return out


def write_plan(plan: OrgImportPlan, *, acting_user, progress=None) -> dict[str, int]:
    tick = progress or (lambda n: None)
    events: list[PendingEvent] = []

    # --- Units, parents first ------------------------------------------------------------------
    rows = {row.code: row for row in plan.units}
    referenced = {r.parent_code for r in plan.units} | {p.home_unit_code for p in plan.people} | {
        p.unit_code for p in plan.posts}
    units: dict[str, Unit] = _existing(Unit, referenced - set(rows))
    levels: dict[int, list] = defaultdict(list)
    depth: dict[str, int] = {}

    def depth_of(code: str) -> int:
        if code not in depth:
            parent = rows[code].parent_code
            if not parent:
                depth[code] = 0
            elif parent in rows:
                depth[code] = depth_of(parent) + 1
            else:
                depth[code] = units[parent].depth + 1
        return depth[code]

    for code in rows:
        levels[depth_of(code)].append(rows[code])
    created_units: list[Unit] = []
    for level in sorted(levels):
        batch = []
        for row in levels[level]:
            unit = Unit(code=row.code, name=row.name, name_en=row.name_en, level=row.level, city=row.city,
                        active_from=row.active_from, active_to=row.active_to)
            if row.parent_code:
                unit.parent = units[row.parent_code]
            _set_path(unit)
            batch.append(unit)
        Unit.objects.bulk_create(batch, batch_size=BATCH)
        _ensure_pks(batch, Unit, "code")
        units.update((u.code, u) for u in batch)
        created_units.extend(batch)
        tick(len(batch))
    for unit in created_units:
        events.append(PendingEvent("orgs.unit_created", unit, after=snapshot(unit, UNIT_FIELDS), unit=unit))

    # --- People --------------------------------------------------------------------------------
    ranks = dict(RankMapping.objects.values_list("local_grade", "rank"))
    people: list[Person] = []
    for row in plan.people:
        person = Person(code=row.code, name=row.name, id_hash=row.id_hash, id_last4=row.id_last4, gender=row.gender,
                        party=row.party, local_grade=row.local_grade,
                        rank=ranks.get(row.local_grade, PersonRankChoices.OTHER), phone=row.phone)
        if row.home_unit_code:
            person.home_unit = units[row.home_unit_code]
        people.append(person)
    Person.objects.bulk_create(people, batch_size=BATCH)
    _ensure_pks(people, Person, "code")
    tick(len(people))
    persons: dict[str, Person] = {p.code: p for p in people}
    persons.update(_existing(Person, ({r.person_code for r in plan.posts} | {r.person_code for r in plan.relations}
                                      | {r.relative_code for r in plan.relations}) - set(persons)))
    for person in people:
        # The same fields as do_create_person: neither the identity number nor its hash enters the trail.
        events.append(PendingEvent("orgs.person_created", person, after=snapshot(person, PERSON_FIELDS),
                                   unit=person.home_unit, subject_people=[person.pk]))

    # --- Posts and relations -------------------------------------------------------------------
    posts = [Post(person=persons[r.person_code], unit=units[r.unit_code], post_type=r.post_type,
                  start_date=r.start_date, end_date=r.end_date) for r in plan.posts]
    Post.objects.bulk_create(posts, batch_size=BATCH)
    _ensure_pks(posts, Post, None)
    tick(len(posts))
    for post in posts:
        events.append(PendingEvent("orgs.post_started", post, after=snapshot(post, POST_FIELDS), unit=post.unit,
                                   subject_people=[post.person_id]))
    relations = [Relation(person=persons[r.person_code], relative=persons[r.relative_code], kind=r.kind)
                 for r in plan.relations]
    Relation.objects.bulk_create(relations, batch_size=BATCH)
    _ensure_pks(relations, Relation, None)
    tick(len(relations))
    for relation in relations:
        events.append(PendingEvent(
            "orgs.relation_added", relation,
            after={"person": relation.person_id, "relative": relation.relative_id, "kind": relation.kind},
            unit=_unit_ref(relation.person.home_unit_id), subject_people=[relation.person_id, relation.relative_id]))
    record_events(acting_user=acting_user, events=events)
    return {"units": len(created_units), "people": len(people), "posts": len(posts), "relations": len(relations)}


def _unit_ref(unit_id: int | None) -> Unit | None:
    """A Unit with only its id, enough for the audit event's foreign key without a query."""
    if unit_id is None:
        return None
    return Unit(pk=unit_id)
