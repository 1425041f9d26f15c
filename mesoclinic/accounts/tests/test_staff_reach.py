"""A manager acts only on staff whose rights are within the manager's own."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice  # type: ignore[import-untyped,unused-ignore]

from mesoclinic.accounts.models import Role, Site, User
from mesoclinic.accounts.services import staff_create
from mesoclinic.audit.models import AuditEvent, Outcome
from mesoclinic.conftest import PASSWORD, verified_client

ClientFor = Callable[[User], Client]
ACTIONS = ("deactivate", "reset-mfa", "reset-password")


def _member(username: str, sites: list[Site], **flags: bool) -> User:
    user = staff_create(username=username, password=PASSWORD, role=Role.MANAGER, sites=sites)
    for flag, value in flags.items():
        setattr(user, flag, value)
    user.save()
    verified_client(user)  # a confirmed authenticator app, for the reset to remove
    return user


@pytest.fixture
def superuser_a(site_a: Site) -> User:
    return _member("root", [site_a], is_superuser=True, is_staff=True)


@pytest.fixture
def admin_user_a(site_a: Site) -> User:
    return _member("admin_site_user", [site_a], is_staff=True)


@pytest.fixture
def two_site_member(site_a: Site, site_b: Site) -> User:
    return _member("two_sites", [site_a, site_b])


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("superuser_a", "outranks:superuser"),
        ("admin_user_a", "outranks:admin_site_user"),
        ("two_site_member", "outranks:works_at_other_sites"),
    ],
)
def test_a_manager_cannot_act_on_someone_with_more_rights(
    action: str,
    target: str,
    reason: str,
    request: pytest.FixtureRequest,
    client_for: ClientFor,
    manager_a: User,
) -> None:
    staff: User = request.getfixturevalue(target)

    response = client_for(manager_a).post(f"/accounts/staff/{staff.pk}/{action}/")

    assert response.status_code == 403
    staff.refresh_from_db()
    assert staff.is_active is True
    assert TOTPDevice.objects.filter(user=staff).exists()
    assert staff.check_password(PASSWORD)
    assert staff.must_change_password is False
    denied = AuditEvent.objects.get(outcome=Outcome.DENIED, actor=manager_a)
    assert (denied.detail, denied.object_id) == ({"reason": reason}, str(staff.pk))


def test_a_superuser_can_act_on_anyone(
    client_for: ClientFor, superuser_a: User, two_site_member: User
) -> None:
    response = client_for(superuser_a).post(f"/accounts/staff/{two_site_member.pk}/deactivate/")

    assert response.status_code == 302
    two_site_member.refresh_from_db()
    assert two_site_member.is_active is False


def test_a_manager_of_both_sites_can_act_on_a_member_of_both(
    client_for: ClientFor, site_a: Site, site_b: Site, two_site_member: User
) -> None:
    manager = _member("both_sites_manager", [site_a, site_b])

    response = client_for(manager).post(f"/accounts/staff/{two_site_member.pk}/reset-mfa/")

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=two_site_member).exists()
