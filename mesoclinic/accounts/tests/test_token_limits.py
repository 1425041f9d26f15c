"""API tokens expire (90 days unless chosen otherwise), can be read-only, and die with the
password they were made under."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import time_machine
from django.test import Client

from mesoclinic.accounts.models import ApiToken, User
from mesoclinic.accounts.services import staff_password_set
from mesoclinic.accounts.token_services import api_token_create
from mesoclinic.audit.context import acting_as
from mesoclinic.audit.models import Action, AuditEvent, Outcome
from mesoclinic.conftest import PASSWORD
from mesoclinic.patients.models import Patient

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
ClientFor = Callable[[User], Client]


def _get(raw: str, path: str = "/api/v1/patients") -> int:
    return Client().get(path, headers={"Authorization": f"Bearer {raw}"}).status_code


def test_a_token_expires_after_ninety_days_by_default(practitioner_a: User) -> None:
    with time_machine.travel(NOW, tick=False) as traveller:
        token, raw = api_token_create(user=practitioner_a, name="Reports")
        assert token.expires_at == NOW + dt.timedelta(days=90)
        traveller.shift(dt.timedelta(days=90) - dt.timedelta(seconds=1))
        assert _get(raw) == 200
        traveller.shift(dt.timedelta(seconds=1))
        assert _get(raw) == 401
    refused = AuditEvent.objects.get(action=Action.LOGIN_FAILED, object_type="api_token")
    assert refused.detail == {"reason": "expired", "prefix": token.prefix}


def test_the_tokens_page_makes_a_shorter_read_only_token_and_shows_its_expiry(
    client_for: ClientFor, practitioner_a: User
) -> None:
    with time_machine.travel(NOW, tick=False):
        response = client_for(practitioner_a).post(
            "/accounts/tokens/",
            {"name": "Dashboard", "days": "30", "read_only": "on", "password": PASSWORD},
        )
    assert response.status_code == 201
    token = ApiToken.objects.get()
    assert (token.expires_at, token.read_only) == (NOW + dt.timedelta(days=30), True)
    html = response.content.decode()
    assert "It expires on 31/03/2027" in html
    assert "read only" in html


def test_the_tokens_page_refuses_a_lifetime_out_of_range_naming_it(
    client_for: ClientFor, practitioner_a: User
) -> None:
    response = client_for(practitioner_a).post(
        "/accounts/tokens/", {"name": "Forever", "days": "3650", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "Expires after: at most 365 days." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_read_only_token_reads_and_is_refused_every_write(
    practitioner_a: User, patient_a: Patient
) -> None:
    _, raw = api_token_create(user=practitioner_a, name="Reader", read_only=True)
    headers = {"Authorization": f"Bearer {raw}"}
    assert _get(raw, f"/api/v1/patients/{patient_a.pk}") == 200
    refused = Client().patch(
        f"/api/v1/patients/{patient_a.pk}",
        {"given_name": "Changed"},
        content_type="application/json",
        headers=headers,
    )
    assert refused.status_code == 403
    assert "read-only" in refused.json()["error"]
    patient_a.refresh_from_db()
    assert patient_a.given_name == "Alice"
    event = AuditEvent.objects.get(outcome=Outcome.DENIED, object_type="api_token")
    assert (event.actor, event.detail["reason"]) == (practitioner_a, "read_only")


def test_changing_the_password_revokes_every_token(practitioner_a: User) -> None:
    _, first = api_token_create(user=practitioner_a, name="One")
    _, second = api_token_create(user=practitioner_a, name="Two")
    with acting_as(practitioner_a):
        staff_password_set(staff=practitioner_a, password="a brand new passphrase 99")  # noqa: S106
    assert (_get(first), _get(second)) == (401, 401)
    assert not ApiToken.objects.filter(revoked_at__isnull=True).exists()
    change = AuditEvent.objects.get(action=Action.UPDATE, object_type="staff")
    assert change.detail == {"change": "password_changed", "tokens_revoked": 2}
