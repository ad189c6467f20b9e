"""The accounts admin: list pages render, and role grants/revocations go through the actions."""

from django.urls import reverse

from cleangov.accounts.actions import do_create_user
from cleangov.accounts.choices import RoleChoices
from cleangov.accounts.models import RoleAssignment
from cleangov.core.models import AuditEvent


def _superuser_client(client):
    admin = do_create_user(acting_user=None, username="root", password=None, is_superuser=True)
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    return client, admin


def test_user_and_role_lists_render(client, county):
    client, _admin = _superuser_client(client)
    users = client.get(reverse("admin:accounts_user_changelist"))
    assert users.status_code == 200
    assert "village_secretary_a" in users.content.decode()
    roles = client.get(reverse("admin:accounts_roleassignment_changelist"))
    assert roles.status_code == 200
    assert county.townships["a"].name in roles.content.decode()
    user = county.persona(RoleChoices.ACCOUNTANT, "a")
    assert client.get(reverse("admin:accounts_user_change", args=[user.pk])).status_code == 200


def test_granting_a_role_in_admin_writes_an_audit_event(client, county):
    client, admin = _superuser_client(client)
    user = county.persona(RoleChoices.ACCOUNTANT, "a")
    before = AuditEvent.objects.filter(event_code="accounts.role_assigned").count()
    response = client.post(reverse("admin:accounts_roleassignment_add"), {
        "user": user.pk, "role": RoleChoices.AUDITOR, "unit": county.townships["b"].pk, "include_subtree": "on",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    assignment = RoleAssignment.objects.get(user=user, role=RoleChoices.AUDITOR)
    assert AuditEvent.objects.filter(event_code="accounts.role_assigned").count() == before + 1
    event = AuditEvent.objects.filter(event_code="accounts.role_assigned").order_by("-seq").first()
    assert event.actor_id == admin.pk and event.subject_id == str(assignment.pk)


def test_revoking_a_role_in_admin_writes_an_audit_event(client, county):
    client, _admin = _superuser_client(client)
    assignment = county.persona(RoleChoices.ACCOUNTANT, "a").role_assignments.get()
    response = client.post(reverse("admin:accounts_roleassignment_delete", args=[assignment.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEvent.objects.filter(event_code="accounts.role_revoked", subject_id=str(assignment.pk)).exists()


def test_non_staff_cannot_open_admin(login, county):
    client = login(county.persona(RoleChoices.SYSADMIN))
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302 and "login" in response.url


def test_editing_a_user_in_admin_is_audited_without_the_password(client, county):
    client, admin = _superuser_client(client)
    user = county.persona(RoleChoices.ACCOUNTANT, "a")
    page = client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    form = page.context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items()
            if name not in {"password", "groups", "user_permissions", "last_login", "date_joined"}}
    data.update({"email": "new@example.org", "is_active": "on", "date_joined_0": "2024-01-01",
                 "date_joined_1": "08:00:00", "role_assignments-TOTAL_FORMS": "1",
                 "role_assignments-INITIAL_FORMS": "1", "role_assignments-MIN_NUM_FORMS": "0",
                 "role_assignments-MAX_NUM_FORMS": "1000",
                 "role_assignments-0-id": user.role_assignments.get().pk, "role_assignments-0-user": user.pk})
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = AuditEvent.objects.filter(event_code="accounts.user_updated").get()
    assert event.actor_id == admin.pk
    assert event.before["email"] == "" and event.after["email"] == "new@example.org"
    assert "password" not in event.after


def test_setting_a_password_in_admin_is_audited(client, county):
    client, admin = _superuser_client(client)
    user = county.persona(RoleChoices.ACCOUNTANT, "a")
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    response = client.post(url, {"password1": "Another-long-pass-77", "password2": "Another-long-pass-77",
                                 "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert user.check_password("Another-long-pass-77")
    event = AuditEvent.objects.filter(event_code="accounts.password_set").order_by("-seq").first()
    assert event.actor_id == admin.pk and event.subject_id == str(user.pk)


def test_users_cannot_be_deleted_in_admin(client, county):
    """A delete would cascade the role assignments without do_revoke_role: users are deactivated instead."""
    client, _admin = _superuser_client(client)
    user = county.persona(RoleChoices.ACCOUNTANT, "a")
    assert client.get(reverse("admin:accounts_user_delete", args=[user.pk])).status_code == 403
    page = client.get(reverse("admin:accounts_user_changelist"))
    assert "delete_selected" not in page.content.decode()
    client.post(reverse("admin:accounts_user_changelist"),
                {"action": "delete_selected", "_selected_action": [user.pk], "post": "yes"})
    assert RoleAssignment.objects.filter(user=user).exists() and type(user).objects.filter(pk=user.pk).exists()


def test_finance_profiles_cannot_be_deleted_in_admin(client, county):
    from decimal import Decimal

    from cleangov.finance.actions import do_set_finance_profile

    client, admin = _superuser_client(client)
    profile = do_set_finance_profile(county.villages["a"], acting_user=admin, reception_budget=Decimal("1000.00"))
    assert client.get(reverse("admin:finance_financeprofile_delete", args=[profile.pk])).status_code == 403


def test_unlocking_users_in_admin_is_audited(client, county):
    from axes.models import AccessAttempt

    user = county.persona(RoleChoices.ACCOUNTANT, "a")
    for i in range(5):
        client.post(reverse("accounts:login"), {"username": user.username, "password": f"wrong-{i}-x"})
    assert AccessAttempt.objects.filter(username=user.username).exists()
    client, admin = _superuser_client(client)
    response = client.post(reverse("admin:accounts_user_changelist"),
                           {"action": "unlock", "_selected_action": [user.pk]})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    event = AuditEvent.objects.get(event_code="accounts.user_unlocked")
    assert event.actor_id == admin.pk and event.subject_id == str(user.pk)


def test_conflict_of_interest_in_admin_is_an_error_message_not_a_500(client, county):
    from cleangov.orgs.actions import do_add_relation

    sysadmin = county.persona(RoleChoices.SYSADMIN)
    sysadmin.is_staff = sysadmin.is_superuser = True
    sysadmin.save(update_fields=["is_staff", "is_superuser"])
    sibling = county.persona(RoleChoices.ACCOUNTANT, "a")
    do_add_relation(acting_user=None, person=sibling.person, relative=sysadmin.person, kind="sibling")
    client.force_login(sysadmin, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("admin:accounts_roleassignment_add"), {
        "user": sibling.pk, "role": RoleChoices.AUDITOR, "unit": county.townships["b"].pk, "include_subtree": "on",
    }, follow=True)
    assert response.status_code == 200
    assert "relative" in response.content.decode() or "亲属" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=sibling, role=RoleChoices.AUDITOR).exists()


def test_ledger_kinds_change_only_through_the_admin_actions(client, county):
    from cleangov.ledgers.models import LedgerKind
    from cleangov.ledgers.setup_data import load_catalog

    load_catalog()
    client, admin = _superuser_client(client)
    kind = LedgerKind.objects.order_by("code").first()
    assert client.post(reverse("admin:ledgers_ledgerkind_change", args=[kind.pk]), {}).status_code == 403
    response = client.post(reverse("admin:ledgers_ledgerkind_changelist"),
                           {"action": "retire", "_selected_action": [kind.pk]})
    assert response.status_code == 302
    kind.refresh_from_db()
    assert not kind.active
    event = AuditEvent.objects.filter(event_code="ledgers.kind_active_changed").get()
    assert event.actor_id == admin.pk and event.subject_id == str(kind.pk)


def test_installed_packages_admins_do_not_write_unaudited(client, county):
    from axes.models import AccessAttempt
    from django.contrib import admin
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = county.persona(RoleChoices.ACCOUNTANT, "a")
    for i in range(2):
        client.post(reverse("accounts:login"), {"username": user.username, "password": f"wrong-{i}-x"})
    attempt = AccessAttempt.objects.get(username=user.username)
    client, admin_user = _superuser_client(client)
    assert not admin.site.is_registered(Group)
    assert client.get(reverse("admin:axes_accessattempt_change", args=[attempt.pk])).status_code == 200
    assert client.get(reverse("admin:axes_accessattempt_delete", args=[attempt.pk])).status_code == 403
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    response = client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    event = AuditEvent.objects.get(event_code="accounts.totp_device_removed")
    assert event.actor_id == admin_user.pk
