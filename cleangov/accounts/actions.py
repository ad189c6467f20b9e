"""State changes of users and their roles."""

from __future__ import annotations

from django.db import transaction

from cleangov.core.audit import record_event

from .models import RoleAssignment, User


@transaction.atomic
def do_create_user(*, acting_user, username: str, password: str | None, person=None, email: str = "",
                   is_superuser: bool = False) -> User:
    user = User(username=username, email=email, person=person, is_staff=is_superuser, is_superuser=is_superuser)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    record_event(
        acting_user=acting_user,
        event_code="accounts.user_created",
        subject=user,
        after={"username": username, "person": getattr(person, "pk", None), "is_superuser": is_superuser},
        unit=getattr(person, "home_unit", None),
        subject_people=[person] if person else [],
    )
    return user


@transaction.atomic
def do_set_password(user: User, *, acting_user, password: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
    # The hash itself is never written to the trail.
    record_event(acting_user=acting_user, event_code="accounts.password_set", subject=user,
                 subject_people=[user.person_id] if user.person_id else [])


@transaction.atomic
def do_assign_role(*, acting_user, user: User, role: str, unit, include_subtree: bool = True,
                   start_date=None, end_date=None) -> RoleAssignment:
    assignment = RoleAssignment(user=user, role=role, unit=unit, include_subtree=include_subtree,
                                start_date=start_date, end_date=end_date)
    assignment.full_clean()
    assignment.save()
    record_event(
        acting_user=acting_user,
        event_code="accounts.role_assigned",
        subject=assignment,
        after={"user": user.pk, "role": role, "unit": unit.pk, "include_subtree": include_subtree},
        unit=unit,
        subject_people=[user.person_id] if user.person_id else [],
    )
    return assignment


@transaction.atomic
def do_revoke_role(assignment: RoleAssignment, *, acting_user) -> None:
    record_event(
        acting_user=acting_user,
        event_code="accounts.role_revoked",
        subject=assignment,
        before={"user": assignment.user_id, "role": assignment.role, "unit": assignment.unit_id},
        unit=assignment.unit,
        subject_people=[assignment.user.person_id] if assignment.user.person_id else [],
    )
    assignment.delete()


@transaction.atomic
def do_set_language(user: User, *, acting_user, language: str) -> None:
    before = {"preferred_language": user.preferred_language}
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    record_event(acting_user=acting_user, event_code="accounts.language_set", subject=user, before=before,
                 after={"preferred_language": language})
