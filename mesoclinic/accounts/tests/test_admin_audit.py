"""Sign-ins through the admin and the admin's changes to users and roles are audited."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from mesoclinic.accounts.models import Role, Site, User
from mesoclinic.accounts.services import staff_create
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.conftest import PASSWORD, verified_client


@pytest.fixture
def superuser(site_a: Site) -> User:
    user = staff_create(username="root", password=PASSWORD, role=Role.MANAGER, sites=[site_a])
    user.is_superuser = user.is_staff = True
    user.save()
    return user


def test_a_sign_in_through_the_admin_is_audited(client: Client, superuser: User) -> None:
    response = client.post(
        "/admin/login/", {"username": "root", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.LOGIN)
    assert (event.actor, event.detail, event.path) == (
        superuser,
        {"step": "admin_password"},
        "/admin/login/",
    )


def test_a_failed_sign_in_through_the_admin_is_audited(client: Client, superuser: User) -> None:
    client.post("/admin/login/", {"username": "root", "password": "Tr0ub4dor&3", "next": "/"})
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.outcome == Outcome.DENIED
    assert event.detail == {
        "step": "admin_password",
        "reason": "wrong_credentials",
        "username": "root",
    }
    assert "Tr0ub4dor" not in str(event.detail)


def test_the_apps_own_sign_in_is_recorded_once(client: Client, practitioner_a: User) -> None:
    client.post("/accounts/login/", {"username": practitioner_a.username, "password": PASSWORD})
    assert AuditEvent.objects.filter(action=Action.LOGIN).count() == 1


def test_changing_a_members_role_in_the_admin_is_audited_with_the_field_names(
    superuser: User, receptionist_a: User, site_a: Site
) -> None:
    admin = verified_client(superuser)
    page = admin.get(f"/admin/accounts/user/{receptionist_a.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        {
            "role": "manager",
            "sites": [site_a.pk],
            "groups": [],
            "user_permissions": [],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
            "last_login_0": "",
            "last_login_1": "",
        }
    )
    data.pop("password", None)
    response = admin.post(f"/admin/accounts/user/{receptionist_a.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    receptionist_a.refresh_from_db()
    assert receptionist_a.role == Role.MANAGER
    event = AuditEvent.objects.get(object_type="admin:accounts.user")
    assert (event.action, event.actor, event.object_id) == (
        Action.UPDATE,
        superuser,
        str(receptionist_a.pk),
    )
    assert event.detail["admin"] == "changed"
    assert "Role" in str(event.detail["change"])
    assert "manager" not in str(event.detail["change"])  # the field's name, not its value


def test_adding_and_deleting_a_group_in_the_admin_is_audited(superuser: User) -> None:
    admin = verified_client(superuser)
    added = admin.post("/admin/auth/group/add/", {"name": "Auditors", "permissions": []})
    assert added.status_code == 302
    group = Group.objects.get(name="Auditors")
    deleted = admin.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    changes = [
        e.detail["admin"]
        for e in AuditEvent.objects.filter(object_type="admin:auth.group").order_by("id")
    ]
    assert changes == ["added", "deleted"]
