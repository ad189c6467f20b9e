"""Access gates of the record books.

| noun                 | roles                                    | reach                                       |
| -------------------- | ---------------------------------------- | ------------------------------------------- |
| book (unit's entries)| every role except the system administrator | assignment subtree (docs/design.md §3)         |
| entry, attachment    | same as book; minus conflicts of interest | the entry's unit in scope; an entry about |
|                      |                                          | the user or a relative is hidden (404)      |
| record / revise      | the kind's ``recorder_roles`` (data)      | an assignment with such a role covering the |
|                      |                                          | unit                                        |
| township overview    | INSPECTOR_ROLES                          | the township in scope                       |
| published checkpoints| anyone, no login                         | hashes and signatures only, no content      |

The system administrator manages kinds (admin screen) but does not read the books' contents.
Missing and forbidden objects give the same 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from cleangov.accounts.choices import RoleChoices
from cleangov.core.access import exclude_conflicts, get_or_404, roles_over, scope_q
from cleangov.core.declarations import LinkGate
from cleangov.core.links import visible_ids
from cleangov.orgs.choices import UnitLevelChoices
from cleangov.orgs.models import Unit

from .models import LedgerAttachment, LedgerEntry, LedgerEntrySubject, LedgerKind

ALL_ROLES = frozenset(str(r) for r in RoleChoices)
VIEW_ROLES = ALL_ROLES - {str(RoleChoices.SYSADMIN)}
# Who reads the township overview (completeness ranking and bursts): the inspectors of docs/design.md §3.
INSPECTOR_ROLES = frozenset({
    str(RoleChoices.COUNTY_COMMISSION), str(RoleChoices.COUNTY_LEADER), str(RoleChoices.AUDITOR),
    str(RoleChoices.TOWNSHIP_SECRETARY), str(RoleChoices.TOWNSHIP_LEADER), str(RoleChoices.TOWNSHIP_DISCIPLINE),
})


def visible_units(user, *, roles=VIEW_ROLES) -> QuerySet[Unit]:
    return Unit.objects.filter(scope_q(user, roles=roles, path_field="path"))


def visible_entries(user) -> QuerySet[LedgerEntry]:
    qs = LedgerEntry.objects.filter(scope_q(user, roles=VIEW_ROLES, path_field="unit__path"))
    return exclude_conflicts(qs, user, through_model=LedgerEntrySubject, object_field="entry")


def access_book_by_id(user, unit_id, *, action: str = "view") -> Unit:
    """The unit whose book is shown; 404 when outside the user's reading scope."""
    if action != "view":
        raise Http404
    return get_or_404(visible_units(user).select_related("parent"), pk=unit_id)


def access_township_overview_by_id(user, unit_id, *, action: str = "view") -> Unit:
    if action != "view":
        raise Http404
    qs = visible_units(user, roles=INSPECTOR_ROLES).filter(level=UnitLevelChoices.TOWNSHIP)
    return get_or_404(qs, pk=unit_id)


def recorder_units_q(user, kind_roles):
    return scope_q(user, roles=kind_roles, path_field="path")


def can_record(user, unit: Unit, kind: LedgerKind) -> bool:
    version = kind.current_version
    if version is None or not kind.active:
        return False
    spec = version.parsed
    if unit.level not in spec.unit_levels:
        return False
    return Unit.objects.filter(pk=unit.pk).filter(recorder_units_q(user, spec.recorder_roles)).exists()


def recordable_kinds(user, unit: Unit, kinds) -> list[LedgerKind]:
    """The kinds the user may record in this unit, from already-loaded kinds (one query per kind set)."""
    roles = roles_over(user, unit)
    out = []
    for kind in kinds:
        if kind.current_version is None or not kind.active:
            continue
        spec = kind.current_version.parsed
        if unit.level in spec.unit_levels and roles & set(spec.recorder_roles):
            out.append(kind)
    return out


def access_record_kind(user, unit_id, kind_code) -> tuple[Unit, LedgerKind]:
    """Unit and kind of the "record an entry" form; 404 unless the user may record this kind here."""
    unit = get_or_404(Unit.objects.all(), pk=unit_id)
    kind = get_or_404(LedgerKind.objects.select_related("current_version"), code=kind_code)
    if not can_record(user, unit, kind):
        raise Http404
    return unit, kind


def access_entry_by_id(user, entry_id, *, action: str = "view") -> LedgerEntry:
    qs = visible_entries(user).select_related("unit", "kind", "kind_version", "recorded_by__person")
    entry = get_or_404(qs, pk=entry_id)
    if action == "view":
        return entry
    if action == "revise":
        kind = entry.kind
        spec = entry.kind_version.parsed
        allowed = Unit.objects.filter(pk=entry.unit_id).filter(recorder_units_q(user, spec.recorder_roles)).exists()
        if allowed and kind.active:
            return entry
    raise Http404


def access_attachment_by_id(user, attachment_id, *, action: str = "view") -> LedgerAttachment:
    if action != "view":
        raise Http404
    attachment = get_or_404(LedgerAttachment.objects.select_related("entry"), pk=attachment_id)
    access_entry_by_id(user, attachment.entry_id)
    return attachment


# Pages other apps link to (a score's evidence): shown only to whom they answer.
LINK_GATES = (
    LinkGate("ledgers:unit_book", "unit_id", visible_ids(visible_units)),
    LinkGate("ledgers:unit_completeness", "unit_id", visible_ids(visible_units)),
)
