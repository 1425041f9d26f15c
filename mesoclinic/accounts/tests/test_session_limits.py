"""Sessions end after 30 minutes idle, after 12 hours in all, and at once for deactivated staff."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import time_machine
from django.contrib.sessions.models import Session
from django.test import Client

from mesoclinic.accounts.models import User
from mesoclinic.accounts.services import staff_deactivate
from mesoclinic.accounts.tests.helpers import sign_in
from mesoclinic.audit.models import Action, AuditEvent

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
PAGE = "/accounts/tokens/"


def _signed_in(client: Client, user: User) -> None:
    sign_in(client, user)
    assert client.get(PAGE).status_code == 200


def test_it_keeps_a_session_in_use(client: Client, practitioner_a: User) -> None:
    with time_machine.travel(NOW, tick=False) as traveller:
        _signed_in(client, practitioner_a)
        for _ in range(4):
            traveller.shift(dt.timedelta(minutes=29))
            assert client.get(PAGE).status_code == 200


def test_it_ends_a_session_after_30_minutes_without_activity(
    client: Client, practitioner_a: User
) -> None:
    with time_machine.travel(NOW, tick=False) as traveller:
        _signed_in(client, practitioner_a)
        traveller.shift(dt.timedelta(minutes=30, seconds=1))
        response = client.get(PAGE)

        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=%2Faccounts%2Ftokens%2F"
        assert "_auth_user_id" not in client.session
        login_page = client.get(response["Location"]).content.decode()

    assert "You were signed out after 30 minutes without activity." in login_page
    event = AuditEvent.objects.get(action=Action.LOGOUT)
    assert (event.actor, event.detail) == (practitioner_a, {"reason": "idle"})
    assert event.ip == "127.0.0.1"


def test_it_ends_a_busy_session_after_12_hours(client: Client, practitioner_a: User) -> None:
    with time_machine.travel(NOW, tick=False) as traveller:
        _signed_in(client, practitioner_a)
        for _ in range(35):  # every 20 minutes: 11 h 40 min of steady use
            traveller.shift(dt.timedelta(minutes=20))
            assert client.get(PAGE).status_code == 200
        traveller.shift(dt.timedelta(minutes=20, seconds=1))
        response = client.get(PAGE)

        assert response.status_code == 302
        assert "You were signed out: a session lasts at most 12 hours." in (
            client.get(response["Location"]).content.decode()
        )
    assert AuditEvent.objects.get(action=Action.LOGOUT).detail == {"reason": "absolute_limit"}


def test_it_lets_an_expired_api_request_through_unauthenticated(
    client: Client, practitioner_a: User
) -> None:
    with time_machine.travel(NOW, tick=False) as traveller:
        _signed_in(client, practitioner_a)
        traveller.shift(dt.timedelta(hours=1))
        response = client.get("/api/v1/patients")

    assert response.status_code == 401
    assert "_auth_user_id" not in client.session


def test_it_ends_a_deactivated_members_sessions_at_once(
    client: Client, manager_a: User, practitioner_a: User
) -> None:
    phone = Client()
    with time_machine.travel(NOW, tick=False) as traveller:
        _signed_in(client, practitioner_a)
        traveller.shift(dt.timedelta(minutes=1))  # a fresh TOTP step for the second sign-in
        _signed_in(phone, practitioner_a)

        staff_deactivate(staff=practitioner_a, actor=manager_a)

        for browser in (client, phone):
            response = browser.get(PAGE)
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")
    assert not [
        s
        for s in Session.objects.all()
        if s.get_decoded().get("_auth_user_id") == str(practitioner_a.pk)
    ]


def test_it_refuses_an_inactive_member_even_if_a_session_survives(
    client_for: Callable[[User], Client], practitioner_a: User
) -> None:
    client = client_for(practitioner_a)
    assert client.get(PAGE).status_code == 200

    # Deactivated behind the service's back: the session row is still there.
    User.objects.filter(pk=practitioner_a.pk).update(is_active=False)
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
