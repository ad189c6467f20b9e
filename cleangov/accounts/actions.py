"""State changes of users and their roles."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from cleangov.core.audit import record_event
from cleangov.orgs.conflicts import check_conflict_of_interest

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


@dataclass
class PasswordChange:
    """What the save of a new password tells ``core.signals.password_changed`` (see announce_password_change)."""

    old_password: str | None
    acting_user: object


def announce_password_change(sender, instance: User, created: bool, **kwargs) -> None:
    """Every save that carries a new password (``set_password`` then ``save``) announces it, whoever
    made it: the actions below say who acted and, for the user's own change, the old password; a
    change made elsewhere (Django's ``changepassword`` command, a shell) is announced as a reset by
    nobody in particular. Receivers run inside the save's transaction. A login that re-hashes a
    password with a newer hasher is not a change: Django clears the new password before that save."""
    from cleangov.core.signals import password_changed

    new_password = getattr(instance, "_password", None)
    if created or new_password is None:
        return
    change = getattr(instance, "_cleangov_password_change", None) or PasswordChange(None, None)
    instance._cleangov_password_change = None
    password_changed.send(sender=User, user=instance, new_password=new_password,
                          old_password=change.old_password, acting_user=change.acting_user)


@transaction.atomic
def do_set_password(user: User, *, acting_user, password: str) -> None:
    """A password set by someone who does not know the old one (an administrator, the demo's reset)."""
    user.set_password(password)
    user._cleangov_password_change = PasswordChange(None, acting_user)
    user.save(update_fields=["password"])
    # The hash itself is never written to the trail.
    record_event(acting_user=acting_user, event_code="accounts.password_set", subject=user,
                 subject_people=[user.person_id] if user.person_id else [])


@transaction.atomic
def do_change_own_password(user: User, *, acting_user, old_password: str, new_password: str) -> None:
    """The user changes their own password, typing the old one: what is encrypted under it (a
    report handler's key) is carried over to the new one in the same transaction."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils.translation import gettext as _

    if acting_user is None or acting_user.pk != user.pk:
        raise PermissionDenied(_("Only the user themselves can change their password this way."))
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("Your old password was entered incorrectly.")})
    validate_password(new_password, user=user)
    user.set_password(new_password)
    user._cleangov_password_change = PasswordChange(old_password, acting_user)
    user.save(update_fields=["password"])
    record_event(acting_user=acting_user, event_code="accounts.password_changed", subject=user,
                 subject_people=[user.person_id] if user.person_id else [])


@transaction.atomic
def do_assign_role(*, acting_user, user: User, role: str, unit, include_subtree: bool = True,
                   start_date=None, end_date=None) -> RoleAssignment:
    check_conflict_of_interest(acting_user, named_people=user)  # nobody grants a role to themselves or a relative
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
def do_unlock_user(user: User, *, acting_user) -> int:
    """Lift a login lockout: forget the user's failed attempts from every address (django-axes).

    Returns how many failed-attempt records were removed (0 when the user was not locked out; the
    unlock is recorded all the same, so the trail shows who lifted what and when).
    """
    from axes.utils import reset

    removed = reset(username=user.get_username())
    record_event(acting_user=acting_user, event_code="accounts.user_unlocked", subject=user,
                 after={"username": user.get_username(), "failed_attempts_removed": removed},
                 subject_people=[user.person_id] if user.person_id else [])
    return removed


@transaction.atomic
def do_set_language(user: User, *, acting_user, language: str) -> None:
    before = {"preferred_language": user.preferred_language}
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    record_event(acting_user=acting_user, event_code="accounts.language_set", subject=user, before=before,
                 after={"preferred_language": language})


# --- Two-factor authentication (TOTP) -------------------------------------------------------------
# The device secret is never written to the audit trail; only the device's id and name are.


def totp_token_matches(key_hex: str, token: str, *, min_t: int = 0) -> int | None:
    """The time step a six-digit token matches for this hex key (one step either side), or None."""
    from binascii import unhexlify

    from django_otp.oath import TOTP

    token = (token or "").strip().replace(" ", "")
    if not token.isdigit() or len(token) != 6:
        return None
    totp = TOTP(unhexlify(key_hex.encode()))
    if totp.verify(int(token), tolerance=1, min_t=min_t):
        return totp.t()
    return None


@transaction.atomic
def do_enrol_totp_device(user: User, *, acting_user, key: str, token: str, name: str = ""):
    """Create the user's confirmed TOTP device once they prove their app holds the key.

    Raises ValidationError when the token does not match, so nothing is stored for a mistyped code.
    """
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _
    from django_otp.plugins.otp_totp.models import TOTPDevice

    matched_t = totp_token_matches(key, token)
    if matched_t is None:
        raise ValidationError({"token": _("The code does not match. Check the time on your phone and try again.")})
    device = TOTPDevice(user=user, key=key, name=name or _("Authenticator app"), confirmed=True,
                        last_t=matched_t)  # the enrolment code cannot be replayed at the next login
    device.full_clean()
    device.save()
    record_event(
        acting_user=acting_user,
        event_code="accounts.totp_device_enrolled",
        subject=user,
        after={"device": device.pk, "name": device.name},
        subject_people=[user.person_id] if user.person_id else [],
    )
    return device


@transaction.atomic
def do_remove_totp_device(device, *, acting_user) -> None:
    user = device.user
    record_event(
        acting_user=acting_user,
        event_code="accounts.totp_device_removed",
        subject=user,
        before={"device": device.pk, "name": device.name},
        subject_people=[user.person_id] if user.person_id else [],
    )
    device.delete()


# What the audit trail records of a user: never the password hash (a change is noted as a flag).
USER_AUDIT_FIELDS = ("username", "email", "first_name", "last_name", "is_active", "is_staff", "is_superuser",
                     "person", "preferred_language")


@transaction.atomic
def do_save_user_from_admin(user: User, *, acting_user, save) -> User:
    """The Django admin's user form, made an action: ``save`` performs the form's own save, and the
    change is recorded with before/after values in the same transaction."""
    from cleangov.core.audit import snapshot

    created = user.pk is None
    stored = None if created else User.objects.get(pk=user.pk)
    # Nobody edits their own account or a relative's here (their rights, their person link), under
    # the person it is linked to before and after the edit.
    check_conflict_of_interest(acting_user, named_people=[user, getattr(stored, "person_id", None)])
    before = None if created else snapshot(stored, USER_AUDIT_FIELDS)
    save()
    after = snapshot(user, USER_AUDIT_FIELDS)
    if created or after != before:
        record_event(
            acting_user=acting_user,
            event_code="accounts.user_created" if created else "accounts.user_updated",
            subject=user,
            before=before,
            after=after,
            unit=getattr(user.person, "home_unit", None) if user.person_id else None,
            subject_people=[user.person_id] if user.person_id else [],
        )
    return user
