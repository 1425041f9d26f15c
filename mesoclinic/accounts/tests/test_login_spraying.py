"""Password spraying: many usernames tried from one address are throttled, not only one."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client
from pytest_django.fixtures import Settings

from mesoclinic.accounts.models import User
from mesoclinic.audit.models import Action, AuditEvent
from mesoclinic.conftest import PASSWORD

LOGIN = "/accounts/login/"
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


def _spray(client: Client, count: int, *, path: str = LOGIN) -> list[int]:
    """One wrong password for each of ``count`` usernames (none of them locked by axes)."""
    return [
        client.post(path, {"username": f"guess{n}", "password": "Summer2027!"}).status_code
        for n in range(count)
    ]


def test_it_locks_an_address_out_after_failures_for_many_usernames(
    client: Client, practitioner_a: User, settings: Settings
) -> None:
    limit = settings.LOGIN_SPRAY_LIMIT
    with time_machine.travel(NOW, tick=False) as traveller:
        assert _spray(client, limit) == [200] * limit
        refused = client.post(LOGIN, {"username": practitioner_a.username, "password": PASSWORD})
        assert refused.status_code == 429
        assert refused["Retry-After"] == "900"
        assert "_auth_user_id" not in client.session
        last = AuditEvent.objects.filter(action=Action.LOGIN_FAILED).order_by("id").last()
        assert last is not None
        assert last.detail["reason"] == "locked_out"

        traveller.shift(dt.timedelta(minutes=15, seconds=1))
        again = client.post(LOGIN, {"username": practitioner_a.username, "password": PASSWORD})
    assert again.status_code == 302


def test_it_lets_staff_behind_the_same_address_in_below_the_limit(
    client: Client, practitioner_a: User, settings: Settings
) -> None:
    _spray(client, settings.LOGIN_SPRAY_LIMIT - 1)
    signed_in = client.post(LOGIN, {"username": practitioner_a.username, "password": PASSWORD})
    assert signed_in.status_code == 302


def test_it_does_not_lock_other_addresses(
    client: Client, practitioner_a: User, settings: Settings
) -> None:
    _spray(client, settings.LOGIN_SPRAY_LIMIT)
    elsewhere = Client(REMOTE_ADDR="192.0.2.7").post(
        LOGIN, {"username": practitioner_a.username, "password": PASSWORD}
    )
    assert elsewhere.status_code == 302


def test_it_throttles_spraying_through_the_admin_sign_in(
    client: Client, practitioner_a: User, settings: Settings
) -> None:
    _spray(client, settings.LOGIN_SPRAY_LIMIT, path="/admin/login/")
    refused = client.post(
        "/admin/login/", {"username": practitioner_a.username, "password": PASSWORD}
    )
    assert refused.status_code == 429
